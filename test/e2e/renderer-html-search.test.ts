// Search in the web UI finds the words of HTML-only mail, the words its own list shows in the
// message's snippet. A private Dovecot with an HTML-only newsletter and a plain message,
// synced by the real service behind the real HTTP server; the built renderer in Chromium.
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SERVER_SERVICE_OPTIONS } from '../../main/server/server.js';
import { startDovecot, type DovecotServer } from '../support/dovecot.js';
import { makeMail } from '../support/mail.js';
import { accountInput, openService, type TestService } from '../support/service.js';
import { startBrowser, type Browser } from './browser.js';
import { ensureRendererBuilt, ROOT } from './build.js';
import { serve } from './served.js';

const ARTIFACTS = path.join(ROOT, 'test/e2e/artifacts');

const HTML_ONLY = Buffer.from(
  [
    'From: Shop <news@shop.example>',
    'To: Bob <bob@example.test>',
    'Subject: Spring sale',
    'Date: Mon, 04 Mar 2024 09:00:00 +0000',
    'Message-ID: <spring-sale@shop.example>',
    'MIME-Version: 1.0',
    'Content-Type: text/html; charset=utf-8',
    '',
    '<!DOCTYPE html><html><head><title>Shop</title><style>.hero{color:#333}</style></head>' +
      '<body><table><tr><td><h1>Spring&nbsp;sale</h1><p>Every <b>quokka</b> plush is half ' +
      'price.</p></td></tr></table></body></html>',
    '',
  ].join('\r\n'),
);

describe('search in the web UI', () => {
  let dovecot: DovecotServer;
  let t: TestService;
  let close: () => Promise<void>;
  let signIn: string;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    await mkdir(ARTIFACTS, { recursive: true });
    [dovecot] = await Promise.all([startDovecot(), ensureRendererBuilt()]);
    await dovecot.loadMaildir('INBOX', [
      { raw: HTML_ONLY },
      {
        raw: makeMail({
          subject: 'Lunch',
          date: new Date(Date.UTC(2024, 2, 5, 12)),
          text: 'Noon at the usual place?',
        }),
      },
    ]);
    t = await openService(SERVER_SERVICE_OPTIONS);
    const served = await serve(t);
    signIn = served.signIn;
    close = () => served.app.close();
    await served.api('account.add', accountInput(dovecot));
    await served.api('sync.run', {});
    browser = await startBrowser();
    page = await browser.context.newPage();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await close?.();
    await t?.close();
    await dovecot?.stop();
  });

  it('finds a word that only the HTML of a message holds, as its snippet shows it', async () => {
    await page.goto(signIn);
    const row = page.locator('.row', { hasText: 'Spring sale' });
    await expect
      .poll(() => row.locator('.row-snippet').textContent())
      .toBe('Spring sale Every quokka plush is half price.');

    await page.keyboard.press('/');
    await page.keyboard.type('quokka');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('.pane-title').textContent()).toContain('Search: quokka');
    await expect
      .poll(() => page.locator('.row-subject').allTextContents())
      .toEqual(['Spring sale']);
    expect(await page.locator('.row-snippet mark').allTextContents()).toEqual(['quokka']);
    await page.screenshot({ path: path.join(ARTIFACTS, 'html-search-results.png') });

    // What only <style> or <title> holds is no word of the message.
    await page.getByRole('searchbox').fill('hero');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('.pane-title').textContent()).toContain('Search: hero');
    await expect.poll(() => page.locator('.row-subject').count()).toBe(0);
  });
});
