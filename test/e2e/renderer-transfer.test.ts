// Import and export in the web UI end to end: the real service behind the real HTTP server
// (`maildock serve` for one person, so paths are on its disk), a private Dovecot, and
// Chromium. What a user does: import an mbox into a folder from its context menu, watch
// the progress end in a summary and the messages appear (on Dovecot too); import it again
// and be told they were there already; give a path that is not there and read the core's
// own words; export the folder to an mbox, and be asked before it is replaced; export a
// selection as .eml files and a search's results to an mbox, each file checked here. The
// dialogs pass axe. Screenshots land in test/e2e/artifacts/.
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ImapFlow } from 'imapflow';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERROR_TEXT } from '../../common/errors.js';
import { makeMail } from '../support/mail.js';
import { seriousViolations } from './axe.js';
import { startBrowser, type Browser } from './browser.js';
import { ROOT } from './build.js';
import { startServedInbox, type ServedInbox } from './served.js';

const ARTIFACTS = path.join(ROOT, 'test/e2e/artifacts');
const IS_FOCUSED = (element: unknown) =>
  element ===
  (globalThis as unknown as { document: { activeElement: unknown } }).document.activeElement;

const IMPORTED = ['Imported one', 'Imported two', 'Imported three'];

/** An mboxrd file written here, independently of Maildock's writer. */
function mbox(raws: Buffer[]): Buffer {
  return Buffer.concat(
    raws.map((raw) => {
      const text = raw
        .toString('latin1')
        .replace(/\r\n/g, '\n')
        .replace(/^(>*From )/gm, '>$1');
      return Buffer.from(`From someone@example.test Mon Mar  4 09:00:00 2024\n${text}\n`, 'latin1');
    }),
  );
}

/** The subjects of an mbox file's messages, in order. */
const mboxSubjects = (file: Buffer) =>
  file
    .toString('latin1')
    .split(/^From .*\n/m)
    .slice(1)
    .map((m) => /^Subject: (.*)$/m.exec(m)?.[1]?.trim() ?? '');

