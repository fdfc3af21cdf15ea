// Identities and signatures in the web UI end to end: a private Dovecot and Postfix, the real
// service behind the real HTTP server (watching, so the outbox leaves on its own), Chromium.
// In Settings the account's own address gets a text signature and an alias is added with a
// text and a formatted signature; a new message chosen from the alias (by keyboard) carries
// its signature and reaches the recipient from the alias, its name, both signatures; a reply
// to mail sent to the alias goes from it, its signature between the writer's text and the
// quote, swapped when From changes; a draft keeps its From; the alias removed after asking,
// From has nothing left to choose. The identities section and compose pass axe; screenshots
// land in test/e2e/artifacts/.
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { makeMail } from '../support/mail.js';
import { seriousViolations } from './axe.js';
import { startBrowser, type Browser } from './browser.js';
import { ROOT } from './build.js';
import { BOB, DOMAIN, startServedMail, waitForFolder, type ServedMail } from './served-mail.js';

const ARTIFACTS = path.join(ROOT, 'test/e2e/artifacts');
const ALIAS = `help@${DOMAIN}`;
const ALIAS_TEXT = 'Alice Help\nHelp desk, ext. 42';
const OWN_TEXT = 'Alice Sender\nFront desk';
/** Run in the page on an element: whether it has the focus. */
const IS_FOCUSED = (element: unknown) =>
  element ===
  (globalThis as unknown as { document: { activeElement: unknown } }).document.activeElement;

interface ListedAccount {
  id: number;
  identities: {
    email: string;
    name: string | null;
    primary: boolean;
    signature: { text: string; html: string | null } | null;
  }[];
}

