// The sign-in screen in Chromium, served with the built renderer by a server that speaks
// the sign-in contract of the server of many people (test/support/password-server.ts):
// axe-clean in light and dark, signed in with the keyboard alone, the server's refusal
// read out, the access token in no storage a script could read, a reload that stays signed
// in, and Sign out in the settings, which on this server offer no stack and no backups.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PasswordServer } from '../support/password-server.js';
import { seriousViolations } from './axe.js';
import { startBrowser, type Browser } from './browser.js';
import { ensureRendererBuilt, RENDERER_DIST, ROOT } from './build.js';

const ARTIFACTS = path.join(ROOT, 'test/e2e/artifacts');

const ann = {
  email: 'ann@example.test',
  password: 'correct horse',
  tenant: 'acme',
  role: 'user',
} as const;

describe('signing in to the server of many people (Chromium)', () => {
  let server: PasswordServer;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    await ensureRendererBuilt();
    mkdirSync(ARTIFACTS, { recursive: true });
    server = await new PasswordServer({ people: [ann], staticDir: RENDERER_DIST }).listen();
    browser = await startBrowser();
    page = await browser.context.newPage();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  const heading = () => page.getByRole('heading', { name: 'Sign in to Maildock' });
  const shot = (name: string) =>
    page.screenshot({ path: path.join(ARTIFACTS, `signin-${name}.png`), animations: 'disabled' });
  const focused = () => page.evaluate(`document.activeElement?.getAttribute('autocomplete')`);

  it('signs in with the keyboard alone, and says what the server refused', async () => {
    await page.goto(server.url);
    await expect.poll(() => heading().count()).toBe(1);
    expect(await focused()).toBe('username');
    const found = await seriousViolations(page, 'sign-in screen');
    await page.emulateMedia({ colorScheme: 'dark' });
    found.push(...(await seriousViolations(page, 'sign-in screen, dark')));
    await shot('dark');
    await page.emulateMedia({ colorScheme: 'light' });

    await page.keyboard.type(ann.email);
    await page.keyboard.press('Tab');
    expect(await focused()).toBe('current-password');
    await page.keyboard.type('not the password');
    await page.keyboard.press('Enter');
    const alert = page.getByRole('alert');
    await expect
      .poll(() => alert.textContent())
      .toBe('The email address or the password is not right.');
    expect(await focused()).toBe('current-password');
    found.push(...(await seriousViolations(page, 'sign-in refused')));
    await shot('refused');
    expect(found).toEqual([]);

    await page.keyboard.type(ann.password);
    await page.keyboard.press('Tab');
    expect(await page.evaluate(`document.activeElement?.textContent`)).toBe('Sign in');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByText('No accounts yet.').count()).toBe(1);
    expect(await heading().count()).toBe(0);

    // The access token is in memory only; the refresh cookie is out of the page's reach.
    const token = server.calls('/api/account.list').at(-1)!.bearer!;
    expect(token).toBeTruthy();
    const storage = (await page.evaluate(
      `JSON.stringify([Object.entries(localStorage), Object.entries(sessionStorage), document.cookie])`,
    )) as string;
    expect(storage).not.toContain(token);
    expect(storage).not.toContain('maildock-refresh');
  });

  it('stays signed in across a reload', async () => {
    const logins = server.calls('/api/auth.login').length;
    await page.reload();
    await expect.poll(() => page.getByText('No accounts yet.').count()).toBe(1);
    expect(await heading().count()).toBe(0);
    expect(server.calls('/api/auth.login')).toHaveLength(logins);
    expect(server.calls('/api/auth.refresh').at(-1)!.status).toBe(200);
  });

  it('signs out from the settings, which offer no stack and no backups here', async () => {
    await page.getByRole('button', { name: 'Settings' }).click();
    const dialog = page.getByRole('dialog', { name: 'Settings' });
    await expect
      .poll(() => dialog.getByRole('tab').allTextContents())
      .toEqual(['Accounts', 'Sync', 'This app']);
    const mine = dialog.getByRole('region', { name: 'Your sign-in' });
    expect(await mine.textContent()).toContain('Signed in as ann@example.test (acme).');
    expect(await seriousViolations(page, 'settings with Sign out')).toEqual([]);
    await shot('settings');
    await mine.getByRole('button', { name: 'Sign out' }).click();
    await expect.poll(() => heading().count()).toBe(1);
    expect(await page.getByRole('status').textContent()).toBe('You have signed out.');
    await shot('signed-out');
    expect(server.liveSessions).toBe(0);
    expect(await focused()).toBe('current-password');

    await page.reload();
    await expect.poll(() => heading().count()).toBe(1);
    expect(await page.getByText('No accounts yet.').count()).toBe(0);
  });
});
