// The web UI in German, end to end in Chromium against the real server and a synced Inbox:
// a browser whose language is de-DE gets the German UI (the three panes, compose, settings;
// dates in German; <html lang="de">) with no English left in the app's own chrome, and the
// language picked in Settings applies at once, is kept over a reload, and wins over the
// browser's. Screenshots go to test/e2e/artifacts/.
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seriousViolations } from './axe.js';
import { startBrowser, type Browser } from './browser.js';
import { ROOT } from './build.js';
import { OVERFLOW } from './overflow.js';
import { startServedInbox, type ServedInbox } from './served.js';

const ARTIFACTS = path.join(ROOT, 'test/e2e/artifacts');

// Words of the English UI that must not show in the German one (whole words: "Archiv" and
// "Synchronisiert" are German). Search operators (from:, is:unread) are syntax, not English.
const ENGLISH =
  /\b(Inbox|Inboxes|Compose|Search|Settings|Folders?|Messages?|Flag|Archive|Delete|Move|Undo|Reply|Forward|Outbox|Drafts?|Sent|Trash|Conversations|Theme|Light|Dark|Synced|Syncing|Notify|selected|Attachments?|From|To|Date|Subject|Send|Discard|Accounts?|Backups|This app|Close)\b/;

// What the mail says is the sender's, not the UI's: left out of the check.
const MAIL =
  '.row-from, .row-subject, .row-snippet, .reader-subject, .reader-headers dd, .mail-frame, ' +
  '.plain-body, .html-body, .account-name, .conversation-from, .conversation-snippet, ' +
  '.attachment-name, .attachment-meta, time';

/** Every text, name and tooltip of the app's own chrome: text nodes, aria-label, title, alt. */
async function chromeWords(page: Page, within: string): Promise<string[]> {
  // A string, as the other tests evaluate: this file is type-checked without the DOM's types.
  return (await page.evaluate(`(() => {
    const out = [];
    const mail = ${JSON.stringify(MAIL)};
    const skip = (el) => !!el?.closest(mail);
    for (const scope of document.querySelectorAll(${JSON.stringify(within)})) {
      const walker = document.createTreeWalker(scope, NodeFilter.SHOW_TEXT);
      for (let n = walker.nextNode(); n; n = walker.nextNode()) {
        const text = n.textContent.trim();
        if (text && !skip(n.parentElement)) out.push(text);
      }
      for (const el of [scope, ...scope.querySelectorAll('*')]) {
        if (skip(el)) continue;
        for (const a of ['aria-label', 'title', 'alt']) {
          const v = el.getAttribute(a);
          if (v) out.push(v);
        }
      }
    }
    return out;
  })()`)) as string[];
}

const english = (words: string[]) => words.filter((w) => ENGLISH.test(w));

