// The web UI on the real server of many people (Postgres, the password sign-in, a person's
// own service over her own rows) in Chromium: alice signs in with her email address and
// password, sees her Inbox and the mail that comes in, stays signed in across a reload, and signs out from the settings,
// after which a reload is the sign-in screen again.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seriousViolations } from './axe.js';
import { startBrowser, type Browser } from './browser.js';
import { startPeopleServed, type PeopleServed } from './people-served.js';

describe('the web UI on the server of many people (Chromium)', () => {
  let served: PeopleServed;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    served = await startPeopleServed();
    browser = await startBrowser();
    page = await browser.context.newPage();
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await served?.close();
  });

  const heading = () => page.getByRole('heading', { name: 'Sign in to Maildock' });
  const rows = () => page.getByRole('listbox').getByRole('option');

  it('signs alice in and shows her Inbox', async () => {
    await page.goto(served.base);
    await expect.poll(() => heading().count()).toBe(1);
    await page.getByLabel('Email address').fill('alice@acme.test');
    await page.getByLabel('Password').fill('not hers');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect
      .poll(() => page.getByRole('alert').textContent())
      .toBe('The email address or the password is not right.');

    await page.getByLabel('Password').fill(served.alice.password);
    await page.getByLabel('Password').press('Enter');
    await expect.poll(() => rows().count(), { timeout: 30_000 }).toBe(4);
    expect(await heading().count()).toBe(0);
    await expect
      .poll(() => page.locator('.row-subject').allTextContents())
      .toContain('Quarterly report');
    expect(await seriousViolations(page, 'signed in, Inbox')).toEqual([]);
  });

  it('hears of new mail over the events socket, which carries her access token', async () => {
    await served.dovecot.append(
      'INBOX',
      Buffer.from(
        'From: Dora <dora@example.test>\r\nTo: alice@acme.test\r\nSubject: Fresh news\r\n' +
          'Date: Mon, 7 Dec 2026 01:00:00 +0000\r\nMessage-ID: <fresh@example.test>\r\n\r\nHello.\r\n',
      ),
    );
    await served.asAlice('sync.run', {});
    await expect.poll(() => rows().count(), { timeout: 30_000 }).toBe(5);
    expect(await page.locator('.row-subject').allTextContents()).toContain('Fresh news');
  });

  it('stays signed in across a reload', async () => {
    await page.reload();
    await expect.poll(() => rows().count(), { timeout: 30_000 }).toBe(5);
    expect(await heading().count()).toBe(0);
  });

  it('signs out from the settings, and a reload is the sign-in screen', async () => {
    await page.getByRole('button', { name: 'Settings' }).click();
    const mine = page.getByRole('dialog', { name: 'Settings' }).getByRole('region', {
      name: 'Your sign-in',
    });
    await expect.poll(() => mine.textContent()).toContain('Signed in as alice@acme.test (acme).');
    await mine.getByRole('button', { name: 'Sign out' }).click();
    await expect.poll(() => heading().count()).toBe(1);
    expect(await rows().count()).toBe(0);
    await page.reload();
    await expect.poll(() => heading().count()).toBe(1);
    expect(await rows().count()).toBe(0);
  });
});
