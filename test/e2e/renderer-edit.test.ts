// Editing an account and the folders in the web UI end to end: the real service (watching
// the account, as `maildock serve --sync` does, so folder changes reach the server at once)
// behind the real HTTP server, a private Dovecot, and Chromium. What a user does: rename the
// account in Settings → Accounts → Edit, and be refused with a wrong password, nothing
// saved; create a folder and a subfolder, rename, move and delete them through the folder's
// context menu (by mouse and by keyboard alone), each checked on Dovecot over a separate
// IMAP connection; the folders of a role offer none of it; a folder made elsewhere appears
// on its own (mailbox.changed). The dialogs pass axe. Screenshots land in test/e2e/artifacts/.
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { ImapFlow } from 'imapflow';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERROR_TEXT } from '../../common/errors.js';
import type { DovecotServer } from '../support/dovecot.js';
import { makeMail } from '../support/mail.js';
import { seriousViolations } from './axe.js';
import { startBrowser, type Browser } from './browser.js';
import { ROOT } from './build.js';
import { startServedInbox, type ServedInbox } from './served.js';

const ARTIFACTS = path.join(ROOT, 'test/e2e/artifacts');
/** Run in the page on an element: whether it has the focus. */
const IS_FOCUSED = (element: unknown) =>
  element ===
  (globalThis as unknown as { document: { activeElement: unknown } }).document.activeElement;