describe('the web UI in German (Chromium, de-DE)', () => {
  let served: ServedInbox;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    served = await startServedInbox();
    browser = await startBrowser({ locale: 'de-DE' });
    page = await browser.context.newPage();
    page.on('pageerror', (e) => pageErrors.push(e.message));
  });

  afterAll(async () => {
    await browser?.close();
    await served?.close();
  });

  const shot = (name: string) =>
    page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), animations: 'disabled' });
  const rows = () => page.getByRole('listbox').getByRole('option');
  const lang = () => page.evaluate('document.documentElement.lang');

  it('speaks German in the three panes, with German dates and no English in its chrome', async () => {
    await page.goto(served.signIn);
    await expect.poll(() => rows().count()).toBe(4);
    expect(await lang()).toBe('de');

    // Folders: the unified and the account's Inbox, the Outbox and Drafts, by German names.
    const folders = page.getByRole('navigation', { name: 'Ordner' });
    await folders.getByRole('button', { name: /^Posteingang/ }).click();
    await expect.poll(() => page.locator('.pane-title').textContent()).toMatch(/^Posteingang/);
    for (const name of [/^Alle Posteingänge/, /^Postausgang/, /^Alle Entwürfe/])
      expect(await folders.getByRole('button', { name }).count()).toBe(1);

    // Top bar and list.
    expect(await page.getByRole('button', { name: 'Verfassen' }).count()).toBe(1);
    expect(await page.getByRole('searchbox', { name: 'E-Mails durchsuchen' }).count()).toBe(1);
    expect(await page.getByRole('button', { name: 'Einstellungen' }).count()).toBe(1);
    const toolbar = page.getByRole('toolbar', { name: 'Nachrichtenaktionen' });
    expect(await toolbar.getByRole('button').allTextContents()).toEqual([
      'Markieren',
      'Gelesen/ungelesen',
      'Archivieren',
      'Löschen',
      'Spam',
      'Verschieben…',
      'Rückgängig',
    ]);
    await expect
      .poll(() => page.locator('.reader').textContent())
      .toContain('Keine Nachricht ausgewählt');
    await expect.poll(() => page.locator('.sync-text').textContent()).toMatch(/^Synchronisiert/);

    // The reader: German headers and answers, the date in German.
    await page.locator('.row', { hasText: 'Quarterly report' }).click();
    await expect.poll(() => page.locator('.reader-subject').textContent()).toBe('Quarterly report');
    expect(await page.locator('.reader-headers dt').allTextContents()).toEqual([
      'Von',
      'An',
      'Datum',
    ]);
    expect(await page.locator('.reader-headers dd').last().textContent()).toMatch(
      /(Montag|Dienstag|Mittwoch|Donnerstag|Freitag|Samstag|Sonntag)/,
    );
    expect(
      await page.getByRole('toolbar', { name: 'Antworten' }).getByRole('button').allTextContents(),
    ).toEqual(['Antworten', 'Allen antworten', 'Weiterleiten']);
    await shot('i18n-de-1-panes');

    expect(english(await chromeWords(page, '.app'))).toEqual([]);
    expect(await page.getByRole('searchbox').getAttribute('placeholder')).toMatch(/^Suchen/);
    expect(await seriousViolations(page, 'German UI, a message open')).toEqual([]);

    // German words are longer: a narrow window still holds them.
    await page.setViewportSize({ width: 500, height: 800 });
    await expect.poll(() => page.evaluate(OVERFLOW)).toEqual([]);
    await shot('i18n-de-5-narrow');
    await page.setViewportSize({ width: 1400, height: 860 });
  });

  it('writes in German: the compose pane and its checks', async () => {
    await page.getByRole('button', { name: 'Verfassen' }).click();
    const pane = page.getByRole('dialog', { name: 'Neue Nachricht' });
    await expect.poll(() => pane.count()).toBe(1);
    expect(await pane.locator('.compose-label').allTextContents()).toEqual([
      'Von',
      'An',
      'Kopie (CC)',
      'Blindkopie (BCC)',
      'Betreff',
    ]);
    await expect.poll(() => pane.getByRole('toolbar', { name: 'Formatierung' }).count()).toBe(1);
    await pane.getByRole('button', { name: 'Senden', exact: true }).click();
    await expect
      .poll(() => pane.getByRole('alert').textContent())
      .toBe('Fügen Sie mindestens einen Empfänger hinzu.');
    await shot('i18n-de-2-compose');
    expect(english(await chromeWords(page, '.compose'))).toEqual([]);
    await pane.getByRole('button', { name: 'Verwerfen' }).click();
    await expect.poll(() => pane.count()).toBe(0);
  });

  it('has German settings, and the language picked there applies at once and is kept', async () => {
    await page.getByRole('button', { name: 'Einstellungen' }).click();
    const dialog = page.getByRole('dialog', { name: 'Einstellungen' });
    // Settings load on first use.
    await expect
      .poll(() => dialog.getByRole('tab').allTextContents())
      .toEqual(['Konten', 'Synchronisierung', 'Lokaler Mailserver', 'Sicherungen', 'Diese App']);
    await expect
      .poll(() => dialog.locator('.account-item-servers').textContent())
      .toMatch(/^IMAP /);
    await shot('i18n-de-3-settings');
    expect(english(await chromeWords(page, '.settings-dialog'))).toEqual([]);

    // English, picked in Settings, wins over the browser's German: at once, and after a reload.
    await dialog.getByRole('tab', { name: 'Diese App' }).click();
    await dialog.getByLabel('Sprache').selectOption('en');
    await expect.poll(() => lang()).toBe('en');
    const english_ = page.getByRole('dialog', { name: 'Settings' });
    expect(await english_.getByRole('tab', { name: 'This app' }).count()).toBe(1);
    expect(await page.getByRole('button', { name: 'Compose' }).count()).toBe(1);
    await page.reload();
    await expect.poll(() => rows().count()).toBe(4);
    expect(await lang()).toBe('en');
    expect(await page.getByRole('button', { name: 'Compose' }).count()).toBe(1);
    // The check for English words finds them where they are.
    expect(english(await chromeWords(page, '.app')).length).toBeGreaterThan(10);

    // German, picked in Settings: the whole page follows without a reload.
    await page.getByRole('button', { name: 'Settings' }).click();
    const settings = page.getByRole('dialog', { name: 'Settings' });
    await settings.getByRole('tab', { name: 'This app' }).click();
    await settings.getByLabel('Language').selectOption('de');
    await expect.poll(() => lang()).toBe('de');
    expect(await page.getByRole('dialog', { name: 'Einstellungen' }).count()).toBe(1);
    expect(await page.getByRole('button', { name: 'Verfassen' }).count()).toBe(1);
    await expect
      .poll(() => page.locator('.pane-title').first().textContent())
      .toMatch(/^(Alle Posteingänge|Posteingang)/);
    await shot('i18n-de-4-switched');
    expect(english(await chromeWords(page, '.app'))).toEqual([]);
    // Back to the system's: German here, from the browser.
    await page.getByLabel('Sprache').selectOption('system');
    expect(await lang()).toBe('de');
    expect(pageErrors).toEqual([]);
  });
});