describe('import and export in the web UI', () => {
  let served: ServedInbox;
  let browser: Browser;
  let page: Page;
  let work: string;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    await mkdir(ARTIFACTS, { recursive: true });
    work = await mkdtemp(path.join(os.tmpdir(), 'maildock-e2e-transfer-'));
    served = await startServedInbox();
    await served.dovecot.loadMaildir('Imports', [{ raw: makeMail({ subject: 'Already here' }) }]);
    const summary = (await served.api('sync.run', {})) as { errors: unknown[] };
    expect(summary.errors).toEqual([]);
    await writeFile(
      path.join(work, 'old.mbox'),
      mbox(
        IMPORTED.map((subject, i) =>
          makeMail({
            subject,
            date: new Date(Date.UTC(2024, 2, 4 + i, 9)),
            text: `From the old archive, part ${i + 1}.`,
          }),
        ),
      ),
    );
    browser = await startBrowser();
    page = await browser.context.newPage();
    page.on('pageerror', (e) => pageErrors.push(e.message));
  });

  afterAll(async () => {
    await browser?.close();
    await served?.close();
    if (work) await rm(work, { recursive: true, force: true });
  });

  const shot = (name: string) =>
    page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), animations: 'disabled' });
  const folder = (name: string) =>
    page
      .locator('.sidebar button.folder')
      .filter({ has: page.locator('.folder-name').getByText(name, { exact: true }) });
  const menu = () => page.getByRole('menu');
  const dialog = (name: string) => page.getByRole('dialog', { name });
  const subjects = () => page.locator('.row-subject').allTextContents();

  async function serverCount(name: string): Promise<number> {
    const c = new ImapFlow({
      host: served.dovecot.host,
      port: served.dovecot.port,
      secure: false,
      auth: { user: served.dovecot.user, pass: served.dovecot.password },
      logger: false,
    });
    c.on('error', () => undefined);
    await c.connect();
    try {
      const status = await c.status(name, { messages: true });
      return status ? (status.messages ?? -1) : -1;
    } finally {
      await c.logout();
    }
  }

  async function openFromFolderMenu(name: string, item: string) {
    await folder(name).click({ button: 'right' });
    await menu().getByRole('menuitem', { name: item }).click();
  }

  it('imports an mbox through the folder menu, with progress and a summary', async () => {
    await page.goto(served.signIn);
    await expect.poll(() => page.locator('.row').count(), { timeout: 15_000 }).toBe(4);
    // Every progress line the dialog shows, however briefly (a few messages go in fast).
    await page.evaluate(`
      window.progressSeen = [];
      new MutationObserver(() => {
        for (const el of document.querySelectorAll('.transfer-progress [role=status]'))
          window.progressSeen.push(el.textContent);
      }).observe(document.body, { subtree: true, childList: true, characterData: true });
    `);

    await folder('Imports').click({ button: 'right' });
    expect(await menu().getByRole('menuitem').allTextContents()).toEqual([
      'New subfolder',
      'Rename',
      'Move',
      'Import messages…',
      'Export…',
      'Delete',
    ]);
    await menu().getByRole('menuitem', { name: 'Import messages…' }).click();
    const importing = dialog('Import messages into Imports');
    await expect.poll(() => importing.count()).toBe(1);
    // Served: the path is on the server, and there is no native picker in a browser.
    const field = importing.getByLabel('Path on the server');
    expect(await field.evaluate(IS_FOCUSED)).toBe(true);
    expect(await importing.locator('.transfer-hint').textContent()).toContain(
      'The server reads and writes its own disk',
    );
    expect(await importing.getByRole('button', { name: /Choose/ }).count()).toBe(0);
    expect(await importing.getByLabel('Format').locator('option').allTextContents()).toEqual([
      'Detect',
      'mbox file',
      'Folder of .eml files',
      'Maildir',
    ]);
    await field.fill(path.join(work, 'old.mbox'));
    expect(await seriousViolations(page, 'import dialog')).toEqual([]);
    await shot('transfer-1-import-dialog');

    await importing.getByRole('button', { name: 'Import', exact: true }).click();
    const summary = importing.locator('.transfer-summary');
    await expect
      .poll(() => summary.textContent(), { timeout: 20_000 })
      .toContain('3 messages imported into Imports.');
    const seen = (await page.evaluate('window.progressSeen')) as string[];
    expect(seen.some((line) => /^\d of 3 messages, /.test(line))).toBe(true);
    // The progress is gone with the run; the focus is on Close.
    expect(await importing.locator('.transfer-progress').count()).toBe(0);
    const close = importing.locator('.folder-dialog-buttons').getByRole('button', {
      name: 'Close',
    });
    expect(await close.evaluate(IS_FOCUSED)).toBe(true);
    expect(await seriousViolations(page, 'import summary')).toEqual([]);
    await shot('transfer-2-import-summary');
    await close.click();
    await expect.poll(() => importing.count()).toBe(0);

    await folder('Imports').click();
    await expect
      .poll(async () => (await subjects()).sort(), { timeout: 10_000 })
      .toEqual(['Already here', ...IMPORTED].sort());
    expect(await serverCount('Imports')).toBe(4);
  });

  it('imports the same file again without duplicates', async () => {
    await openFromFolderMenu('Imports', 'Import messages…');
    const importing = dialog('Import messages into Imports');
    await importing.getByLabel('Path on the server').fill(path.join(work, 'old.mbox'));
    await importing.getByLabel('Format').selectOption('mbox');
    await importing.getByRole('button', { name: 'Import', exact: true }).click();
    await expect
      .poll(() => importing.locator('.transfer-summary p').allTextContents(), { timeout: 20_000 })
      .toEqual([
        '0 messages imported into Imports.',
        '3 messages were already there and were not imported again.',
      ]);
    await importing.locator('.folder-dialog-buttons').getByRole('button').click();
    expect(await serverCount('Imports')).toBe(4);
  });

  it('shows the core’s own words for a path that is not there', async () => {
    await openFromFolderMenu('Imports', 'Import messages…');
    const importing = dialog('Import messages into Imports');
    const missing = path.join(work, 'not-there.mbox');
    await importing.getByLabel('Path on the server').fill(missing);
    await importing.getByRole('button', { name: 'Import', exact: true }).click();
    const alert = importing.getByRole('alert');
    await expect.poll(() => alert.textContent()).toContain(ERROR_TEXT.NOT_FOUND);
    expect(await alert.textContent()).toContain(`There is no file or folder ${missing}.`);
    // The form is there to mend, with the focus on the path.
    const field = importing.getByLabel('Path on the server');
    expect(await field.getAttribute('aria-invalid')).toBe('true');
    expect(await field.evaluate(IS_FOCUSED)).toBe(true);
    expect(await seriousViolations(page, 'import dialog with an error')).toEqual([]);
    await shot('transfer-3-import-not-found');
    await page.keyboard.press('Escape');
    await expect.poll(() => importing.count()).toBe(0);
  });

  it('exports the folder to an mbox file, and asks before replacing it', async () => {
    const file = path.join(work, 'imports.mbox');
    await openFromFolderMenu('Imports', 'Export…');
    const exporting = dialog('Export Imports');
    expect(await exporting.getByLabel('Format').inputValue()).toBe('mbox');
    expect(await exporting.getByText('Replace what is there').count()).toBe(0);
    await exporting.getByLabel('Path on the server').fill(file);
    await exporting.getByRole('button', { name: 'Export', exact: true }).click();
    await expect
      .poll(() => exporting.locator('.transfer-summary').textContent(), { timeout: 20_000 })
      .toMatch(new RegExp(`^4 messages \\(.+\\) written to ${file}\\.$`));
    expect(mboxSubjects(await readFile(file)).sort()).toEqual(['Already here', ...IMPORTED].sort());
    await shot('transfer-4-export-summary');
    await exporting.locator('.folder-dialog-buttons').getByRole('button').click();

    // Again to the same file: the core says it is there, and only then is replacing offered.
    await openFromFolderMenu('Imports', 'Export…');
    await exporting.getByLabel('Path on the server').fill(file);
    await exporting.getByRole('button', { name: 'Export', exact: true }).click();
    await expect
      .poll(() => exporting.getByRole('alert').textContent())
      .toContain(ERROR_TEXT.ALREADY_EXISTS);
    const replace = exporting.getByLabel('Replace what is there');
    expect(await replace.isChecked()).toBe(false);
    expect(await seriousViolations(page, 'export dialog, target there')).toEqual([]);
    await shot('transfer-5-export-exists');
    await replace.check();
    await exporting.getByRole('button', { name: 'Export', exact: true }).click();
    await expect
      .poll(() => exporting.locator('.transfer-summary').textContent(), { timeout: 20_000 })
      .toContain(`written to ${file}.`);
    expect(mboxSubjects(await readFile(file))).toHaveLength(4);
    await exporting.locator('.folder-dialog-buttons').getByRole('button').click();
  });

  it('exports the selected messages as .eml files from the row menu', async () => {
    const dir = path.join(work, 'picked');
    await page.locator('.row', { hasText: 'Imported one' }).click();
    await page.locator('.row', { hasText: 'Imported three' }).click({ modifiers: ['Control'] });
    await page.locator('.row', { hasText: 'Imported three' }).click({ button: 'right' });
    const rowMenu = page.getByRole('menu', { name: 'Actions for 2 messages' });
    await rowMenu.getByRole('menuitem', { name: 'Export…' }).click();
    const exporting = dialog('Export 2 messages');
    await expect.poll(() => exporting.count()).toBe(1);
    await exporting.getByLabel('Format').selectOption('eml');
    expect(await exporting.locator('.transfer-hint').textContent()).toContain(
      'The folder to write the .eml files in',
    );
    await exporting.getByLabel('Path on the server').fill(dir);
    await exporting.getByRole('button', { name: 'Export', exact: true }).click();
    await expect
      .poll(() => exporting.locator('.transfer-summary').textContent(), { timeout: 20_000 })
      .toContain(`2 messages (`);
    const files = (await readdir(dir)).filter((n) => n.endsWith('.eml'));
    expect(files).toHaveLength(2);
    const written = await Promise.all(files.map((n) => readFile(path.join(dir, n), 'latin1')));
    expect(written.map((m) => /^Subject: (.*)$/m.exec(m)?.[1]?.trim()).sort()).toEqual([
      'Imported one',
      'Imported three',
    ]);
    await shot('transfer-6-export-selection');
    await exporting.locator('.folder-dialog-buttons').getByRole('button').click();
    await expect.poll(() => exporting.count()).toBe(0);
  });

  it('exports what a search finds', async () => {
    const file = path.join(work, 'found.mbox');
    await page.getByRole('searchbox').fill('subject:imported');
    await page.keyboard.press('Enter');
    await expect.poll(async () => (await subjects()).sort()).toEqual([...IMPORTED].sort());
    await page.getByRole('button', { name: 'Export results…' }).click();
    const exporting = dialog('Export what “subject:imported” finds');
    await exporting.getByLabel('Path on the server').fill(file);
    await exporting.getByRole('button', { name: 'Export', exact: true }).click();
    await expect
      .poll(() => exporting.locator('.transfer-summary').textContent(), { timeout: 20_000 })
      .toContain(`3 messages (`);
    expect(mboxSubjects(await readFile(file)).sort()).toEqual([...IMPORTED].sort());
    expect(await seriousViolations(page, 'export of search results')).toEqual([]);
    await shot('transfer-7-export-search');
    await exporting.locator('.folder-dialog-buttons').getByRole('button').click();
    expect(pageErrors).toEqual([]);
  });
});