describe('editing an account and its folders in the web UI', () => {
  let served: ServedInbox;
  let dovecot: DovecotServer;
  let browser: Browser;
  let page: Page;
  let email: string;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    await mkdir(ARTIFACTS, { recursive: true });
    served = await startServedInbox();
    dovecot = served.dovecot;
    email = `${dovecot.user}@maildock.test`;
    // A folder of the user's own with two messages, for the move and the delete.
    await dovecot.loadMaildir('Old stuff', [
      { raw: makeMail({ subject: 'Old one' }) },
      { raw: makeMail({ subject: 'Old two' }) },
    ]);
    const summary = (await served.api('sync.run', {})) as { errors: unknown[] };
    expect(summary.errors).toEqual([]);
    await served.t.svc.watch();
    browser = await startBrowser();
    page = await browser.context.newPage();
    page.on('pageerror', (e) => pageErrors.push(e.message));
  });

  afterAll(async () => {
    await browser?.close();
    await served?.close();
  });

  const shot = (name: string) =>
    page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), animations: 'disabled' });
  const accounts = async () =>
    (await served.api('account.list', {})) as { id: number; name: string | null }[];

  /** The folders on Dovecot, read over an IMAP connection of the test's own. */
  async function serverFolders(): Promise<string[]> {
    const c = new ImapFlow({
      host: dovecot.host,
      port: dovecot.port,
      secure: false,
      auth: { user: dovecot.user, pass: dovecot.password },
      logger: false,
    });
    c.on('error', () => undefined);
    await c.connect();
    try {
      return (await c.list()).map((m) => m.path).sort();
    } finally {
      await c.logout();
    }
  }
  async function serverCount(folder: string): Promise<number> {
    const c = new ImapFlow({
      host: dovecot.host,
      port: dovecot.port,
      secure: false,
      auth: { user: dovecot.user, pass: dovecot.password },
      logger: false,
    });
    c.on('error', () => undefined);
    await c.connect();
    try {
      const status = await c.status(folder, { messages: true });
      return status ? (status.messages ?? -1) : -1;
    } finally {
      await c.logout();
    }
  }
  /** The user's own folders on the server (the special-use ones and INBOX left out). */
  const ownOnServer = async () =>
    (await serverFolders()).filter(
      (p) => !['INBOX', 'Sent', 'Drafts', 'Trash', 'Junk', 'Archive'].includes(p),
    );

  const sidebar = () => page.locator('.sidebar');
  const folder = (name: string) =>
    sidebar()
      .locator('button.folder')
      .filter({ has: page.locator('.folder-name').getByText(name, { exact: true }) });
  const menu = () => page.getByRole('menu');
  const menuItems = () => menu().getByRole('menuitem').allTextContents();
  const dialog = (name: string) => page.getByRole('dialog', { name });
  const folderNames = () => sidebar().locator('.folder-name').allTextContents();

  it('edits the account’s name; a wrong password is refused and nothing is saved', async () => {
    await page.goto(served.signIn);
    await expect.poll(() => page.locator('.row').count(), { timeout: 15_000 }).toBe(4);
    await page.getByRole('button', { name: 'Settings' }).click();
    const settings = dialog('Settings');
    await settings.getByRole('button', { name: `Edit ${email}` }).click();
    const form = settings.getByRole('form', { name: `Edit account ${email}` });
    await expect.poll(() => form.count()).toBe(1);
    const field = (label: string) => form.getByLabel(label, { exact: true });
    // Prefilled with the account's settings; the password empty means "unchanged".
    expect(await field('Email address').inputValue()).toBe(email);
    expect(await field('IMAP host').inputValue()).toBe(dovecot.host);
    expect(await field('IMAP port').inputValue()).toBe(String(dovecot.port));
    expect(await field('IMAP security').inputValue()).toBe('none');
    expect(await field('IMAP user name').inputValue()).toBe(dovecot.user);
    expect(await field('Password').inputValue()).toBe('');
    // The focus went from the list it replaces to the first field one can change.
    expect(await field('Your name (shown to recipients)').evaluate(IS_FOCUSED)).toBe(true);
    expect(await form.getByRole('button', { name: 'Add an outgoing server' }).count()).toBe(1);
    expect(await seriousViolations(page, 'account edit form')).toEqual([]);

    await field('Your name (shown to recipients)').fill('Work mail');
    await field('Password').fill('not-the-password');
    await form.getByRole('button', { name: 'Test and save' }).click();
    // Dovecot waits before it refuses a login: the form says what it is doing meanwhile.
    await expect
      .poll(() => form.getByRole('status').textContent())
      .toContain('Testing the servers with the new settings');
    expect(await form.getByRole('button', { name: 'Testing and saving…' }).isDisabled()).toBe(true);
    await expect
      .poll(() => form.getByRole('alert').textContent(), { timeout: 15_000 })
      .toContain(ERROR_TEXT.AUTH_FAILED);
    await shot('edit-1-account-wrong-password');
    // Nothing changed: the name is not saved either, and the password never shows.
    expect((await accounts())[0]!.name).toBeNull();
    expect(await page.content()).not.toContain('not-the-password');

    await field('Password').fill('');
    await form.getByRole('button', { name: 'Test and save' }).click();
    await expect.poll(() => form.count(), { timeout: 15_000 }).toBe(0);
    await expect
      .poll(() => settings.locator('.account-item-name').allTextContents())
      .toEqual([`Work mail <${email}>`]);
    expect((await accounts())[0]!.name).toBe('Work mail');
    // The focus is back on the account's Edit button.
    expect(await settings.getByRole('button', { name: `Edit ${email}` }).evaluate(IS_FOCUSED)).toBe(
      true,
    );
    await shot('edit-2-account-renamed');
    await settings.getByRole('button', { name: 'Close' }).click();
    await expect.poll(() => page.locator('.account-name').allTextContents()).toEqual(['Work mail']);
  });

  it('creates, renames, moves and deletes folders, and Dovecot agrees', async () => {
    // A new folder at the top of the account: "+" asks whether on the server or local.
    await sidebar().getByRole('button', { name: 'New folder in Work mail' }).click();
    expect(await menuItems()).toEqual(['New folder…', 'New local folder…']);
    await menu().getByRole('menuitem', { name: 'New folder…' }).click();
    const create = dialog('New folder in Work mail');
    await create.getByLabel('Folder name').fill('Projects');
    await shot('edit-3-new-folder');
    await create.getByRole('button', { name: 'Create' }).click();
    await expect.poll(() => create.count()).toBe(0);
    await expect.poll(() => folderNames()).toContain('Projects');
    await expect.poll(ownOnServer, { timeout: 10_000 }).toEqual(['Old stuff', 'Projects']);

    // The same name again: the core's ALREADY_EXISTS, in the dialog, which stays open.
    await sidebar().getByRole('button', { name: 'New folder in Work mail' }).click();
    await menu().getByRole('menuitem', { name: 'New folder…' }).click();
    await create.getByLabel('Folder name').fill('Projects');
    await create.getByRole('button', { name: 'Create' }).click();
    await expect
      .poll(() => create.getByRole('alert').textContent())
      .toContain(ERROR_TEXT.ALREADY_EXISTS);
    expect(await seriousViolations(page, 'new folder dialog with an error')).toEqual([]);
    await shot('edit-4-folder-exists');
    await create.getByRole('button', { name: 'Cancel' }).click();
    await expect.poll(() => create.count()).toBe(0);

    // A subfolder, from the folder's context menu.
    await folder('Projects').click({ button: 'right' });
    expect(await menuItems()).toEqual([
      'New subfolder',
      'Rename',
      'Move',
      'Import messages…',
      'Export…',
      'Delete',
    ]);
    expect(await seriousViolations(page, 'folder menu')).toEqual([]);
    await shot('edit-5-folder-menu');
    await menu().getByRole('menuitem', { name: 'New subfolder' }).click();
    const sub = dialog('New subfolder in Projects');
    await sub.getByLabel('Folder name').fill('2026');
    await sub.getByRole('button', { name: 'Create' }).click();
    await expect.poll(() => folderNames()).toContain('2026');
    await expect
      .poll(ownOnServer, { timeout: 10_000 })
      .toEqual(['Old stuff', 'Projects', 'Projects/2026']);

    // Rename it.
    await folder('2026').click({ button: 'right' });
    await menu().getByRole('menuitem', { name: 'Rename' }).click();
    const rename = dialog('Rename 2026');
    expect(await rename.getByLabel('Folder name').inputValue()).toBe('2026');
    await rename.getByLabel('Folder name').fill('2027');
    await rename.getByRole('button', { name: 'Rename' }).click();
    await expect.poll(() => folderNames()).toContain('2027');
    expect(await folderNames()).not.toContain('2026');
    await expect
      .poll(ownOnServer, { timeout: 10_000 })
      .toEqual(['Old stuff', 'Projects', 'Projects/2027']);

    // Move "Old stuff" and its two messages into Projects.
    await folder('Old stuff').click({ button: 'right' });
    await menu().getByRole('menuitem', { name: 'Move' }).click();
    const move = dialog('Move Old stuff to…');
    const parents = await move.locator('.folder-parent').allTextContents();
    // Not into itself, and not where it is already (the top).
    expect(parents).toContain('Projects');
    expect(parents).toContain('Projects/2027');
    expect(parents).not.toContain('Old stuff');
    expect(parents.some((p) => p.startsWith('Top level'))).toBe(false);
    // Nothing is picked yet, so nothing can move by accident.
    expect(await move.getByRole('button', { name: 'Move', exact: true }).isDisabled()).toBe(true);
    await move.getByLabel('Projects', { exact: true }).check();
    expect(await seriousViolations(page, 'move folder dialog')).toEqual([]);
    await shot('edit-6-move-folder');
    await move.getByRole('button', { name: 'Move', exact: true }).click();
    await expect.poll(() => move.count()).toBe(0);
    await expect
      .poll(ownOnServer, { timeout: 10_000 })
      .toEqual(['Projects', 'Projects/2027', 'Projects/Old stuff']);
    expect(await serverCount('Projects/Old stuff')).toBe(2);

    // Dragging a folder onto another opens the same dialog with that parent picked.
    await folder('2027').dragTo(folder('Old stuff'));
    const dropped = dialog('Move 2027 to…');
    await expect.poll(() => dropped.count()).toBe(1);
    expect(await dropped.getByLabel('Projects/Old stuff', { exact: true }).isChecked()).toBe(true);
    await dropped.getByRole('button', { name: 'Move', exact: true }).click();
    await expect.poll(() => dropped.count()).toBe(0);
    await expect
      .poll(ownOnServer, { timeout: 10_000 })
      .toEqual(['Projects', 'Projects/Old stuff', 'Projects/Old stuff/2027']);

    // Delete Projects: the question counts the messages of the folder and its subfolders.
    await folder('Projects').click({ button: 'right' });
    await menu().getByRole('menuitem', { name: 'Delete' }).click();
    const del = dialog('Delete Projects?');
    expect(await del.locator('.folder-delete-text').textContent()).toBe(
      'Projects and the 2 messages in it will be deleted, here and on the server. Its 2 subfolders go with it.',
    );
    // It opens on Cancel: Enter alone deletes nothing.
    expect(await del.getByRole('button', { name: 'Cancel' }).evaluate(IS_FOCUSED)).toBe(true);
    expect(await seriousViolations(page, 'delete folder dialog')).toEqual([]);
    await shot('edit-7-delete-folder');
    await del.getByRole('button', { name: 'Delete folder' }).click();
    await expect.poll(() => del.count()).toBe(0);
    await expect.poll(() => folderNames()).not.toContain('Projects');
    expect(await folderNames()).not.toContain('Old stuff');
    await expect.poll(ownOnServer, { timeout: 10_000 }).toEqual([]);
    expect(pageErrors).toEqual([]);
  });

  it('offers the folders of a role no rename, move or delete', async () => {
    for (const name of ['Inbox', 'Sent', 'Trash']) {
      await folder(name).click({ button: 'right' });
      expect(await menuItems()).toEqual(['New subfolder', 'Import messages…', 'Export…']);
      await page.keyboard.press('Escape');
      await expect.poll(() => menu().count()).toBe(0);
    }
  });

  it('works from the keyboard alone', async () => {
    await served.api('mailbox.create', { accountId: (await accounts())[0]!.id, name: 'Keys' });
    // Made elsewhere: the list hears of it (mailbox.changed) without a reload.
    await expect.poll(() => folderNames()).toContain('Keys');

    await folder('Keys').focus();
    await page.keyboard.press('Shift+F10');
    await expect.poll(() => menu().count()).toBe(1);
    expect(await menu().getAttribute('aria-label')).toBe('Actions for Keys');
    const focused = () => page.evaluate(`document.activeElement?.textContent ?? ''`);
    expect(await focused()).toBe('New subfolder');
    await page.keyboard.press('ArrowUp');
    expect(await focused()).toBe('Delete');
    await page.keyboard.press('Home');
    await page.keyboard.press('ArrowDown');
    expect(await focused()).toBe('Rename');
    // Escape closes the menu and gives the focus back to the folder.
    await page.keyboard.press('Escape');
    await expect.poll(() => menu().count()).toBe(0);
    expect(await focused()).toBe('Keys');

    // The context-menu key opens it too; Enter picks.
    await page.keyboard.press('ContextMenu');
    await expect.poll(() => menu().count()).toBe(1);
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    const rename = dialog('Rename Keys');
    await expect.poll(() => rename.count()).toBe(1);
    // Typing goes to the name, not to the app's shortcuts.
    await page.keyboard.press('ControlOrMeta+a');
    await page.keyboard.type('Keyboard');
    await page.keyboard.press('Enter');
    await expect.poll(() => rename.count()).toBe(0);
    await expect.poll(() => folderNames()).toContain('Keyboard');
    await expect.poll(ownOnServer, { timeout: 10_000 }).toEqual(['Keyboard']);
    // The dialog gave the focus back to the folder.
    expect(await focused()).toBe('Keyboard');

    // Delete by keyboard: the dialog opens on Cancel, Escape closes it and nothing goes.
    await page.keyboard.press('Shift+F10');
    await page.keyboard.press('End');
    await page.keyboard.press('Enter');
    const del = dialog('Delete Keyboard?');
    await expect.poll(() => del.count()).toBe(1);
    expect(await del.locator('.folder-delete-text').textContent()).toBe(
      'Keyboard is empty. It will be deleted, here and on the server.',
    );
    await page.keyboard.press('Escape');
    await expect.poll(() => del.count()).toBe(0);
    expect(await folderNames()).toContain('Keyboard');
    expect(await focused()).toBe('Keyboard');
    expect(pageErrors).toEqual([]);
  });
});
