// The outbox store's state machine on each engine: every step of a row as the sender takes
// it, and what a crash leaves.
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { closeEngineStores, stopEngines, storeEngines } from '../support/engines.js';
import { besideStore, removeTempStoreFiles, tempStoreFile } from '../support/sqlite-file.js';
import { storeWithInbox } from '../support/store.js';

afterAll(stopEngines);

afterEach(async () => {
  await closeEngineStores();
  removeTempStoreFiles();
});

describe.each(storeEngines)('outbox store (%s)', (_engine, open) => {
  async function setup() {
    const store = await open();
    const account = await store.accounts.add({
      email: 'me@example.test',
      imap: { host: 'localhost', port: 143, security: 'none', user: 'me' },
      smtp: { host: 'localhost', port: 25, security: 'none' },
    });
    const outbox = store.outbox;
    const add = (n: number, sendAt = 0) =>
      outbox.add({
        accountId: account.id,
        messageId: `<m${n}@example.test>`,
        from: 'me@example.test',
        recipients: ['bob@example.test'],
        subject: `message ${n}`,
        raw: Buffer.from(`Subject: message ${n}\r\n\r\nhi\r\n`),
        inReplyTo: null,
        references: [],
        sendAt,
        sentCopy: 0,
      });
    return { store, outbox, accountId: account.id, add };
  }

  it('claims a due row once, and recovers what a dead process left by its DATA marker', async () => {
    const { outbox, accountId, add } = await setup();
    const a = await add(1);
    const b = await add(2);
    await add(3, Date.now() + 60_000); // not due yet
    expect(await outbox.due(accountId, 10)).toEqual([a.id, b.id]);
    expect(await outbox.claim(a.id, 'dead:1')).not.toBeNull();
    expect(await outbox.claim(a.id, 'other:2')).toBeNull();
    expect(await outbox.claim(b.id, 'dead:1')).not.toBeNull();
    expect(await outbox.markDataSent(b.id, 'dead:1')).toBe(true);
    // A live owner's rows are left alone.
    expect(await outbox.recover(() => false)).toBe(0);
    expect(await outbox.recover((owner) => owner === 'dead:1')).toBe(2);
    expect(await outbox.get(a.id)).toMatchObject({ state: 'queued', attempts: 1 });
    expect((await outbox.get(b.id))?.state).toBe('maybe-sent');
    expect((await outbox.get(b.id))?.lastError).toMatchObject({
      code: 'CONNECTION_LOST',
      message: expect.stringMatching(/may have been sent/),
    });
    expect(await outbox.due(accountId, 10)).toEqual([a.id]);
  });

  it('cancels before sending, refuses after; retry makes waiting rows due; resend re-queues', async () => {
    const { outbox, accountId, add } = await setup();
    const later = await add(1, Date.now() + 3_600_000);
    const sent = await add(2);
    expect((await outbox.cancel(later.id)).state).toBe('cancelled');
    await outbox.claim(sent.id, 'me:1');
    await expect(outbox.cancel(sent.id)).rejects.toThrow(
      expect.objectContaining({ code: 'TOO_LATE' }),
    );
    await outbox.markSent(sent.id, null);
    await expect(outbox.cancel(sent.id)).rejects.toThrow(
      expect.objectContaining({ code: 'TOO_LATE' }),
    );

    const waiting = await add(3);
    await outbox.claim(waiting.id, 'me:1');
    const tryLater = { code: 'SEND_FAILED' as const, message: '451 try later' };
    await outbox.markRetry(waiting.id, tryLater, Date.now() + 60_000);
    expect(await outbox.get(waiting.id)).toMatchObject({
      state: 'retrying',
      lastError: tryLater,
    });
    expect(await outbox.due(accountId, 10)).toEqual([]);
    expect(await outbox.makeDue(null)).toBe(1);
    expect(await outbox.due(accountId, 10)).toEqual([waiting.id]);

    await outbox.claim(waiting.id, 'me:1');
    await outbox.markFailed(waiting.id, { code: 'SMTP_REJECTED', message: '550 no such user' });
    expect(await outbox.resend(waiting.id)).toMatchObject({ state: 'queued', attempts: 0 });
    await expect(outbox.resend(sent.id)).rejects.toThrow(
      expect.objectContaining({ code: 'INVALID_INPUT' }),
    );
  });

  it('keeps drafts as versions until the server has the newest', async () => {
    const { store, accountId } = await setup();
    const drafts = store.drafts;
    const d = await drafts.add({
      accountId,
      messageId: '<d1@example.test>',
      compose: { to: ['bob@example.test'] },
      subject: 'draft',
      raw: Buffer.from('x'),
    });
    expect((await drafts.unsynced(accountId)).map((x) => x.id)).toEqual([d.id]);
    await drafts.markSynced(d.id, 1, 'Drafts', 7);
    expect(await drafts.unsynced(accountId)).toEqual([]);
    await drafts.update(d.id, { compose: { to: [] }, subject: 'draft 2', raw: Buffer.from('y') });
    expect((await drafts.unsynced(accountId))[0]).toMatchObject({ version: 2, serverUid: 7 });
    await drafts.markDeleted(d.id);
    expect(await drafts.list(accountId)).toEqual([]);
    expect((await drafts.unsynced(accountId))[0]?.deleted).toBe(true);
  });
});

describe('SQLite plans of the outbox', () => {
  it('finds due rows and pending Sent copies through their partial indexes', async () => {
    const { store } = await storeWithInbox(tempStoreFile());
    const plan = (sql: string, ...args: unknown[]) =>
      besideStore(store, (db) =>
        (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...args) as { detail: string }[])
          .map((r) => r.detail)
          .join('\n'),
      );
    const due = plan(
      `SELECT id FROM outbox WHERE account_id = 1 AND state IN ('queued', 'retrying') AND send_at <= 5
        AND (next_attempt IS NULL OR next_attempt <= 5) ORDER BY id LIMIT 50`,
    );
    expect(due).toContain('outbox_due');
    const copies = plan(
      `SELECT id FROM outbox WHERE account_id = 1 AND state = 'sent' AND sent_copy IN (0, 3) ORDER BY id LIMIT 5`,
    );
    expect(copies).toContain('outbox_sent_copy');
    expect(copies).not.toContain('TEMP B-TREE');
    await store.close();
  });
});
