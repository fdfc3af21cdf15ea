// Local drafts and the queue of operations behave alike on both engines.
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { NewOperation, Store } from '../../main/core/store/index.js';
import { engines } from '../support/engines.js';

const all = engines();
afterEach(() => all.close());
afterAll(() => all.stop());

const draft = (accountId: number, n: number) => ({
  accountId,
  messageId: `<d${n}@example.test>`,
  compose: { to: [`r${n}@example.test`], subject: `draft ${n}`, text: 'hello' },
  subject: `draft ${n}`,
  raw: Buffer.from(`Subject: draft ${n}\r\n\r\nhello\r\n`),
});

describe.each(all.names)('drafts on %s', (engine) => {
  it('saves versions, lists the live ones newest first, and follows the sync', async () => {
    const { store, accountId } = await all.open(engine);
    const a = await store.drafts.add(draft(accountId, 1), 1000);
    expect(a).toEqual({
      id: a.id,
      accountId,
      messageId: '<d1@example.test>',
      compose: draft(accountId, 1).compose,
      subject: 'draft 1',
      to: ['r1@example.test'],
      raw: draft(accountId, 1).raw,
      version: 1,
      syncedVersion: 0,
      serverPath: null,
      serverUid: null,
      deleted: false,
      updatedAt: 1000,
    });
    const b = await store.drafts.add(draft(accountId, 2), 2000);
    expect((await store.drafts.list()).map((d) => d.id)).toEqual([b.id, a.id]);
    const edited = await store.drafts.update(
      a.id,
      { compose: { to: [] }, subject: 'edited', raw: Buffer.from('x') },
      3000,
    );
    expect(edited).toMatchObject({ version: 2, subject: 'edited', to: [], updatedAt: 3000 });
    expect((await store.drafts.list(accountId)).map((d) => d.id)).toEqual([a.id, b.id]);
    expect(await store.drafts.list(accountId + 1)).toEqual([]);

    expect((await store.drafts.unsynced(accountId)).map((d) => d.id)).toEqual([a.id, b.id]);
    await store.drafts.markSynced(a.id, 2, 'Drafts', 41);
    // A sync that carried an older version does not undo a newer one's record.
    await store.drafts.markSynced(a.id, 1, 'Drafts', 40);
    expect(await store.drafts.get(a.id)).toMatchObject({
      syncedVersion: 2,
      serverPath: 'Drafts',
      serverUid: 40,
    });
    expect((await store.drafts.unsynced(accountId)).map((d) => d.id)).toEqual([b.id]);

    expect(await store.drafts.markDeleted(a.id)).toBe(true);
    expect(await store.drafts.markDeleted(a.id + b.id)).toBe(false);
    expect(
      await store.drafts.update(a.id, { compose: {}, subject: 'late', raw: Buffer.from('y') }),
    ).toMatchObject({ subject: 'edited', deleted: true });
    expect((await store.drafts.list()).map((d) => d.id)).toEqual([b.id]);
    expect((await store.drafts.unsynced(accountId)).map((d) => d.id)).toEqual([a.id, b.id]);
    expect(await store.drafts.messageIds()).toEqual(
      new Set(['<d1@example.test>', '<d2@example.test>']),
    );
    await store.drafts.remove(a.id);
    expect(await store.drafts.get(a.id)).toBeNull();
    expect(await store.drafts.messageIds(accountId)).toEqual(new Set(['<d2@example.test>']));
    expect(await store.drafts.messageIds(accountId + 1)).toEqual(new Set());
  });
});

function op(
  accountId: number,
  mailboxId: number,
  ids: number[],
  extra: Partial<NewOperation> = {},
) {
  return {
    accountId,
    kind: 'flags' as const,
    mailboxId,
    path: 'INBOX',
    uidValidity: '7',
    items: ids.map((id) => ({ id, uid: id * 10, msgid: `<${id}@x>`, flags: 0, keywords: null })),
    args: { add: ['\\Seen'], remove: [] },
    ...extra,
  };
}

async function actionWith(store: Store, o: NewOperation, kind: 'flags' | 'move' = 'flags') {
  const actionId = await store.operations.addAction(kind, `${kind} ${o.items.length}`);
  return { actionId, id: await store.operations.add(actionId, o) };
}

