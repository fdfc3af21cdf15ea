// A server outage in the web UI end to end: the real service, watching its account with a
// short timer, behind the real HTTP server; a private Dovecot; Chromium. With the UI open,
// Dovecot stops: the top bar, the sidebar and Settings → Sync say the account is offline,
// why (the code's sentence and the host) and when it is tried again; nothing says "Synced"
// or "Something went wrong", and no raw error text reaches the screen. Dovecot starts again
// on the same port: the account comes back by itself. The offline screenshot is kept in
// test/e2e/artifacts/.
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERROR_TEXT } from '../../common/errors.js';
import type { AccountSyncState } from '../../common/types.js';
import { startBrowser, type Browser } from './browser.js';
import { ROOT } from './build.js';
import { startServedInbox, type ServedInbox } from './served.js';

const ARTIFACTS = path.join(ROOT, 'test/e2e/artifacts');
const TIME = /\d\d:\d\d:\d\d/;
/** What a dump looks like on screen: JSON, or a validator's issue words. */
const RAW = /[{}]|"\w+"\s*:|Invalid input|unrecognized_keys|ZodError/;

describe('a server outage in the web UI', () => {
  let served: ServedInbox;
  let browser: Browser;
  let page: Page;
  const warnings: string[] = [];

  beforeAll(async () => {
    await mkdir(ARTIFACTS, { recursive: true });
    served = await startServedInbox();
    // Short intervals stand in for minutes: the outage is met at once, and retried often.
    await served.t.svc.watch({ pollMs: 4000, maxBackoffMs: 2000 });
    browser = await startBrowser();
    page = await browser.context.newPage();
    page.on('console', (m) => {
      if (m.type() === 'warning' || m.type() === 'error') warnings.push(m.text());
    });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await served?.close();
  });

  const states = async () => (await served.api('sync.state', {})) as AccountSyncState[];
  const topBar = () => page.locator('.sync-status button');
  const statusText = async () =>
    (await page
      .locator('.sync-status')
      .textContent({ timeout: 2000 })
      .catch(() => '')) ?? '';
  const screenText = () => page.locator('body').innerText();

  it('says the account is offline, why, and when it tries again; then recovers', async () => {
    await page.goto(served.signIn);
    await expect.poll(statusText, { timeout: 20_000 }).toMatch(/^Synced /);

    await served.dovecot.stop({ keepData: true });

    // The IDLE connection notices at once: well within one timed sync.
    await expect.poll(statusText, { timeout: 15_000 }).toMatch(/^Offline: /);
    expect(await statusText()).toMatch(new RegExp(`retrying (at ${TIME.source}|now)`));
    const offline = (await states())[0]!.offline!;
    expect(offline.host).toBe(served.dovecot.host);
    expect(offline.retryAt).not.toBeNull();
    const sentence = ERROR_TEXT[offline.error.code];
    expect(['HOST_UNREACHABLE', 'CONNECTION_LOST', 'TIMEOUT']).toContain(offline.error.code);

    // The sidebar's account row says it too.
    await expect
      .poll(() => page.locator('.account-offline').first().textContent())
      .toMatch(/^Offline — retrying/);

    await topBar().click();
    const dialog = page.getByRole('dialog', { name: 'Settings' });
    await expect
      .poll(() => dialog.getByRole('tab', { name: 'Sync' }).getAttribute('aria-selected'))
      .toBe('true');
    await expect
      .poll(() => dialog.locator('.sync-offline').textContent())
      .toBe(`${sentence} (${served.dovecot.host})`);
    await expect
      .poll(() => dialog.locator('.sync-account-line').textContent())
      .toMatch(new RegExp(`^Offline since ${TIME.source} — retrying`));

    const text = await screenText();
    expect(text).not.toContain(ERROR_TEXT.INTERNAL);
    expect(text).not.toContain('Never synced');
    expect(text).not.toMatch(/Synced \d+ min ago|Synced just now/);
    expect(text).not.toMatch(RAW);
    await page.screenshot({ path: path.join(ARTIFACTS, 'offline.png'), animations: 'disabled' });

    await served.dovecot.start();
    await expect
      .poll(() => dialog.locator('.sync-account-line').textContent(), { timeout: 60_000 })
      .toMatch(/^Last synced just now/);
    expect(await dialog.locator('.sync-offline').count()).toBe(0);
    await page.keyboard.press('Escape');
    await expect.poll(statusText, { timeout: 10_000 }).toBe('Synced just now');
    expect(await page.locator('.account-offline').count()).toBe(0);
    expect((await states())[0]!.offline).toBeNull();
    expect(warnings.filter((w) => w.includes('malformed'))).toEqual([]);
  }, 150_000);
});
