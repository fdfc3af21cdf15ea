// Local folders in the web UI end to end: the real service (watching the account, so a move's
// expunge reaches the server at once) behind the real HTTP server, a private Dovecot, and
// Chromium. What a user does: make a local folder from the account's "+" and a subfolder
// from its menu (nothing appears on the server), see them under the "Local Folders" heading,
// drag a message from the Inbox into one and move another there with the Move dialog (each
// leaves the server's Inbox, checked over an IMAP connection of the test's own), open the
// folder and read the message, rename and move the local folders (only among themselves),
// and delete them after a question that says the messages go for good. The sidebar with the
// group passes axe. Screenshots land in test/e2e/artifacts/.
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { ImapFlow } from 'imapflow';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERROR_TEXT } from '../../common/errors.js';
import type { Mailbox } from '../../common/types.js';
import type { DovecotServer } from '../support/dovecot.js';
import { seriousViolations } from './axe.js';
import { startBrowser, type Browser } from './browser.js';
import { ROOT } from './build.js';
import { startServedInbox, type ServedInbox } from './served.js';

const ARTIFACTS = path.join(ROOT, 'test/e2e/artifacts');

describe('local folders in the web UI', () => {
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
    // A server folder of the user's own: its Move dialog must offer no local folder.
    await dovecot.doveadm('mailbox', 'create', '-u', dovecot.user, 'Projects');
    const summary = (await served.api('sync.run', {})) as { errors: unknown[] };
    expect(summary.errors).toEqual([]);
    await served.t.svc.watch();
    browser = await startBrowser();
    page = await browser.context.newPage();
    page.on('pageerror', (e) => pageErrors.push(e.message));
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await served?.close();
  });

  const shot = (name: string) =>
    page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), animations: 'disabled' });

  /** Over an IMAP connection of the test's own: the folders, or a folder's subjects. */
  async function onServer<T>(fn: (c: ImapFlow) => Promise<T>): Promise<T> {
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
      return await fn(c);
    } finally {
      await c.logout();
    }
  }
  const serverFolders = () => onServer(async (c) => (await c.list()).map((m) => m.path).sort());
  const serverSubjects = (folder: string) =>
    onServer(async (c) => {
      const lock = await c.getMailboxLock(folder);
      try {
        const out: string[] = [];
        for await (const m of c.fetch('1:*', { envelope: true })) out.push(m.envelope!.subject!);
        return out.sort();
      } finally {
        lock.release();
      }
    });

  const boxes = async () => (await served.api('mailbox.list', {})) as Mailbox[];
  const localPaths = async () =>
    (await boxes())
      .filter((m) => m.local)
      .map((m) => m.path)
      .sort();
  const subjectsIn = async (p: string) => {
    const box = (await boxes()).find((m) => m.path === p);
    if (!box) return [];
    const r = (await served.api('message.list', { mailboxId: box.id })) as {
      messages: { subject: string }[];
    };
    return r.messages.map((m) => m.subject).sort();
  };

  const sidebar = () => page.locator('.sidebar');
  const folder = (name: string) =>
    sidebar()
      .locator('button.folder')
      .filter({ has: page.locator('.folder-name').getByText(name, { exact: true }) });
  const group = () => sidebar().getByRole('list', { name: 'Local Folders' });
  const groupNames = () => group().locator('.folder-name').allTextContents();
  const heading = () => sidebar().getByRole('heading', { name: 'Local Folders', level: 3 });
  const menu = () => page.getByRole('menu');
  const menuItems = () => menu().getByRole('menuitem').allTextContents();
  const dialog = (name: string) => page.getByRole('dialog', { name });
  const row = (subject: string) => page.locator('.row', { hasText: subject }).first();

  it('makes a local folder and a subfolder, kept off the server, under Local Folders', async () => {
    await page.goto(served.signIn);
    await expect.poll(() => page.locator('.row').count(), { timeout: 15_000 }).toBe(4);
    // No local folder yet: no group either.
    expect(await heading().count()).toBe(0);
    const before = await serverFolders();

    await sidebar()
      .getByRole('button', { name: `New folder in ${email}` })
      .click();
    expect(await menuItems()).toEqual(['New folder…', 'New local folder…']);
    await menu().getByRole('menuitem', { name: 'New local folder…' }).click();
    const create = dialog(`New local folder in ${email}`);
    expect(await create.getByText('Kept only on this computer, never on the server.').count()).toBe(
      1,
    );
    await create.getByLabel('Folder name').fill('Keep');
    await shot('local-1-new-local-folder');
    await create.getByRole('button', { name: 'Create' }).click();
    await expect.poll(() => create.count()).toBe(0);
    await expect.poll(groupNames).toEqual(['Keep']);
    expect(await localPaths()).toEqual(['Local Folders/Keep']);

    // The same name again: the core's ALREADY_EXISTS, in the dialog, which stays open.
    await sidebar()
      .getByRole('button', { name: `New folder in ${email}` })
      .click();
    await menu().getByRole('menuitem', { name: 'New local folder…' }).click();
    await create.getByLabel('Folder name').fill('Keep');
    await create.getByRole('button', { name: 'Create' }).click();
    await expect
      .poll(() => create.getByRole('alert').textContent())
      .toContain(ERROR_TEXT.ALREADY_EXISTS);
    await create.getByRole('button', { name: 'Cancel' }).click();
    await expect.poll(() => create.count()).toBe(0);

    // A subfolder of a local folder is local too.
    await folder('Keep').click({ button: 'right' });
    expect(await menuItems()).toEqual([
      'New subfolder',
      'Rename',
      'Move',
      'Import messages…',
      'Export…',
      'Delete',
    ]);
    await menu().getByRole('menuitem', { name: 'New subfolder' }).click();
    const sub = dialog('New subfolder in Keep');
    await sub.getByLabel('Folder name').fill('2024');
    await sub.getByRole('button', { name: 'Create' }).click();
    await expect.poll(groupNames).toEqual(['Keep', '2024']);
    expect(await localPaths()).toEqual(['Local Folders/Keep', 'Local Folders/Keep/2024']);
    // Nested by path under the heading, after every server folder.
    expect(await folder('Keep').getAttribute('class')).toContain('depth-1');
    expect(await folder('2024').getAttribute('class')).toContain('depth-2');
    const names = await sidebar().locator('.folder-name').allTextContents();
    expect(names.slice(-2)).toEqual(['Keep', '2024']);
    expect(names.indexOf('Projects')).toBeLessThan(names.indexOf('Keep'));
    // The heading is no folder: not a button, not something the arrows stop on.
    expect(await heading().locator('button').count()).toBe(0);

    // Nothing on the server.
    expect(await serverFolders()).toEqual(before);
    expect(await seriousViolations(page, 'sidebar with local folders')).toEqual([]);
    await sidebar().screenshot({ path: path.join(ARTIFACTS, 'local-2-sidebar-group.png') });
  });

  it('takes messages from the Inbox by drag and by the Move dialog, off the server', async () => {
    expect(await serverSubjects('INBOX')).toContain('Lunch on Friday?');
    await row('Lunch on Friday?').dragTo(folder('Keep'));
    await expect.poll(() => subjectsIn('Local Folders/Keep')).toEqual(['Lunch on Friday?']);
    await expect.poll(() => row('Lunch on Friday?').count()).toBe(0);
    await expect
      .poll(() => serverSubjects('INBOX'), { timeout: 15_000 })
      .not.toContain('Lunch on Friday?');

    await row('Quarterly report').click({ button: 'right' });
    await menu().getByRole('menuitem', { name: 'Move to…' }).click();
    const move = page.getByRole('dialog', { name: /^Move/ });
    const choices = await move.getByRole('option').allTextContents();
    // The local folders come last, named under Local Folders.
    expect(choices.slice(-2)).toEqual(['Local Folders/Keep', 'Local Folders/Keep/2024']);
    expect(choices).toContain('Projects');
    await move.getByRole('combobox').fill('2024');
    expect(await move.getByRole('option').allTextContents()).toEqual(['Local Folders/Keep/2024']);
    expect(await seriousViolations(page, 'move dialog with local folders')).toEqual([]);
    await shot('local-3-move-dialog');
    await page.keyboard.press('Enter');
    await expect.poll(() => move.count()).toBe(0);
    await expect.poll(() => subjectsIn('Local Folders/Keep/2024')).toEqual(['Quarterly report']);
    await expect
      .poll(() => serverSubjects('INBOX'), { timeout: 15_000 })
      .not.toContain('Quarterly report');
    expect(await serverFolders()).not.toContain('Local Folders');
  });

  it('opens a local folder and reads its message', async () => {
    await folder('Keep').click();
    await expect.poll(() => page.locator('.row').allTextContents()).toHaveLength(1);
    await row('Lunch on Friday?').click();
    await expect.poll(() => page.locator('.reader-subject').textContent()).toBe('Lunch on Friday?');
    await expect
      .poll(() => page.locator('.reader').textContent())
      .toContain('Shall we meet at noon?');
    expect(await folder('Keep').getAttribute('aria-current')).toBe('true');
    await shot('local-4-reading');
  });

  it('renames and moves local folders only among local folders', async () => {
    await folder('Keep').click({ button: 'right' });
    await menu().getByRole('menuitem', { name: 'Rename' }).click();
    const rename = dialog('Rename Keep');
    expect(await rename.getByLabel('Folder name').inputValue()).toBe('Keep');
    await rename.getByLabel('Folder name').fill('Kept');
    await rename.getByRole('button', { name: 'Rename' }).click();
    await expect.poll(groupNames).toEqual(['Kept', '2024']);
    expect(await localPaths()).toEqual(['Local Folders/Kept', 'Local Folders/Kept/2024']);

    // A server folder is offered no local folder as its new parent.
    await folder('Projects').click({ button: 'right' });
    await menu().getByRole('menuitem', { name: 'Move' }).click();
    const serverMove = dialog('Move Projects to…');
    const serverParents = await serverMove.locator('.folder-parent').allTextContents();
    expect(serverParents.length).toBeGreaterThan(0);
    expect(serverParents.filter((p) => /Local Folders|Kept|2024/.test(p))).toEqual([]);
    await serverMove.getByRole('button', { name: 'Cancel' }).click();
    await expect.poll(() => serverMove.count()).toBe(0);

    // A local folder goes only to the top of Local Folders or under another local folder.
    await folder('2024').click({ button: 'right' });
    await menu().getByRole('menuitem', { name: 'Move' }).click();
    const move = dialog('Move 2024 to…');
    expect(await move.locator('.folder-parent').allTextContents()).toEqual([
      'Top level of Local Folders',
    ]);
    await move.getByLabel('Top level of Local Folders').check();
    await move.getByRole('button', { name: 'Move', exact: true }).click();
    await expect.poll(() => move.count()).toBe(0);
    await expect.poll(localPaths).toEqual(['Local Folders/2024', 'Local Folders/Kept']);
    await expect.poll(groupNames).toEqual(['2024', 'Kept']);
    expect(await folder('2024').getAttribute('class')).toContain('depth-1');
    expect(await subjectsIn('Local Folders/2024')).toEqual(['Quarterly report']);
  });

  it('deletes local folders after saying their messages go for good', async () => {
    await folder('Kept').click({ button: 'right' });
    await menu().getByRole('menuitem', { name: 'Delete' }).click();
    const del = dialog('Delete Kept?');
    expect(await del.locator('.folder-delete-text').textContent()).toBe(
      'Kept and the 1 message in it will be deleted for good. It is kept only on this computer, so there is no copy on the server to get it back from.',
    );
    expect(await seriousViolations(page, 'delete local folder dialog')).toEqual([]);
    await shot('local-5-delete');
    await del.getByRole('button', { name: 'Delete folder' }).click();
    await expect.poll(() => del.count()).toBe(0);
    await expect.poll(groupNames).toEqual(['2024']);
    expect(await localPaths()).toEqual(['Local Folders/2024']);
    // Kept was shown: the list went back to the Inbox.
    await expect.poll(() => folder('Inbox').getAttribute('aria-current')).toBe('true');

    await folder('2024').click({ button: 'right' });
    await menu().getByRole('menuitem', { name: 'Delete' }).click();
    const last = dialog('Delete 2024?');
    await last.getByRole('button', { name: 'Delete folder' }).click();
    await expect.poll(() => last.count()).toBe(0);
    // The last local folder gone, the heading goes too.
    await expect.poll(() => heading().count()).toBe(0);
    expect(await localPaths()).toEqual([]);
    // The server never heard of them, and the moved messages stay off its Inbox.
    expect(await serverFolders()).not.toContain('Local Folders');
    expect(await serverSubjects('INBOX')).toEqual(['Report draft attached', 'Weekly newsletter']);
    expect(pageErrors).toEqual([]);
  });
});