describe.each(all.names)('operations on %s', (engine) => {
  it('queues, replays in order, closes once, and lists what is left', async () => {
    const { store, accountId, inbox } = await all.open(engine);
    const first = await actionWith(store, op(accountId, inbox, [1, 2]));
    const second = await actionWith(store, op(accountId, inbox, [3]));
    const pending = await store.operations.pending(accountId);
    expect(pending.map((o) => o.id)).toEqual([first.id, second.id]);
    expect(pending[0]).toEqual({
      id: first.id,
      actionId: first.actionId,
      accountId,
      kind: 'flags',
      mailboxId: inbox,
      path: 'INBOX',
      uidValidity: '7',
      items: op(accountId, inbox, [1, 2]).items,
      args: { add: ['\\Seen'], remove: [] },
      state: 'pending',
      step: null,
      attempts: 0,
      error: null,
      result: null,
    });
    expect(await store.operations.pending(accountId, 1)).toHaveLength(1);
    expect(await store.operations.pendingFlagUids(inbox)).toEqual(new Set([10, 20, 30]));
    expect(await store.operations.counts()).toEqual({ pending: 2, failed: 0 });

    await store.operations.countAttempt(first.id);
    await store.operations.setStep(first.id, 'copied', { uidMap: [[10, 100]] });
    expect(await store.operations.get(first.id)).toMatchObject({
      attempts: 1,
      step: 'copied',
      result: { uidMap: [[10, 100]] },
    });
    expect(await store.operations.finish(first.id, 'done')).toBe(true);
    expect(await store.operations.finish(first.id, 'cancelled')).toBe(false);
    const refused = {
      code: 'PROTOCOL_ERROR' as const,
      message: 'The server refused the move to Archive.',
      fields: { path: 'Archive' },
    };
    expect(await store.operations.finish(second.id, 'failed', { error: refused })).toBe(true);
    expect(await store.operations.get(second.id)).toMatchObject({
      state: 'failed',
      error: refused,
    });
    expect(await store.operations.pending(accountId)).toEqual([]);
    expect(await store.operations.pendingFlagUids(inbox)).toEqual(new Set());
    expect(await store.operations.counts()).toEqual({ pending: 0, failed: 1 });
    const listed = await store.operations.list(undefined, 10);
    expect(listed).toEqual([
      {
        id: second.id,
        actionId: second.actionId,
        accountId,
        kind: 'flags',
        mailbox: 'INBOX',
        count: 1,
        state: 'failed',
        attempts: 0,
        error: refused,
        createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      },
    ]);
    expect(await store.operations.list('pending', 10)).toEqual([]);
    expect((await store.operations.ofAction(first.actionId)).map((o) => o.id)).toEqual([first.id]);
  });

  it('knows the actions undo works on, and which later one touched the same messages', async () => {
    const { store, accountId, inbox } = await all.open(engine);
    const a = await actionWith(store, op(accountId, inbox, [1, 2]));
    const b = await actionWith(store, op(accountId, inbox, [5]));
    const c = await actionWith(store, op(accountId, inbox, [2, 9]));
    expect(await store.operations.lastAction()).toEqual({
      id: c.actionId,
      kind: 'flags',
      description: 'flags 2',
      undone: false,
    });
    expect(await store.operations.laterOnSameMessages(a.actionId)).toBe(c.actionId);
    expect(await store.operations.laterOnSameMessages(b.actionId)).toBeNull();
    await store.operations.markUndone(c.actionId);
    expect(await store.operations.laterOnSameMessages(a.actionId)).toBeNull();
    expect((await store.operations.lastAction())?.id).toBe(b.actionId);
    expect((await store.operations.action(c.actionId))?.undone).toBe(true);
    await store.operations.describe(b.actionId, 'Marked 1 read');
    expect((await store.operations.action(b.actionId))?.description).toBe('Marked 1 read');
    expect(await store.operations.action(c.actionId + 100)).toBeNull();
  });

  it('finds the UID a finished move gave a message', async () => {
    const { store, accountId, inbox, archive } = await all.open(engine);
    const move = await actionWith(
      store,
      op(accountId, inbox, [7, 8], {
        kind: 'move',
        args: { toMailboxId: archive, toPath: 'Archive' },
      }),
      'move',
    );
    expect(await store.operations.movedUid(7, archive)).toBeNull();
    await store.operations.finish(move.id, 'done', {
      result: {
        uidMap: [
          [70, 700],
          [80, 800],
        ],
      },
    });
    expect(await store.operations.movedUid(7, archive)).toBe(700);
    expect(await store.operations.movedUid(8, archive)).toBe(800);
    expect(await store.operations.movedUid(8, inbox)).toBeNull();
    expect(await store.operations.movedUid(9, archive)).toBeNull();
  });

  it('prunes finished actions beyond the last ones kept, never one with work left', async () => {
    const { store, accountId, inbox } = await all.open(engine);
    const made = [];
    for (let n = 1; n <= 6; n++) made.push(await actionWith(store, op(accountId, inbox, [n])));
    for (const m of made.slice(0, 5)) await store.operations.finish(m.id, 'done');
    const stuck = await actionWith(store, op(accountId, inbox, [99]));
    const old = made[0]!;
    expect(await store.operations.prune(10)).toBe(0);
    expect(await store.operations.prune(3)).toBe(4);
    expect(await store.operations.action(old.actionId)).toBeNull();
    expect(await store.operations.get(old.id)).toBeNull();
    expect((await store.operations.action(made[5]!.actionId))?.id).toBe(made[5]!.actionId);
    expect((await store.operations.action(stuck.actionId))?.id).toBe(stuck.actionId);
    expect(await store.operations.prune(0)).toBe(1);
    expect((await store.operations.action(made[5]!.actionId))?.id).toBe(made[5]!.actionId);
  });
});
