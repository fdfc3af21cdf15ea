// Local actions in the store alone: the change and its operation land together, undo of an
// action not yet replayed puts everything back, and old finished actions are pruned.
import { describe, expect, it } from 'vitest';
import type { Store } from '../../main/core/store/index.js';
import { sqliteStore } from '../support/store.js';
import { LocalActions } from '../../main/core/actions/actions.js';
import { headerRecord } from '../support/headers.js';

const header = (uid: number) => headerRecord(uid, { to: [], flags: uid === 1 ? ['\\Seen'] : [] });

async function setup() {
  const store = sqliteStore();
  const account = await store.accounts.add({
    email: 'me@example.test',
    imap: { host: 'localhost', port: 143, security: 'none', user: 'me' },
  });
  const box = (path: string, role: 'inbox' | 'trash' | 'archive' | null) =>
    store.mailboxes.upsert(account.id, { path, name: path, delimiter: '/', role });
  const inbox = await box('INBOX', 'inbox');
  const trash = await box('Trash', 'trash');
  const archive = await box('Archive', 'archive');
  await store.mailboxes.setServerStatus(inbox, { uidValidity: '7' });
  const ids = await store.transaction((tx) =>
    tx.messages.insertHeaders(account.id, inbox, [1, 2, 3, 4].map(header)),
  );
  return { store, actions: new LocalActions(store), inbox, trash, archive, ids };
}

const flagsOf = async (store: Store, id: number) =>
  (await store.messages.summaries([id]))[0]!.flags;
const mailboxOf = async (store: Store, id: number) =>
  (await store.messages.summaries([id]))[0]!.mailboxId;

