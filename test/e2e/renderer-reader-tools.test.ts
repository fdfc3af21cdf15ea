// The reader's own actions end to end, over a real core with Dovecot and Postfix: Junk and
// Not junk through the actions with their undo notice (checked through the API); Unsubscribe
// asks first, Cancel does nothing, a mailto: list gets its mail queued in the outbox, and a
// link opens only after the user said yes; View source shows the exact bytes the test
// appended, as text; Save as .eml downloads them whole; Print builds a printable document of
// the message or the whole conversation (print() counted in the page: headless Chromium
// prints nothing).
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seriousViolations } from './axe.js';
import { startBrowser, type Browser } from './browser.js';
import { ROOT } from './build.js';
import { BOB, startServedMail, type ServedMail } from './served-mail.js';

const ARTIFACTS = path.join(ROOT, 'test/e2e/artifacts');

const crlf = (s: string) => Buffer.from(s.replace(/\r?\n/g, '\r\n'));

// A list offering a mailto: (and a page, which the mailto: wins over without one-click).
const NEWSLETTER = crlf(`From: Gadget News <news@lists.example.test>
To: Alice <alice@maildock.test>
Subject: Gadget weekly
Date: Tue, 05 Mar 2024 08:00:00 +0000
Message-ID: <gadget-1@lists.example.test>
List-Unsubscribe: <mailto:${BOB.email}?subject=unsubscribe%20gadget>, <https://lists.example.test/u/1>
MIME-Version: 1.0
Content-Type: multipart/alternative; boundary="b1"

--b1
Content-Type: text/plain; charset=utf-8

This week: <b>bold</b> gadgets & more. Grüße
--b1
Content-Type: text/html; charset=utf-8

<p>This week: <b>bold</b> gadgets &amp; more. Grüße</p><img src="http://127.0.0.1:9/pixel.png" alt="logo">
--b1--
`);

const LINK_ONLY = crlf(`From: Shop Offers <offers@shop.example.test>
To: Alice <alice@maildock.test>
Subject: Spring offers
Date: Wed, 06 Mar 2024 08:00:00 +0000
Message-ID: <offers-1@shop.example.test>
List-Unsubscribe: <https://shop.example.test/leave?id=9>
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8

Everything must go.
`);

// A conversation of two, for Print conversation.
const TRIP = crlf(`From: Bob Receiver <${BOB.email}>
To: Alice <alice@maildock.test>
Subject: Trip notes
Date: Thu, 07 Mar 2024 08:00:00 +0000
Message-ID: <trip-1@maildock.test>
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8

First day: the lake.
`);
const TRIP_REPLY = crlf(`From: Alice <alice@maildock.test>
To: Bob Receiver <${BOB.email}>
Subject: Re: Trip notes
Date: Thu, 07 Mar 2024 09:00:00 +0000
Message-ID: <trip-2@maildock.test>
In-Reply-To: <trip-1@maildock.test>
References: <trip-1@maildock.test>
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8

Second day: the <mountain>.
`);

