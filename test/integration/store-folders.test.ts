// Folders created, renamed, moved and deleted in the store, alike on both engines: done at
// once (a renamed folder keeps its row and its messages' ids), journaled in the same
// transaction as a folder operation, and refused where the server or the user would lose.
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { FolderActions } from '../../main/core/actions/folders.js';
import { LocalActions } from '../../main/core/actions/actions.js';
import type { Store } from '../../main/core/store/index.js';
import { engines } from '../support/engines.js';
import { headerRecord } from '../support/headers.js';

const all = engines();
afterEach(() => all.close());
afterAll(() => all.stop());

async function paths(store: Store, accountId: number): Promise<string[]> {
  return (await store.mailboxes.list(accountId)).map((m) => m.path).sort();
}

/** What a refused call said: its code and its fields. */
async function refusal(p: Promise<unknown>): Promise<{ code: string; fields: unknown }> {
  const err = (await p.then(
    () => null,
    (e: unknown) => e,
  )) as { code: string; fields: unknown } | null;
  if (!err) throw new Error('expected a refusal');
  return { code: err.code, fields: err.fields };
}

describe.each(all.names)('folders on %s', (engine) => {
  it('creates, renames and moves at once, the messages keeping their ids, and journals each', async () => {
    const { store, accountId } = await all.open(engine);
    const folders = new FolderActions(store);
    const top = (await folders.create({ accountId, name: 'Projects' })).mailbox;
    expect(top).toMatchObject({ path: 'Projects', name: 'Projects', delimiter: '/', role: null });
    const sub = (await folders.create({ accountId, name: '2026', parentId: top.id })).mailbox;
    expect(sub.path).toBe('Projects/2026');
    const ids = await store.transaction((tx) =>
      tx.messages.insertHeaders(accountId, sub.id, [headerRecord(1), headerRecord(2)]),
    );

    const renamed = await folders.rename({ id: top.id, name: 'Work' });
    expect(renamed).toMatchObject({ changed: true, mailbox: { id: top.id, path: 'Work' } });
    expect(await paths(store, accountId)).toEqual(['Archive', 'INBOX', 'Work', 'Work/2026']);
    const moved = await store.mailboxes.byPath(accountId, 'Work/2026');
    expect(moved).toMatchObject({ id: sub.id, name: '2026', total: 2 });
    expect((await store.messages.list(sub.id, 10)).map((m) => m.id).sort()).toEqual(ids.sort());

    // To the top, then under another folder with a new name.
    await folders.rename({ id: sub.id, parentId: null });
    expect(await paths(store, accountId)).toEqual(['2026', 'Archive', 'INBOX', 'Work']);
    const back = await folders.rename({ id: sub.id, name: 'Y2026', parentId: top.id });
    expect(back.mailbox).toMatchObject({ id: sub.id, path: 'Work/Y2026', name: 'Y2026' });
    // The same name under the same parent changes nothing and journals nothing.
    expect((await folders.rename({ id: sub.id, name: 'Y2026' })).changed).toBe(false);

    const journal = await store.operations.pendingFolders(accountId);
    expect(journal.map((o) => [o.kind, o.path, o.args])).toEqual([
      ['mailbox-create', 'Projects', { delimiter: '/' }],
      ['mailbox-create', 'Projects/2026', { delimiter: '/' }],
      ['mailbox-rename', 'Projects', { delimiter: '/', toPath: 'Work' }],
      ['mailbox-rename', 'Work/2026', { delimiter: '/', toPath: '2026' }],
      ['mailbox-rename', '2026', { delimiter: '/', toPath: 'Work/Y2026' }],
    ]);
    // The folder operations wait in the one queue, in order, with the changes to messages.
    expect((await store.operations.pending(accountId)).map((o) => o.id)).toEqual(
      journal.map((o) => o.id),
    );
    expect((await store.operations.list('pending', 10)).map((o) => o.kind)).toContain(
      'mailbox-rename',
    );
  });

  it('deletes a folder with its subfolders and their messages; the journal keeps its path', async () => {
    const { store, accountId, inbox } = await all.open(engine);
    const folders = new FolderActions(store);
    const a = (await folders.create({ accountId, name: 'Old' })).mailbox;
    const b = (await folders.create({ accountId, name: 'Older', parentId: a.id })).mailbox;
    await store.transaction(async (tx) => {
      await tx.messages.insertHeaders(accountId, a.id, [headerRecord(1)]);
      await tx.messages.insertHeaders(accountId, b.id, [headerRecord(2), headerRecord(3)]);
      await tx.messages.insertHeaders(accountId, inbox, [headerRecord(4)]);
    });
    // "Old" and "Older" share a prefix, not a level: a sibling "Olden" is not a subfolder.
    const sibling = (await folders.create({ accountId, name: 'Olden' })).mailbox;

    const gone = await folders.delete(a.id);
    expect(gone).toEqual({
      accountId,
      path: 'Old',
      paths: ['Old/Older', 'Old'],
      messages: 3,
    });
    expect(await paths(store, accountId)).toEqual(['Archive', 'INBOX', 'Olden']);
    expect(await store.mailboxes.get(b.id)).toBeNull();
    expect(await store.messages.list(inbox, 10)).toHaveLength(1);
    expect((await store.messages.counts()).messages).toBe(1);
    const [op] = (await store.operations.pendingFolders(accountId)).filter(
      (o) => o.kind === 'mailbox-delete',
    );
    expect(op).toMatchObject({ path: 'Old', mailboxId: null, args: { delimiter: '/' } });
    expect(await store.mailboxes.get(sibling.id)).not.toBeNull();
    await expect(folders.delete(a.id)).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('refuses the folders of a role, bad names, taken names and a move under itself', async () => {
    const { store, accountId, inbox, archive } = await all.open(engine);
    const folders = new FolderActions(store);
    const before = await store.operations.counts();
    expect(await refusal(folders.rename({ id: inbox, name: 'Mail' }))).toEqual({
      code: 'INVALID_INPUT',
      fields: { mailboxId: inbox, role: 'inbox', path: 'INBOX' },
    });
    expect((await refusal(folders.delete(archive))).code).toBe('INVALID_INPUT');
    expect((await refusal(folders.rename({ id: archive, parentId: inbox }))).code).toBe(
      'INVALID_INPUT',
    );
    expect(await refusal(folders.create({ accountId, name: 'a/b' }))).toEqual({
      code: 'INVALID_INPUT',
      fields: { name: 'a/b', delimiter: '/' },
    });
    expect((await refusal(folders.create({ accountId, name: 'inbox' }))).code).toBe(
      'INVALID_INPUT',
    );
    expect((await refusal(folders.create({ accountId, name: 'a*' }))).code).toBe('INVALID_INPUT');
    expect(await refusal(folders.create({ accountId, name: 'Archive' }))).toEqual({
      code: 'ALREADY_EXISTS',
      fields: { path: 'Archive' },
    });

    const p = (await folders.create({ accountId, name: 'P' })).mailbox;
    const child = (await folders.create({ accountId, name: 'C', parentId: p.id })).mailbox;
    // A name of its own level may hold the other servers' delimiter.
    expect((await folders.create({ accountId, name: 'v1.2', parentId: p.id })).mailbox.path).toBe(
      'P/v1.2',
    );
    expect((await refusal(folders.rename({ id: p.id, parentId: child.id }))).code).toBe(
      'INVALID_INPUT',
    );
    expect((await refusal(folders.rename({ id: p.id, parentId: p.id }))).code).toBe(
      'INVALID_INPUT',
    );
    expect(await refusal(folders.rename({ id: child.id, name: 'v1.2' }))).toEqual({
      code: 'ALREADY_EXISTS',
      fields: { path: 'P/v1.2' },
    });
    expect(await refusal(folders.create({ accountId, name: 'x', parentId: 987_654 }))).toEqual({
      code: 'NOT_FOUND',
      fields: { mailboxId: 987_654 },
    });
    // A folder holding one of a role goes nowhere either.
    const holder = (await folders.create({ accountId, name: 'Holder' })).mailbox;
    await store.mailboxes.upsert(accountId, {
      path: 'Holder/Spam',
      name: 'Spam',
      delimiter: '/',
      role: 'junk',
    });
    expect(await refusal(folders.delete(holder.id))).toEqual({
      code: 'INVALID_INPUT',
      fields: { mailboxId: holder.id, role: 'junk', path: 'Holder/Spam' },
    });
    expect((await refusal(folders.rename({ id: holder.id, name: 'H' }))).code).toBe(
      'INVALID_INPUT',
    );

    // Another account's folder is no parent.
    const other = await store.accounts.add({
      email: 'other@example.test',
      imap: { host: '127.0.0.1', port: 143, security: 'none', user: 'other' },
    });
    expect(
      (await refusal(folders.create({ accountId: other.id, name: 'x', parentId: p.id }))).code,
    ).toBe('INVALID_INPUT');
    // Only the creations that were taken are journaled.
    expect((await store.operations.counts()).pending - before.pending).toBe(4);
  });

  it('a folder change is not undone; the changes to messages before it still are, by id', async () => {
    const { store, accountId, inbox } = await all.open(engine);
    const [id] = await store.transaction((tx) =>
      tx.messages.insertHeaders(accountId, inbox, [headerRecord(1)]),
    );
    const actions = new LocalActions(store);
    const marked = await actions.mark({ ids: [id!] }, { read: true });
    await new FolderActions(store).create({ accountId, name: 'Kept' });
    const last = await actions.undo();
    expect(last.undone).toBe(false);
    expect(last.description).toMatch(/^Folder changes are not undone/);
    expect(await paths(store, accountId)).toContain('Kept');
    expect((await actions.undo(marked.actionId!)).undone).toBe(true);
  });
});