describe('identities and signatures in the web UI', () => {
  let served: ServedMail;
  let browser: Browser;
  let page: Page;
  let pageErrors: string[];

  beforeAll(async () => {
    await mkdir(ARTIFACTS, { recursive: true });
    served = await startServedMail({ delaySeconds: 1 });
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
    await expect.poll(() => page.locator('.row').count()).toBeGreaterThan(0);
  });

  const shot = (name: string) =>
    page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), animations: 'disabled' });
  const account = async () => ((await served.api('account.list', {})) as ListedAccount[])[0]!;
  const settings = () => page.getByRole('dialog', { name: 'Settings' });
  const identities = () => settings().getByRole('region', { name: 'Identities' });
  const pane = () => page.locator('dialog.compose');
  const from = () => pane().getByLabel('From', { exact: true });
  const editor = () => pane().getByRole('textbox', { name: 'Message text' });
  const signature = () => editor().locator('div[data-signature]');
  /** The signature's lines as the writer sees them (paragraphs or line breaks alike). */
  const signatureLines = async () => (await signature().innerText()).replace(/\n+/g, '\n');
  const notice = () => page.locator('.send-notice');
  /** The editor's blocks, top level, as tag and text. */
  const blocks = () =>
    editor().evaluate((el) =>
      Array.from(
        (el as unknown as { children: ArrayLike<{ tagName: string; textContent: string }> })
          .children,
        (c) => `${c.tagName.toLowerCase()}:${c.textContent}`,
      ),
    );
  const selected = () =>
    from().evaluate(
      (el) => (el as unknown as { selectedOptions: { text: string }[] }).selectedOptions[0]?.text,
    );

  async function openIdentities(): Promise<void> {
    await page.getByRole('button', { name: 'Settings' }).click();
    await settings()
      .getByRole('button', { name: `Edit ${served.alice}` })
      .click();
    await identities().waitFor();
  }

  async function sent(subject: string) {
    await expect
      .poll(() => notice().getByRole('status').textContent(), { timeout: 30_000 })
      .toBe('Message sent.');
    for (let tries = 0; ; tries++) {
      const inbox = await waitForFolder(served, BOB, 'INBOX', 1);
      const parsed = await Promise.all(inbox.map((raw) => simpleParser(raw)));
      const got = parsed.find((m) => m.subject === subject);
      if (got || tries > 40) return got!;
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  it('adds an alias with a text and a formatted signature; the own address gets one too', async () => {
    await openIdentities();
    const items = identities().getByRole('listitem');
    expect(await items.count()).toBe(1);
    expect(await items.first().textContent()).toContain(
      `Alice Sender <${served.alice}>Own address`,
    );
    // The account's own address stays: it has no Remove.
    expect(
      await identities()
        .getByRole('button', { name: `Remove identity ${served.alice}` })
        .count(),
    ).toBe(0);
    expect(await seriousViolations(page, 'identities')).toEqual([]);

    // The own address: its name is the account's (edited above), its signature here.
    await identities()
      .getByRole('button', { name: `Edit identity ${served.alice}` })
      .click();
    const own = identities().getByRole('form', { name: `Identity ${served.alice}` });
    expect(await own.getByLabel('Name (shown to recipients)').count()).toBe(0);
    const ownText = own.getByLabel('Signature (plain text)');
    // The focus went to the first field it has.
    await expect.poll(() => ownText.evaluate(IS_FOCUSED)).toBe(true);
    await ownText.fill(OWN_TEXT);
    await own.getByRole('button', { name: 'Save' }).click();
    await expect
      .poll(() => identities().getByRole('status').textContent())
      .toBe(`Saved ${served.alice}.`);
    expect(await items.first().textContent()).toContain('Plain-text signature');

    // An alias: address, name, a text signature and a formatted one written in the editor.
    await identities().getByRole('button', { name: 'Add an address' }).click();
    const add = identities().getByRole('form', { name: 'Add an address' });
    await add.getByLabel('Email address').fill(served.alice.toUpperCase());
    await add.getByRole('button', { name: 'Add', exact: true }).click();
    // An address the account has is refused before it reaches the core.
    await expect
      .poll(() => add.locator('.form-error').first().textContent())
      .toBe('This account has this address already.');
    await add.getByLabel('Email address').fill(ALIAS);
    await add.getByLabel('Name (shown to recipients)').fill('Alice Help');
    await add.getByLabel('Signature (plain text)').fill(ALIAS_TEXT);
    await add.getByLabel('A formatted signature for HTML mail').check();
    const rich = add.getByRole('textbox', { name: 'Formatted signature' });
    // It starts as the text signature, to format.
    await expect.poll(() => rich.innerText()).toBe(ALIAS_TEXT);
    await rich.click();
    await page.keyboard.press('Control+A');
    await page.keyboard.type('Alice ');
    await add.getByRole('button', { name: 'Bold' }).click();
    await page.keyboard.type('Help');
    await add.getByRole('button', { name: 'Bold' }).click();
    await page.keyboard.press('Enter');
    await page.keyboard.type('Help desk, ext. 42');
    await shot('identities-1-add');
    expect(await seriousViolations(page, 'identity form')).toEqual([]);
    await add.getByRole('button', { name: 'Add', exact: true }).click();
    await expect.poll(() => identities().getByRole('status').textContent()).toBe(`Added ${ALIAS}.`);
    expect(await items.allTextContents()).toEqual([
      `Alice Sender <${served.alice}>Own addressPlain-text signatureEdit`,
      `Alice Help <${ALIAS}>Signature in plain text and formattedEditRemove`,
    ]);
    // The focus is back on the alias's Edit.
    expect(
      await identities()
        .getByRole('button', { name: `Edit identity ${ALIAS}` })
        .evaluate(IS_FOCUSED),
    ).toBe(true);
    await shot('identities-2-listed');
    expect(await seriousViolations(page, 'identities with an alias')).toEqual([]);

    const saved = (await account()).identities;
    expect(saved.map((i) => [i.email, i.name, i.primary])).toEqual([
      [served.alice, 'Alice Sender', true],
      [ALIAS, 'Alice Help', false],
    ]);
    expect(saved[0]!.signature).toEqual({ text: OWN_TEXT, html: null });
    expect(saved[1]!.signature).toEqual({
      text: ALIAS_TEXT,
      html: '<p>Alice <strong>Help</strong></p><p>Help desk, ext. 42</p>',
    });
    // The accounts list names it.
    await settings().getByRole('button', { name: 'Cancel' }).click();
    await expect
      .poll(() => settings().locator('.account-item').textContent())
      .toContain(`Also sends as ${ALIAS}`);
    await page.keyboard.press('Escape');
    await settings().waitFor({ state: 'detached' });
    expect(pageErrors).toEqual([]);
  });

  it('a new message from the alias carries its signatures and arrives from it', async () => {
    await page.getByRole('button', { name: 'Compose' }).click();
    await pane().waitFor();
    // From the own address first, with its signature at the end of the body.
    expect(await from().evaluate((el) => el.tagName)).toBe('SELECT');
    expect(await from().locator('option').allTextContents()).toEqual([
      `Alice Sender <${served.alice}>`,
      `Alice Help <${ALIAS}>`,
    ]);
    expect(await selected()).toBe(`Alice Sender <${served.alice}>`);
    expect(await signatureLines()).toBe(OWN_TEXT);

    // Chosen by keyboard: the signature is the alias's, formatted.
    await from().focus();
    await page.keyboard.press('ArrowDown');
    await expect.poll(selected).toBe(`Alice Help <${ALIAS}>`);
    await expect
      .poll(() => signature().innerHTML())
      .toBe('<p>Alice <strong>Help</strong></p><p>Help desk, ext. 42</p>');
    expect(await editor().textContent()).not.toContain('Front desk');

    await pane().getByRole('combobox', { name: 'To', exact: true }).fill(BOB.email);
    await page.keyboard.press('Enter');
    await pane().getByLabel('Subject').fill('From the help desk');
    await editor().locator('p').first().click();
    await page.keyboard.type('We are on it.');
    // The editor keeps a line under the signature, to write on.
    expect(await blocks()).toEqual(['p:We are on it.', 'div:Alice HelpHelp desk, ext. 42', 'p:']);
    await shot('identities-3-compose');
    expect(await seriousViolations(page, 'compose with From')).toEqual([]);
    await pane().getByRole('button', { name: 'Send', exact: true }).click();

    const got = await sent('From the help desk');
    expect(got.from?.value).toEqual([{ name: 'Alice Help', address: ALIAS }]);
    expect(got.text?.trim()).toBe(`We are on it.\n\n-- \n${ALIAS_TEXT}`);
    expect(got.html).toContain(
      '<div data-signature=""><p>Alice <strong>Help</strong></p><p>Help desk, ext. 42</p></div>',
    );
    expect(got.html).not.toContain('Front desk');
    expect(pageErrors).toEqual([]);
  });

  it('a reply to mail sent to the alias goes from it, the signature above the quote', async () => {
    await served.dovecot.append(
      'INBOX',
      makeMail({
        from: `Bob Receiver <${BOB.email}>`,
        to: `Alice Help <${ALIAS}>`,
        subject: 'Printer jammed',
        date: new Date(Date.UTC(2024, 2, 6, 9)),
        text: 'The printer on floor 2 is jammed again.',
      }),
    );
    await served.api('sync.run', {});
    await page.reload();
    await page.locator('.row', { hasText: 'Printer jammed' }).click();
    await page
      .getByRole('toolbar', { name: 'Answer' })
      .getByRole('button', { name: 'Reply', exact: true })
      .click();
    await pane().waitFor();
    await expect.poll(selected).toBe(`Alice Help <${ALIAS}>`);
    await page.keyboard.type('A technician is on the way.');
    const quoted = [
      'div:Alice HelpHelp desk, ext. 42',
      expect.stringMatching(/^p:On .*, Bob Receiver <bob@maildock\.test> wrote:$/),
      'blockquote:The printer on floor 2 is jammed again.',
    ];
    expect(await blocks()).toEqual(['p:A technician is on the way.', ...quoted, 'p:']);
    await shot('identities-4-reply');

    // Another From: the other signature, in the same place.
    await from().selectOption({ label: `Alice Sender <${served.alice}>` });
    await expect.poll(signatureLines).toBe(OWN_TEXT);
    expect(await blocks()).toEqual([
      'p:A technician is on the way.',
      'div:Alice SenderFront desk',
      ...quoted.slice(1),
      'p:',
    ]);
    await shot('identities-5-reply-swapped');
    await from().selectOption({ label: `Alice Help <${ALIAS}>` });
    await expect.poll(signatureLines).toBe(ALIAS_TEXT);
    expect(await editor().textContent()).not.toContain('Front desk');
    expect(await seriousViolations(page, 'reply with From')).toEqual([]);
    await page.keyboard.press('Control+Enter');

    const got = await sent('Re: Printer jammed');
    expect(got.from?.value).toEqual([{ name: 'Alice Help', address: ALIAS }]);
    const text = got.text ?? '';
    const at = (s: string) => text.indexOf(s);
    expect(at('A technician is on the way.')).toBe(0);
    expect(at(`-- \n${ALIAS_TEXT}`)).toBeGreaterThan(0);
    expect(at('wrote:')).toBeGreaterThan(at(ALIAS_TEXT));
    expect(at('> The printer on floor 2')).toBeGreaterThan(at('wrote:'));
    expect(got.html).toContain('<strong>Help</strong>');
    expect(pageErrors).toEqual([]);
  });

  it('a draft keeps the identity it was written from', async () => {
    await page.getByRole('button', { name: 'Compose' }).click();
    await pane().waitFor();
    await from().selectOption({ label: `Alice Help <${ALIAS}>` });
    await pane().getByLabel('Subject').fill('Half an answer');
    await expect
      .poll(() => pane().locator('.save-state').textContent(), { timeout: 15_000 })
      .toBe('Saved');
    await pane().getByRole('button', { name: 'Close and keep as draft' }).click();
    await pane().waitFor({ state: 'detached' });

    await page
      .getByRole('list', { name: 'Sending' })
      .getByRole('button', { name: 'All drafts' })
      .click();
    const entry = page.locator('.draft-entry', { hasText: 'Half an answer' });
    await entry.getByRole('button', { name: 'Open' }).click();
    await pane().waitFor();
    await expect.poll(selected).toBe(`Alice Help <${ALIAS}>`);
    expect(await signatureLines()).toBe(ALIAS_TEXT);
    // Still the alias's, so From swaps it.
    await from().selectOption({ label: `Alice Sender <${served.alice}>` });
    await expect.poll(signatureLines).toBe(OWN_TEXT);
    await page.keyboard.press('Escape');
    await page.getByRole('alertdialog').getByRole('button', { name: 'Discard' }).click();
    await pane().waitFor({ state: 'detached' });
  });

  it('removes the alias after asking; From has nothing left to choose', async () => {
    await openIdentities();
    await identities()
      .getByRole('button', { name: `Remove identity ${ALIAS}` })
      .click();
    const ask = identities().getByRole('group', { name: `Remove ${ALIAS}?` });
    // The question takes the focus on its harmless answer.
    expect(await ask.getByRole('button', { name: 'Keep' }).evaluate(IS_FOCUSED)).toBe(true);
    await shot('identities-6-remove');
    expect(await seriousViolations(page, 'identity remove')).toEqual([]);
    await ask.getByRole('button', { name: 'Remove' }).click();
    await expect
      .poll(() => identities().getByRole('status').textContent())
      .toBe(`Removed ${ALIAS}.`);
    expect(await identities().getByRole('listitem').count()).toBe(1);
    expect((await account()).identities.map((i) => i.email)).toEqual([served.alice]);
    await page.keyboard.press('Escape');
    await settings().waitFor({ state: 'detached' });

    await page.getByRole('button', { name: 'Compose' }).click();
    await pane().waitFor();
    expect(await from().evaluate((el) => el.tagName)).toBe('OUTPUT');
    expect(await from().textContent()).toBe(`Alice Sender <${served.alice}>`);
    expect(await signatureLines()).toBe(OWN_TEXT);
    expect(pageErrors).toEqual([]);
  });
});