describe('local actions', () => {
  it('changes the store and records the operation in one step, skipping what is already so', async () => {
    const { store, actions, ids, inbox } = await setup();
    const r = await actions.mark({ ids }, { read: true });
    expect(r.affected).toBe(3); // message 1 was read already
    for (const id of ids) expect(await flagsOf(store, id)).toEqual(['\\Seen']);
    const [op] = await store.operations.pending(1);
    expect(op).toMatchObject({ kind: 'flags', mailboxId: inbox, path: 'INBOX', uidValidity: '7' });
    expect(op!.items.map((i) => i.uid)).toEqual([2, 3, 4]);
    expect(await store.operations.pendingFlagUids(inbox)).toEqual(new Set([2, 3, 4]));
    await expect(actions.mark({ ids }, { read: true })).resolves.toMatchObject({
      actionId: null,
      affected: 0,
    });
  });

  it('moves locally under a placeholder UID, and undo before replay puts it all back', async () => {
    const { store, actions, ids, archive, inbox } = await setup();
    await actions.mark({ ids: [ids[1]!] }, { flagged: true });
    await actions.move({ ids: [ids[1]!, ids[2]!] }, { role: 'archive' });
    expect(await mailboxOf(store, ids[1]!)).toBe(archive);
    expect((await store.messages.summaries([ids[1]!]))[0]!.uid).toBe(-ids[1]!);
    expect(await store.messages.localUids(archive)).toEqual([]);

    await expect(actions.undo()).resolves.toMatchObject({ undone: true });
    expect(await mailboxOf(store, ids[1]!)).toBe(inbox);
    expect((await store.messages.summaries([ids[1]!]))[0]!.uid).toBe(2);
    await expect(actions.undo()).resolves.toMatchObject({ undone: true });
    expect(await flagsOf(store, ids[1]!)).toEqual([]);
    expect(await store.operations.counts()).toEqual({ pending: 0, failed: 0 });
    await expect(actions.undo()).resolves.toMatchObject({
      undone: false,
      description: 'Nothing to undo',
    });
  });

  it('passes over a change the user did not make by hand (opening marks read) on undo', async () => {
    const { store, actions, ids, archive, inbox } = await setup();
    await actions.move({ ids: [ids[1]!] }, { role: 'archive' });
    const read = await actions.mark({ ids: [ids[2]!] }, { read: true }, { undoable: false });
    expect(read.affected).toBe(1);
    // Replayed like any change…
    expect(await store.operations.pendingFlagUids(inbox)).toEqual(new Set([3]));
    // …but undo takes back the move, and the message stays read.
    await expect(actions.undo()).resolves.toMatchObject({
      undone: true,
      description: expect.stringMatching(/Moved/),
    });
    expect(await mailboxOf(store, ids[1]!)).toBe(inbox);
    expect(await mailboxOf(store, ids[1]!)).not.toBe(archive);
    expect(await flagsOf(store, ids[2]!)).toEqual(['\\Seen']);
  });

  it('deletes to the Trash, then for good; deleting for good cannot be undone', async () => {
    const { store, actions, ids, trash } = await setup();
    expect((await actions.delete({ ids: [ids[0]!] })).description).toBe(
      'Moved 1 message to the Trash',
    );
    expect(await mailboxOf(store, ids[0]!)).toBe(trash);
    expect((await actions.delete({ ids: [ids[0]!] })).description).toBe(
      'Deleted 1 message for good',
    );
    expect(await store.messages.summaries([ids[0]!])).toEqual([]);
    await expect(actions.undo()).resolves.toMatchObject({ undone: false });
  });

  it('undoes the action named, not a later one made elsewhere, and refuses what it cannot', async () => {
    const { store, actions, ids, inbox } = await setup();
    const mine = (await actions.move({ ids: [ids[1]!] }, { role: 'archive' })).actionId!;
    const theirs = (await actions.mark({ ids: [ids[2]!] }, { flagged: true })).actionId!;
    await expect(actions.undo(mine)).resolves.toMatchObject({ undone: true, actionId: mine });
    expect(await mailboxOf(store, ids[1]!)).toBe(inbox);
    expect(await flagsOf(store, ids[2]!)).toEqual(['\\Flagged']);
    await expect(actions.undo(mine)).resolves.toMatchObject({ undone: false, actionId: mine });
    await expect(actions.undo(theirs + 100)).resolves.toMatchObject({ undone: false });
    // A later move of the same message stands in the way until it is undone itself.
    const first = (await actions.move({ ids: [ids[3]!] }, { role: 'archive' })).actionId!;
    const second = (await actions.delete({ ids: [ids[3]!] })).actionId!;
    await expect(actions.undo(first)).resolves.toMatchObject({
      undone: false,
      description: expect.stringMatching(/later change/),
    });
    await expect(actions.undo(second)).resolves.toMatchObject({ undone: true });
    await expect(actions.undo(first)).resolves.toMatchObject({ undone: true });
    expect(await mailboxOf(store, ids[3]!)).toBe(inbox);
    expect(await store.operations.counts()).toEqual({ pending: 1, failed: 0 });
  });

  it('refuses unknown messages and empty selections with clear errors', async () => {
    const { actions } = await setup();
    await expect(actions.mark({ ids: [999] }, { read: true })).rejects.toThrow(/no message 999/);
    await expect(actions.mark({}, { read: true })).rejects.toThrow(/Select at least one/);
    await expect(actions.move({ ids: [1] }, {})).rejects.toThrow();
  });

  it('prunes finished actions beyond the last ones, never pending or failed ones', async () => {
    const { store, actions, ids } = await setup();
    for (let i = 0; i < 6; i++) await actions.mark({ ids: [ids[1]!] }, { read: i % 2 === 0 });
    const ops = await store.operations.pending(1);
    await store.transaction(async (tx) => {
      for (const op of ops.slice(0, 4)) await tx.operations.finish(op.id, 'done');
      await tx.operations.finish(ops[4]!.id, 'failed', {
        error: { code: 'PROTOCOL_ERROR', message: 'The server refused the change.' },
      });
    });
    expect(await store.operations.prune(1)).toBe(4);
    expect(await store.operations.counts()).toEqual({ pending: 1, failed: 1 });
  });
});
