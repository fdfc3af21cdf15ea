// Writing mail in the web UI end to end: a private Dovecot and Postfix, the real service
// behind the real HTTP server (watching, so the outbox leaves on its own), Chromium. A
// message with a file from the picker and one dropped on the pane reaches the recipient's
// Inbox byte for byte with a copy in Sent; Undo within the delay brings the pane back and
// nothing arrives until it is sent again; a draft saves itself and opens again from the
// Drafts list; a reply shows who it goes to, and its quote is in the editor before it leaves.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sleep } from '../support/processes.js';
import { startBrowser, type Browser } from './browser.js';
import { ROOT } from './build.js';
import { BOB, startServedMail, waitForFolder, type ServedMail } from './served-mail.js';

const ARTIFACTS = path.join(ROOT, 'test/e2e/artifacts');
const DELAY_S = 3;
const AXE_SOURCE = readFileSync(
  createRequire(import.meta.url).resolve('axe-core/axe.min.js'),
  'utf8',
);

describe('compose in the web UI', () => {
  let served: ServedMail;
  let browser: Browser;
  let page: Page;
  let pageErrors: string[];
  const alice = () => ({ user: served.dovecot.user, password: served.dovecot.password });

  beforeAll(async () => {
    await mkdir(ARTIFACTS, { recursive: true });
    served = await startServedMail({ delaySeconds: DELAY_S });
    browser = await startBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await served?.close();
  });

  beforeEach(async () => {
    for (const p of browser.context.pages()) await p.close();
    page = await browser.context.newPage();
    pageErrors = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await page.goto(served.signIn);
    await expect.poll(() => page.locator('.row').count()).toBe(1);
  });

  const shot = (name: string) =>
    page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), animations: 'disabled' });
  const pane = () => page.getByRole('dialog');
  const field = (name: 'To' | 'Cc' | 'Bcc') => pane().getByRole('combobox', { name, exact: true });
  const chips = (name: string) =>
    pane()
      .getByRole('list', { name: `${name} recipients` })
      .locator('.chip-text')
      .allTextContents();
  const notice = () => page.locator('.send-notice');
  const sending = () => page.getByRole('list', { name: 'Sending' });
  // Page scripts as text: this file is type-checked for Node, without the DOM's names.
  const focused = () =>
    page.evaluate(
      `(() => { const el = document.activeElement;
        return el ? el.tagName.toLowerCase() + ':' + (el.getAttribute('aria-label') ?? el.id) : ''; })()`,
    ) as Promise<string>;

  /** axe-core's serious and critical findings on the page as it is now. */
  async function serious(): Promise<string[]> {
    // The CSP allows the app's own scripts only: axe goes in through the DevTools protocol.
    if ((await page.evaluate('typeof window.axe')) === 'undefined') await page.evaluate(AXE_SOURCE);
    const found = (await page.evaluate(
      `axe.run(document, { iframes: false, resultTypes: ['violations'] }).then((r) => r.violations)`,
    )) as { id: string; impact: string | null; nodes: { target: string[] }[] }[];
    return found
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  }

  async function openCompose(): Promise<void> {
    await page.getByRole('button', { name: 'Compose' }).click();
    await pane().waitFor();
  }

  async function writeBody(text: string): Promise<void> {
    await pane().getByRole('textbox', { name: 'Message text' }).click();
    await page.keyboard.type(text);
  }

  /** Drops a file on the pane as a file manager would: a DataTransfer with the file. */
  async function dropFile(name: string, bytes: Buffer, type: string): Promise<void> {
    const args = JSON.stringify({ name, b64: bytes.toString('base64'), type });
    await page.evaluate(`(() => {
      const { name, b64, type } = ${args};
      const bin = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
      const dt = new DataTransfer();
      dt.items.add(new File([bin], name, { type }));
      const target = document.querySelector('.editor-content');
      for (const kind of ['dragenter', 'dragover', 'drop']) {
        target.dispatchEvent(new DragEvent(kind, { bubbles: true, cancelable: true, dataTransfer: dt }));
      }
    })()`);
  }

  it('sends a message with a picked and a dropped file; it arrives intact, with a copy in Sent', async () => {
    const picked = randomBytes(180_000);
    const dropped = randomBytes(40_000);
    await openCompose();
    // Focus moves into the pane, to the first field to fill.
    expect(await focused()).toBe(`input:${await field('To').getAttribute('id')}`);

    // Completion from addresses seen in mail: Bob wrote to alice.
    await field('To').pressSequentially('bob');
    const option = pane().getByRole('option', { name: /Bob Receiver/ });
    await option.waitFor();
    await page.keyboard.press('Enter');
    expect(await chips('To')).toEqual(['Bob Receiver']);
    // A typed invalid address is marked, and blocks sending until it is removed.
    await field('Cc').fill('not-an-address');
    await page.keyboard.press('Enter');
    expect(await pane().locator('.chip-invalid').count()).toBe(1);

    await pane().getByLabel('Subject').fill('The report');
    await writeBody('Here it is. ');
    await pane().getByRole('button', { name: 'Bold' }).click();
    await page.keyboard.type('Read it today.');
    await pane().getByRole('button', { name: 'Bold' }).click();
    await page.keyboard.press('Enter');
    await pane().getByRole('button', { name: 'Bulleted list' }).click();
    await page.keyboard.type('numbers');
    await page.keyboard.press('Enter');
    await page.keyboard.type('charts');
    expect(
      await pane().getByRole('button', { name: 'Bulleted list' }).getAttribute('aria-pressed'),
    ).toBe('true');

    await pane()
      .locator('input[type=file]')
      .setInputFiles({ name: 'report.bin', mimeType: 'application/octet-stream', buffer: picked });
    await dropFile('chart.png', dropped, 'image/png');
    await expect
      .poll(() => pane().locator('.compose-file-name').allTextContents())
      .toEqual(['report.bin', 'chart.png']);
    expect(await pane().locator('.compose-file-size').allTextContents()).toEqual([
      '176 KB',
      '39 KB',
    ]);

    await pane().getByRole('button', { name: 'Send', exact: true }).click();
    await expect
      .poll(() => pane().getByRole('alert').textContent())
      .toContain('Not a valid address: not-an-address');
    await pane().getByRole('button', { name: 'Remove not-an-address' }).click();
    await expect.poll(() => pane().getByRole('alert').count()).toBe(0);
    await shot('compose-1-new');
    expect(await serious()).toEqual([]);

    await pane().getByRole('button', { name: 'Send', exact: true }).click();
    await pane().waitFor({ state: 'detached' });
    await expect.poll(() => notice().getByRole('status').textContent()).toBe('Sending…');
    expect(await notice().getByRole('button', { name: 'Undo' }).count()).toBe(1);
    await shot('compose-2-sending');
    await expect
      .poll(() => notice().getByRole('status').textContent(), { timeout: 30_000 })
      .toBe('Message sent.');

    const [raw] = await waitForFolder(served, BOB, 'INBOX', 1);
    const got = await simpleParser(raw!);
    expect(got.subject).toBe('The report');
    expect(got.from?.value[0]).toMatchObject({ name: 'Alice Sender', address: served.alice });
    expect(got.to && !Array.isArray(got.to) ? got.to.value : []).toEqual([
      { name: 'Bob Receiver', address: BOB.email },
    ]);
    expect(got.html).toContain('<strong>Read it today.</strong>');
    expect(got.html).toContain('<li><p>numbers</p></li>');
    expect(got.html).not.toMatch(/class=|style=|<script/);
    expect(got.text?.trim()).toBe('Here it is. Read it today.\n\n- numbers\n- charts');
    expect(got.attachments.map((a) => [a.filename, a.contentType])).toEqual([
      ['report.bin', 'application/octet-stream'],
      ['chart.png', 'image/png'],
    ]);
    expect(got.attachments[0]!.content.equals(picked)).toBe(true);
    expect(got.attachments[1]!.content.equals(dropped)).toBe(true);

    const sent = await waitForFolder(served, alice(), 'Sent', 1);
    expect((await simpleParser(sent[0]!)).messageId).toBe(got.messageId);

    // The outbox says so, in words.
    await sending()
      .getByRole('button', { name: /^Outbox/ })
      .click();
    const entry = page.locator('.outbox-entry', { hasText: 'The report' });
    await expect.poll(() => entry.locator('.outbox-state').textContent()).toMatch(/^Sent /);
    await shot('compose-3-outbox');
    expect(await serious()).toEqual([]);
    expect(pageErrors).toEqual([]);
  });

  it('Undo within the delay: nothing leaves and the pane comes back; sent again, it arrives once', async () => {
    const inboxBefore = (await served.folder(BOB, 'INBOX')).length;
    await openCompose();
    await field('To').fill(BOB.email);
    await page.keyboard.press('Enter');
    await pane().getByLabel('Subject').fill('Take this back');
    await writeBody('A second thought.');
    await pane().getByRole('button', { name: 'Send', exact: true }).click();
    await notice().getByRole('button', { name: 'Undo' }).click();

    // The pane is back as it was.
    await pane().waitFor();
    expect(await chips('To')).toEqual([BOB.email]);
    expect(await pane().getByLabel('Subject').inputValue()).toBe('Take this back');
    expect(await pane().getByRole('textbox', { name: 'Message text' }).textContent()).toBe(
      'A second thought.',
    );
    await shot('compose-4-undone');
    // Past the delay, and a pass of the outbox later, nothing has arrived.
    await sleep((DELAY_S + 3) * 1000);
    expect(await served.folder(BOB, 'INBOX')).toHaveLength(inboxBefore);

    // Sent again: the same outbox entry, rewritten, leaves once.
    await writeBody(' Now it goes.');
    await pane().getByRole('button', { name: 'Send', exact: true }).click();
    await expect
      .poll(() => notice().getByRole('status').textContent(), { timeout: 30_000 })
      .toBe('Message sent.');
    const inbox = await waitForFolder(served, BOB, 'INBOX', inboxBefore + 1);
    expect(inbox).toHaveLength(inboxBefore + 1);
    const got = await simpleParser(inbox.at(-1)!);
    expect(got.subject).toBe('Take this back');
    expect(got.text?.trim()).toBe('A second thought. Now it goes.');
    const outbox = (await served.api('outbox.list', {})) as { subject: string; state: string }[];
    expect(outbox.filter((e) => e.subject === 'Take this back').map((e) => e.state)).toEqual([
      'sent',
    ]);
    // The draft the undone message was kept in went with it.
    const drafts = (await served.api('draft.list', {})) as { subject: string }[];
    expect(drafts.map((d) => d.subject)).not.toContain('Take this back');
  });

  it('saves a draft by itself, asks on Escape, and opens it again from Drafts', async () => {
    const file = randomBytes(5000);
    await openCompose();
    await field('To').fill(`"Receiver, Bob" <${BOB.email}>, carol@maildock.test`);
    await page.keyboard.press('Enter');
    expect(await chips('To')).toEqual(['Receiver, Bob', 'carol@maildock.test']);
    await pane().getByLabel('Subject').fill('Half written');
    await writeBody('To be continued');
    await pane()
      .locator('input[type=file]')
      .setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: file });
    await expect
      .poll(() => pane().locator('.save-state').textContent(), { timeout: 15_000 })
      .toBe('Saved');

    // Escape asks before throwing a message away; keeping it closes the pane.
    await pane().getByLabel('Subject').focus();
    await page.keyboard.press('Escape');
    const ask = page.getByRole('alertdialog', { name: 'Discard this message?' });
    await ask.waitFor();
    await shot('compose-5-escape');
    await ask.getByRole('button', { name: 'Keep as draft' }).click();
    await pane().waitFor({ state: 'detached' });

    await sending().getByRole('button', { name: 'All drafts' }).click();
    const entry = page.locator('.draft-entry', { hasText: 'Half written' });
    await entry.waitFor();
    expect(await entry.locator('.outbox-to').textContent()).toContain('carol@maildock.test');
    await entry.getByRole('button', { name: 'Open' }).click();
    await pane().waitFor();
    expect(await chips('To')).toEqual(['Receiver, Bob', 'carol@maildock.test']);
    expect(await pane().getByLabel('Subject').inputValue()).toBe('Half written');
    expect(await pane().getByRole('textbox', { name: 'Message text' }).textContent()).toBe(
      'To be continued',
    );
    expect(await pane().locator('.compose-file-name').allTextContents()).toEqual(['notes.txt']);
    await shot('compose-6-draft-reopened');

    // The draft is on the server too, with its file.
    const onServer = await waitForFolder(served, alice(), 'Drafts', 1);
    const parsed = await simpleParser(onServer.at(-1)!);
    expect(parsed.subject).toBe('Half written');
    expect(parsed.attachments[0]?.content.equals(file)).toBe(true);

    // Discarded: the draft goes.
    await page.keyboard.press('Escape');
    await page.getByRole('alertdialog').getByRole('button', { name: 'Discard' }).click();
    await pane().waitFor({ state: 'detached' });
    await expect
      .poll(() => page.locator('.draft-entry', { hasText: 'Half written' }).count())
      .toBe(0);
  });

  it('sends later: scheduled in the outbox, then sent now from there, or edited and sent', async () => {
    const inboxBefore = (await served.folder(BOB, 'INBOX')).length;
    const schedule = async (subject: string, text: string) => {
      await openCompose();
      await field('To').fill(BOB.email);
      await page.keyboard.press('Enter');
      await pane().getByLabel('Subject').fill(subject);
      await writeBody(text);
      await pane().getByRole('button', { name: 'Send later…' }).click();
      await pane()
        .getByRole('button', { name: /^In 1 hour/ })
        .click();
      await pane().waitFor({ state: 'detached' });
      await expect
        .poll(() => notice().getByRole('status').textContent())
        .toMatch(/^Scheduled: it leaves (today|tomorrow) at /);
    };
    await schedule('Later one', 'In an hour.');
    await schedule('Later two', 'Also later.');

    await sending()
      .getByRole('button', { name: /^Outbox/ })
      .click();
    const one = page.locator('.outbox-entry', { hasText: 'Later one' });
    const two = page.locator('.outbox-entry', { hasText: 'Later two' });
    await expect.poll(() => one.locator('.outbox-state').textContent()).toMatch(/^Scheduled for /);
    expect(
      await sending()
        .getByRole('button', { name: /^Outbox/ })
        .textContent(),
    ).toBe('Outbox2');
    await shot('compose-8-scheduled');
    await sleep((DELAY_S + 2) * 1000);
    expect(await served.folder(BOB, 'INBOX')).toHaveLength(inboxBefore);

    // Send now: it leaves at once.
    await one.getByRole('button', { name: 'Send now' }).click();
    await expect
      .poll(() => one.locator('.outbox-state').textContent(), { timeout: 30_000 })
      .toMatch(/^Sent /);
    // Edit: taken back, reopened as written; sent again, it keeps its Message-ID.
    const before = (
      (await served.api('outbox.list', {})) as { subject: string; messageId: string }[]
    ).find((e) => e.subject === 'Later two')!;
    await two.getByRole('button', { name: 'Edit' }).click();
    await pane().waitFor();
    expect(await pane().getByLabel('Subject').inputValue()).toBe('Later two');
    await writeBody(' Edited.');
    await pane().getByRole('button', { name: 'Send', exact: true }).click();
    const inbox = await waitForFolder(served, BOB, 'INBOX', inboxBefore + 2);
    const got = await Promise.all(inbox.slice(inboxBefore).map((raw) => simpleParser(raw)));
    expect(got.map((m) => [m.subject, m.text?.trim()]).sort()).toEqual([
      ['Later one', 'In an hour.'],
      ['Later two', 'Also later. Edited.'],
    ]);
    expect(got.find((m) => m.subject === 'Later two')?.messageId).toBe(before.messageId);
  });

  it('a reply shows its recipient and has the quote in its editor, and threads', async () => {
    const inboxBefore = (await served.folder(BOB, 'INBOX')).length;
    await page.locator('.row', { hasText: 'Plans for Friday' }).click();
    await page
      .getByRole('toolbar', { name: 'Answer' })
      .getByRole('button', { name: 'Reply', exact: true })
      .click();
    await pane().waitFor();
    expect(await pane().getByRole('heading').textContent()).toBe('Reply');
    await expect.poll(() => chips('To')).toEqual(['Bob Receiver']);
    // The reply's recipient is the core's to add: it cannot be removed here.
    expect(await pane().locator('.chip-locked button').count()).toBe(0);
    expect(await pane().getByLabel('Subject').inputValue()).toBe('Re: Plans for Friday');
    // The editor took the focus: typing goes into the reply.
    expect(await focused()).toBe('div:Message text');
    await page.keyboard.type('Noon is fine.');
    const text = pane().getByRole('textbox', { name: 'Message text' });
    expect(await text.locator('p').first().textContent()).toBe('Noon is fine.');
    expect(await text.textContent()).toContain('Bob Receiver <bob@maildock.test> wrote:');
    expect(await text.locator('blockquote').innerText()).toBe('Shall we meet at noon?\nBob');
    // The core quotes nothing more: the quote is the editor's.
    expect(await pane().locator('.compose-original').count()).toBe(0);
    await shot('compose-7-reply');
    await page.keyboard.press('Control+Enter');
    await expect
      .poll(() => notice().getByRole('status').textContent(), { timeout: 30_000 })
      .toBe('Message sent.');
    const inbox = await waitForFolder(served, BOB, 'INBOX', inboxBefore + 1);
    const got = await simpleParser(inbox.at(-1)!);
    expect(got.subject).toBe('Re: Plans for Friday');
    expect(got.inReplyTo).toMatch(/^<test-/);
    expect(got.text).toContain('Noon is fine.');
    expect(got.text).toContain('> Shall we meet at noon?');
    expect(pageErrors).toEqual([]);
  });
});
