// Search as you type in the web UI (issue 26): results follow the typing without Enter, the
// field never loses a key while searches run, a search is asked at each pause rather than at
// each key, a query that does not parse shows where at once and gives way to results again,
// and the title counts the matches: exactly, like the folder's own count, and "more than"
// past the count's limit. A private Dovecot with 1,003 messages, synced by the real service
// behind the real HTTP server; the built renderer in Chromium.
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERROR_TEXT } from '../../common/errors.js';
import { SERVER_SERVICE_OPTIONS } from '../../main/server/server.js';
import { startDovecot, type DovecotServer } from '../support/dovecot.js';
import { dayAt, makeMail } from '../support/mail.js';
import { accountInput, openService, type TestService } from '../support/service.js';
import { startBrowser, type Browser } from './browser.js';
import { ensureRendererBuilt, ROOT } from './build.js';
import { serve } from './served.js';

const ARTIFACTS = path.join(ROOT, 'test/e2e/artifacts');
const DIGESTS = 1000;

describe('search as you type in the web UI', () => {
  let dovecot: DovecotServer;
  let t: TestService;
  let close: () => Promise<void>;
  let signIn: string;
  let browser: Browser;
  let page: Page;
  let searches: string[];

  beforeAll(async () => {
    await mkdir(ARTIFACTS, { recursive: true });
    [dovecot] = await Promise.all([startDovecot(), ensureRendererBuilt()]);
    const digests = Array.from({ length: DIGESTS }, (_, i) => ({
      raw: makeMail({
        subject: `Weekly digest ${i}`,
        from: 'List <news@list.example>',
        date: dayAt(i),
        text: `Issue ${i} of the digest.`,
      }),
    }));
    await dovecot.loadMaildir('INBOX', [
      ...digests,
      {
        raw: makeMail({
          subject: 'Report from Alice',
          from: 'Alice Archer <alice@example.test>',
          date: dayAt(DIGESTS + 1),
          text: 'The numbers are in the attachment.',
          attachment: {
            filename: 'q1.pdf',
            contentType: 'application/pdf',
            content: Buffer.from('%PDF-1.7 q1'),
          },
        }),
      },
      {
        raw: makeMail({
          subject: 'Lunch with Bob',
          from: 'Bob Baker <bob@example.test>',
          date: dayAt(DIGESTS + 2),
          text: 'Noon at the usual place?',
        }),
      },
      {
        raw: makeMail({
          subject: 'Repair quote',
          from: 'Carol Cole <carol@example.test>',
          date: dayAt(DIGESTS + 3),
          text: 'The quote for the roof.',
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
    searches = [];
    page.on('request', (r) => {
      if (r.url().endsWith('/api/message.search'))
        searches.push((JSON.parse(r.postData() ?? '{}') as { query: string }).query);
    });
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await close?.();
    await t?.close();
    await dovecot?.stop();
  });

  const subjects = () => page.locator('.row-subject').allTextContents();
  const count = () => page.locator('.pane-count').textContent();
  const box = () => page.getByRole('searchbox');

  it('shows results as the words are typed, with their count', async () => {
    await page.goto(signIn);
    await expect.poll(count, { timeout: 20_000 }).toBe('1,003');

    await page.keyboard.press('/');
    // A person typing: a key every 40 ms, no Enter.
    await page.keyboard.type('repo', { delay: 40 });
    await expect.poll(subjects).toEqual(['Report from Alice']);
    await expect.poll(count).toBe('1');
    expect(await box().inputValue()).toBe('repo');
    // Asked at the pause, not at every key (and the last thing asked is what was typed).
    expect(searches.length).toBeLessThan(4);
    expect(searches.at(-1)).toBe('repo');

    // A word followed by more is whole again: "report", and the sender as it is typed.
    await page.keyboard.type('rt OR from:bo', { delay: 40 });
    await expect.poll(subjects).toEqual(['Lunch with Bob', 'Report from Alice']);
    await expect.poll(count).toBe('2');
    expect(await box().inputValue()).toBe('report OR from:bo');
    await page.screenshot({ path: path.join(ARTIFACTS, 'search-as-you-type.png') });
  });

  it('shows a query that does not parse with the spot marked, then results again', async () => {
    await box().fill('');
    await box().focus();
    await page.keyboard.type('(from:alice OR has:pdf', { delay: 30 });
    const alert = page.getByRole('alert');
    await expect.poll(() => alert.textContent()).toContain(ERROR_TEXT.SEARCH_SYNTAX);
    expect(await alert.locator('mark').textContent()).toBe('(');
    await page.screenshot({ path: path.join(ARTIFACTS, 'search-as-you-type-error.png') });

    await page.keyboard.type(')', { delay: 30 });
    await expect.poll(() => alert.count()).toBe(0);
    await expect.poll(subjects).toEqual(['Report from Alice']);
  });

  it('counts exactly like the folder, then says "more than" past the limit', async () => {
    await box().fill('');
    await box().focus();
    await page.keyboard.type('is:unread -subject:digest', { delay: 20 });
    await expect.poll(count).toBe('3');

    await box().fill('');
    await page.keyboard.type('digest', { delay: 20 });
    await expect.poll(count).toBe('1,000');
    await page.keyboard.type(' OR lunch', { delay: 20 });
    await expect.poll(count).toBe('more than 1,000');
    // The list itself goes on past its first page as it scrolls.
    await expect.poll(async () => (await subjects()).length).toBeGreaterThan(10);
    await page.screenshot({ path: path.join(ARTIFACTS, 'search-count-more.png') });

    // Cleared: back to the folder and its own count.
    await box().fill('');
    await expect.poll(count).toBe('1,003');
  });
});
