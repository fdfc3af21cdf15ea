// Local actions in the store alone: the change and its operation land together, undo of an
// action not yet replayed puts everything back, and old finished actions are pruned.
import { describe, expect, it } from 'vitest';
import { Store } from '../../main/core/store/index.js';
import { LocalActions } from '../../main/core/actions/actions.js';
import { headerRecord } from '../support/headers.js';

const header = (uid: number) => headerRecord(uid, { to: [], flags: uid === 1 ? ['\\Seen'] : [] });

function setup() {
  const store = Store.open(':memory:');
  const account = store.accounts.add({
    email: 'me@example.test',
    imap: { host: 'localhost', port: 143, security: 'none', user: 'me' },
  });
  const box = (path: string, role: 'inbox' | 'trash' | 'archive' | null) =>
    store.mailboxes.upsert(account.id, { path, name: path, delimiter: '/', role });
  const inbox = box('INBOX', 'inbox');
  const trash = box('Trash', 'trash');
  const archive = box('Archive', 'archive');
  store.mailboxes.setServerStatus(inbox, { uidValidity: '7' });
  const ids = store.tx(() =>
    store.messages.insertHeaders(account.id, inbox, [1, 2, 3, 4].map(header)),
  );
  return { store, actions: new LocalActions(store), inbox, trash, archive, ids };
}

const flagsOf = (store: Store, id: number) => store.messages.summaries([id])[0]!.flags;
const mailboxOf = (store: Store, id: number) => store.messages.summaries([id])[0]!.mailboxId;

describe('local actions', () => {
  it('changes the store and records the operation in one step, skipping what is already so', () => {
    const { store, actions, ids, inbox } = setup();
    const r = actions.mark({ ids }, { read: true });
    expect(r.affected).toBe(3); // message 1 was read already
    for (const id of ids) expect(flagsOf(store, id)).toEqual(['\\Seen']);
    const [op] = store.operations.pending(1);
    expect(op).toMatchObject({ kind: 'flags', mailboxId: inbox, path: 'INBOX', uidValidity: '7' });
    expect(op!.items.map((i) => i.uid)).toEqual([2, 3, 4]);
    expect(store.operations.pendingFlagUids(inbox)).toEqual(new Set([2, 3, 4]));
    expect(actions.mark({ ids }, { read: true })).toMatchObject({ actionId: null, affected: 0 });
  });

  it('moves locally under a placeholder UID, and undo before replay puts it all back', () => {
    const { store, actions, ids, archive, inbox } = setup();
    actions.mark({ ids: [ids[1]!] }, { flagged: true });
    actions.move({ ids: [ids[1]!, ids[2]!] }, { role: 'archive' });
    expect(mailboxOf(store, ids[1]!)).toBe(archive);
    expect(store.messages.summaries([ids[1]!])[0]!.uid).toBe(-ids[1]!);
    expect(store.messages.localUids(archive)).toEqual([]);

    expect(actions.undo()).toMatchObject({ undone: true });
    expect(mailboxOf(store, ids[1]!)).toBe(inbox);
    expect(store.messages.summaries([ids[1]!])[0]!.uid).toBe(2);
    expect(actions.undo()).toMatchObject({ undone: true });
    expect(flagsOf(store, ids[1]!)).toEqual([]);
    expect(store.operations.counts()).toEqual({ pending: 0, failed: 0 });
    expect(actions.undo()).toMatchObject({ undone: false, description: 'Nothing to undo' });
  });

  it('passes over a change the user did not make by hand (opening marks read) on undo', () => {
    const { store, actions, ids, archive, inbox } = setup();
    actions.move({ ids: [ids[1]!] }, { role: 'archive' });
    const read = actions.mark({ ids: [ids[2]!] }, { read: true }, { undoable: false });
    expect(read.affected).toBe(1);
    // Replayed like any change…
    expect(store.operations.pendingFlagUids(inbox)).toEqual(new Set([3]));
    // …but undo takes back the move, and the message stays read.
    expect(actions.undo()).toMatchObject({
      undone: true,
      description: expect.stringMatching(/Moved/),
    });
    expect(mailboxOf(store, ids[1]!)).toBe(inbox);
    expect(mailboxOf(store, ids[1]!)).not.toBe(archive);
    expect(flagsOf(store, ids[2]!)).toEqual(['\\Seen']);
  });

  it('deletes to the Trash, then for good; deleting for good cannot be undone', () => {
    const { store, actions, ids, trash } = setup();
    expect(actions.delete({ ids: [ids[0]!] }).description).toBe('Moved 1 message to the Trash');
    expect(mailboxOf(store, ids[0]!)).toBe(trash);
    expect(actions.delete({ ids: [ids[0]!] }).description).toBe('Deleted 1 message for good');
    expect(store.messages.summaries([ids[0]!])).toEqual([]);
    expect(actions.undo()).toMatchObject({ undone: false });
  });

  it('undoes the action named, not a later one made elsewhere, and refuses what it cannot', () => {
    const { store, actions, ids, inbox } = setup();
    const mine = actions.move({ ids: [ids[1]!] }, { role: 'archive' }).actionId!;
    const theirs = actions.mark({ ids: [ids[2]!] }, { flagged: true }).actionId!;
    expect(actions.undo(mine)).toMatchObject({ undone: true, actionId: mine });
    expect(mailboxOf(store, ids[1]!)).toBe(inbox);
    expect(flagsOf(store, ids[2]!)).toEqual(['\\Flagged']);
    expect(actions.undo(mine)).toMatchObject({ undone: false, actionId: mine });
    expect(actions.undo(theirs + 100)).toMatchObject({ undone: false });
    // A later move of the same message stands in the way until it is undone itself.
    const first = actions.move({ ids: [ids[3]!] }, { role: 'archive' }).actionId!;
    const second = actions.delete({ ids: [ids[3]!] }).actionId!;
    expect(actions.undo(first)).toMatchObject({
      undone: false,
      description: expect.stringMatching(/later change/),
    });
    expect(actions.undo(second)).toMatchObject({ undone: true });
    expect(actions.undo(first)).toMatchObject({ undone: true });
    expect(mailboxOf(store, ids[3]!)).toBe(inbox);
    expect(store.operations.counts()).toEqual({ pending: 1, failed: 0 });
  });

  it('refuses unknown messages and empty selections with clear errors', () => {
    const { actions } = setup();
    expect(() => actions.mark({ ids: [999] }, { read: true })).toThrow(/no message 999/);
    expect(() => actions.mark({}, { read: true })).toThrow(/Select at least one/);
    expect(() => actions.move({ ids: [1] }, {})).toThrow();
  });

  it('prunes finished actions beyond the last ones, never pending or failed ones', () => {
    const { store, actions, ids } = setup();
    for (let i = 0; i < 6; i++) actions.mark({ ids: [ids[1]!] }, { read: i % 2 === 0 });
    const ops = store.operations.pending(1);
    store.tx(() => {
      for (const op of ops.slice(0, 4)) store.operations.finish(op.id, 'done');
      store.operations.finish(ops[4]!.id, 'failed', { error: 'refused' });
    });
    expect(store.operations.prune(1)).toBe(4);
    expect(store.operations.counts()).toEqual({ pending: 1, failed: 1 });
  });
});