describe('the reader’s tools in the web UI', () => {
  let served: ServedMail;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    served = await startServedMail({ delaySeconds: 30 });
    await served.dovecot.append('INBOX', NEWSLETTER);
    await served.dovecot.append('INBOX', LINK_ONLY);
    await served.dovecot.append('INBOX', TRIP);
    await served.dovecot.append('INBOX', TRIP_REPLY);
    await served.api('sync.run', {});
    browser = await startBrowser();
    page = await browser.context.newPage();
    page.setDefaultTimeout(8000);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await served?.close();
  });

  const row = (subject: string) => page.locator('.row', { hasText: subject });
  async function open(subject: string): Promise<void> {
    await row(subject).click();
    await expect.poll(() => page.locator('.reader-subject').textContent()).toBe(subject);
  }
  const tools = () => page.getByRole('toolbar', { name: 'Message tools' });
  /** The subjects in the folder of a role, through the API (a Junk made by Maildock: by name). */
  const subjectsIn = async (role: 'inbox' | 'junk'): Promise<string[]> => {
    const boxes = (await served.api('mailbox.list', {})) as {
      id: number;
      name: string;
      role: string | null;
    }[];
    const box = boxes.find((b) => b.role === role || (role === 'junk' && b.name === 'Junk'));
    if (!box) return [];
    const r = (await served.api('message.list', { mailboxId: box.id })) as {
      messages: { subject: string }[];
    };
    return r.messages.map((m) => m.subject).sort();
  };

  it('moves a message to Junk and back with undo; Not junk in the Junk folder', async () => {
    await page.goto(served.signIn);
    await expect.poll(() => page.locator('.row').count()).toBe(5);
    await open('Plans for Friday');
    await tools().getByRole('button', { name: 'Junk' }).click();
    const notice = page.locator('.action-notice');
    await expect.poll(() => notice.textContent()).toContain('Moved 1 message to Junk');
    await expect.poll(() => subjectsIn('junk')).toEqual(['Plans for Friday']);
    expect(await subjectsIn('inbox')).not.toContain('Plans for Friday');
    await expect.poll(() => row('Plans for Friday').count()).toBe(0);

    await notice.getByRole('button', { name: /^Undo/ }).click();
    await expect.poll(() => subjectsIn('inbox')).toContain('Plans for Friday');
    expect(await subjectsIn('junk')).toEqual([]);

    // Junk again, then from the Junk folder: Not junk takes it back to the Inbox.
    await open('Plans for Friday');
    await tools().getByRole('button', { name: 'Junk' }).click();
    await expect.poll(() => subjectsIn('junk')).toEqual(['Plans for Friday']);
    await page.locator('.sidebar').getByText('Junk', { exact: true }).click();
    await open('Plans for Friday');
    expect(await tools().getByRole('button', { name: 'Junk', exact: true }).count()).toBe(0);
    await tools().getByRole('button', { name: 'Not junk' }).click();
    await expect.poll(() => subjectsIn('inbox')).toContain('Plans for Friday');
    expect(await subjectsIn('junk')).toEqual([]);
    await page.locator('.sidebar').getByText('Inbox', { exact: true }).first().click();
    await expect.poll(() => page.locator('.row').count()).toBe(5);
  });

  it('asks before unsubscribing: Cancel does nothing, Unsubscribe queues the mailto: mail', async () => {
    await open('Gadget weekly');
    await page.getByRole('button', { name: 'Unsubscribe' }).click();
    const dialog = page.getByRole('dialog', { name: 'Unsubscribe from Gadget News?' });
    await dialog.waitFor();
    expect(await dialog.textContent()).toContain(`an email to ${BOB.email}`);
    expect(await seriousViolations(page, 'unsubscribe dialog')).toEqual([]);
    await page.screenshot({ path: path.join(ARTIFACTS, 'reader-unsubscribe-ask.png') });
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'detached' });
    expect(await served.api('outbox.list', {})).toEqual([]);

    await page.getByRole('button', { name: 'Unsubscribe' }).click();
    await dialog.getByRole('button', { name: 'Unsubscribe' }).click();
    await expect.poll(() => dialog.getByRole('status').textContent()).toContain('in the outbox');
    const outbox = (await served.api('outbox.list', {})) as {
      subject: string;
      recipients: string[];
    }[];
    expect(outbox.map((o) => [o.subject, o.recipients])).toEqual([
      ['unsubscribe gadget', [BOB.email]],
    ]);
    await page.screenshot({ path: path.join(ARTIFACTS, 'reader-unsubscribe-done.png') });
    await dialog.getByRole('button', { name: 'Close' }).last().click();
  });

  it('opens a list’s page only after the user said yes', async () => {
    // The page's window.open records instead of opening (the list's page is not reachable).
    await page.evaluate(`window.opened = [];
      window.open = (url) => { window.opened.push(String(url)); return null; };`);
    const opened = () => page.evaluate('window.opened') as Promise<string[]>;
    await open('Spring offers');
    await page.getByRole('button', { name: 'Unsubscribe' }).click();
    const dialog = page.getByRole('dialog', { name: 'Unsubscribe from Shop Offers?' });
    expect(await dialog.textContent()).toContain('https://shop.example.test/leave?id=9');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'detached' });
    expect(await opened()).toEqual([]);

    await page.getByRole('button', { name: 'Unsubscribe' }).click();
    await dialog.getByRole('button', { name: 'Unsubscribe' }).click();
    await expect.poll(opened).toEqual(['https://shop.example.test/leave?id=9']);
    await dialog.getByRole('button', { name: 'Close' }).last().click();
  });

  it('shows the exact source as text and saves it as .eml, byte for byte', async () => {
    await open('Gadget weekly');
    await tools().getByRole('button', { name: 'View source' }).click();
    const dialog = page.getByRole('dialog', { name: 'Source of “Gadget weekly”' });
    const pre = dialog.locator('pre.source-text');
    await pre.waitFor();
    expect(await pre.evaluate((el) => el.textContent)).toBe(NEWSLETTER.toString('utf8'));
    // The <b> of the source is text, never an element.
    expect(await pre.locator('b').count()).toBe(0);
    expect(await pre.textContent()).toContain('<b>bold</b>');
    expect(await seriousViolations(page, 'source dialog')).toEqual([]);
    await page.screenshot({ path: path.join(ARTIFACTS, 'reader-source.png') });

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      dialog.getByRole('button', { name: 'Save as .eml' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe('Gadget weekly.eml');
    const file = path.join(ARTIFACTS, 'reader-source-download.eml');
    await download.saveAs(file);
    expect((await readFile(file)).equals(NEWSLETTER)).toBe(true);
    await dialog.getByRole('button', { name: 'Close' }).click();

    // The toolbar's own Save as .eml does the same without the dialog.
    const [again] = await Promise.all([
      page.waitForEvent('download'),
      tools().getByRole('button', { name: 'Save as .eml' }).click(),
    ]);
    expect(again.suggestedFilename()).toBe('Gadget weekly.eml');
    await again.saveAs(file);
    expect((await readFile(file)).equals(NEWSLETTER)).toBe(true);
  });

  it('prints a clean document of the message, remote content still blocked', async () => {
    // Headless Chromium prints nothing: the print frame's print() is counted instead.
    await page.evaluate(`window.printed = 0;
      const desc = Object.getOwnPropertyDescriptor(HTMLIFrameElement.prototype, 'contentWindow');
      Object.defineProperty(HTMLIFrameElement.prototype, 'contentWindow', {
        get() {
          const win = desc.get.call(this);
          if (win && this.classList.contains('print-frame')) win.print = () => void window.printed++;
          return win;
        },
      });`);
    await open('Gadget weekly');
    await tools().getByRole('button', { name: 'Print' }).click();
    await expect.poll(() => page.evaluate('window.printed')).toBe(1);
    const frame = page.locator('iframe.print-frame');
    const srcdoc = (await frame.getAttribute('srcdoc')) ?? '';
    await writeFile(path.join(ARTIFACTS, 'reader-print.html'), srcdoc);
    const doc = page.frameLocator('iframe.print-frame');
    expect(await doc.locator('h1').textContent()).toBe('Gadget weekly');
    expect(await doc.locator('dl').textContent()).toContain(
      'Gadget News <news@lists.example.test>',
    );
    expect(await doc.locator('.print-body').textContent()).toContain(
      'This week: bold gadgets & more. Grüße',
    );
    // The message's <b> is the message's own formatting here, sanitized like the reader's.
    expect(await doc.locator('.print-body b').count()).toBe(1);
    expect(srcdoc).toContain("default-src 'none'");
    expect(srcdoc).not.toContain('127.0.0.1:9');
  });

  it('prints a whole conversation, one message after another', async () => {
    await row('Re: Trip notes').click();
    await page.getByRole('button', { name: 'Print conversation' }).click();
    await expect.poll(() => page.evaluate('window.printed')).toBe(2);
    const doc = page.frameLocator('iframe.print-frame');
    expect(await doc.locator('title').textContent()).toBe('Re: Trip notes');
    expect(await doc.locator('article h1').allTextContents()).toEqual([
      'Trip notes',
      'Re: Trip notes',
    ]);
    const texts = await doc.locator('pre.print-text').allTextContents();
    expect(texts.map((t) => t.trim())).toEqual([
      'First day: the lake.',
      'Second day: the <mountain>.',
    ]);
  });
});
