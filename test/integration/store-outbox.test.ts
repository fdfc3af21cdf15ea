// The outbox behaves alike on both engines: every step of a row's state machine, and on
// Postgres a claim that two processes make at once goes to one of them only.
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { NewOutboxRow, OutboxRepository } from '../../main/core/store/index.js';
import { engines, type EngineStore } from '../support/engines.js';

const all = engines();
afterEach(() => all.close());
afterAll(() => all.stop());

function row(accountId: number, n: number, sendAt = Date.now() - 1000): NewOutboxRow {
  return {
    accountId,
    messageId: `<m${n}@example.test>`,
    from: 'me@example.test',
    recipients: ['bob@example.test', 'carol@example.test'],
    subject: `message ${n}`,
    raw: Buffer.from(`Subject: message ${n}\r\n\r\nhi\r\n`),
    inReplyTo: n === 1 ? '<parent@example.test>' : null,
    references: n === 1 ? ['<root@example.test>', '<parent@example.test>'] : [],
    sendAt,
    sentCopy: 0,
  };
}

async function setup(engine: 'sqlite' | 'postgres'): Promise<
  EngineStore & {
    outbox: OutboxRepository;
    add: (n: number, sendAt?: number) => ReturnType<OutboxRepository['add']>;
  }
> {
  const opened = await all.open(engine);
  const outbox = opened.store.outbox;
  return { ...opened, outbox, add: (n, sendAt) => outbox.add(row(opened.accountId, n, sendAt)) };
}

describe.each(all.names)('outbox on %s', (engine) => {
  it('keeps what was queued, lists newest first, filters by account and state', async () => {
    const { outbox, accountId, add } = await setup(engine);
    const created = Date.UTC(2024, 2, 1, 12);
    const a = await outbox.add(row(accountId, 1, created + 5000), created);
    expect(a).toEqual({
      id: a.id,
      accountId,
      messageId: '<m1@example.test>',
      state: 'queued',
      from: 'me@example.test',
      recipients: ['bob@example.test', 'carol@example.test'],
      subject: 'message 1',
      size: row(accountId, 1).raw.length,
      sendAt: new Date(created + 5000).toISOString(),
      attempts: 0,
      nextAttempt: null,
      lastError: null,
      createdAt: new Date(created).toISOString(),
      sentAt: null,
      sentCopy: 'pending',
    });
    const b = await add(2);
    expect(await outbox.inReplyTo(a.id)).toBe('<parent@example.test>');
    expect(await outbox.inReplyTo(b.id)).toBeNull();
    expect((await outbox.list({ limit: 10 })).map((e) => e.id)).toEqual([b.id, a.id]);
    expect((await outbox.list({ limit: 1 })).map((e) => e.id)).toEqual([b.id]);
    expect(await outbox.list({ accountId: accountId + 1, limit: 10 })).toEqual([]);
    await outbox.cancel(a.id);
    expect((await outbox.list({ state: 'queued', limit: 10 })).map((e) => e.id)).toEqual([b.id]);
    expect(await outbox.get(a.id + b.id)).toBeNull();
  });

  it('claims a due row once, and recovers what a dead process left by its DATA marker', async () => {
    const { outbox, accountId, add } = await setup(engine);
    const dueAt = Date.now() - 1000;
    const a = await add(1, dueAt + 1);
    const b = await add(2, dueAt);
    const later = await add(3, Date.now() + 60_000);
    expect(await outbox.due(accountId, 10)).toEqual([a.id, b.id]);
    expect(await outbox.dueAccounts()).toEqual([accountId]);
    expect(await outbox.dueAccounts(dueAt - 1)).toEqual([]);
    expect(await outbox.nextWake()).toBe(dueAt);
    const job = await outbox.claim(a.id, 'dead:1');
    expect(job).toMatchObject({
      id: a.id,
      accountId,
      messageId: '<m1@example.test>',
      recipients: ['bob@example.test', 'carol@example.test'],
      attempts: 1,
      sentCopy: 0,
      sentAt: null,
    });
    expect(job?.raw.equals(row(accountId, 1).raw)).toBe(true);
    expect(await outbox.claim(a.id, 'other:2')).toBeNull();
    expect(await outbox.claim(later.id, 'other:2')).toBeNull();
    expect(await outbox.claim(b.id, 'dead:1')).not.toBeNull();
    expect(await outbox.markDataSent(b.id, 'dead:1')).toBe(true);
    // A live owner's rows are left alone.
    expect(await outbox.recover(() => false)).toBe(0);
    expect(await outbox.recover((owner) => owner === 'dead:1')).toBe(2);
    expect(await outbox.get(a.id)).toMatchObject({ state: 'queued', attempts: 1 });
    expect(await outbox.get(b.id)).toMatchObject({
      state: 'maybe-sent',
      lastError: { code: 'CONNECTION_LOST', message: expect.stringMatching(/may have been sent/) },
    });
    expect(await outbox.due(accountId, 10)).toEqual([a.id]);
    expect(await outbox.nextWake()).toBe(dueAt + 1);
  });

  it("lets only a row's claimant record its end of DATA, and not once the row was taken back", async () => {
    const { outbox, add } = await setup(engine);
    const a = await add(1, Date.now() - 1000);
    await outbox.claim(a.id, 'stalled:1');
    // Taken back from an owner thought gone, before it reached the end of DATA: if it wakes,
    // it may not send the final "." (the row is due again, maybe sent by another).
    expect(await outbox.recover((owner) => owner === 'stalled:1')).toBe(1);
    expect(await outbox.markDataSent(a.id, 'stalled:1')).toBe(false);
    expect(await outbox.get(a.id)).toMatchObject({ state: 'queued' });
    expect(await outbox.claim(a.id, 'taker:2')).not.toBeNull();
    expect(await outbox.markDataSent(a.id, 'stalled:1')).toBe(false);
    expect(await outbox.markDataSent(a.id, 'taker:2')).toBe(true);
    // Once its DATA ended, a row is never due again: it may only be maybe-sent.
    expect(await outbox.recover((owner) => owner === 'taker:2')).toBe(1);
    expect(await outbox.get(a.id)).toMatchObject({ state: 'maybe-sent' });
  });

  it('cancels before sending, refuses after; retry waits; makeDue and resend re-queue', async () => {
    const { outbox, accountId, add } = await setup(engine);
    const later = await add(1, Date.now() + 3_600_000);
    const sent = await add(2);
    expect((await outbox.cancel(later.id)).state).toBe('cancelled');
    expect((await outbox.cancel(later.id)).state).toBe('cancelled');
    await outbox.claim(sent.id, 'me:1');
    await expect(outbox.cancel(sent.id)).rejects.toMatchObject({
      code: 'TOO_LATE',
      message: 'That message is leaving right now.',
    });
    const refused = {
      code: 'SMTP_REJECTED' as const,
      message: 'Not delivered to x@example.test: 550 no such user',
      fields: { refused: 'x@example.test' },
    };
    await outbox.markSent(sent.id, refused);
    await expect(outbox.cancel(sent.id)).rejects.toMatchObject({
      code: 'TOO_LATE',
      message: 'That message has been sent already.',
    });
    expect(await outbox.get(sent.id)).toMatchObject({
      state: 'sent',
      lastError: refused,
    });

    const waiting = await add(3);
    await outbox.claim(waiting.id, 'me:1');
    const retryAt = Date.now() + 60_000;
    const tryLater = {
      code: 'SEND_FAILED' as const,
      message: '451 try later',
      fields: { responseCode: 451 },
    };
    await outbox.markRetry(waiting.id, tryLater, retryAt);
    expect(await outbox.get(waiting.id)).toMatchObject({
      state: 'retrying',
      lastError: tryLater,
      nextAttempt: new Date(retryAt).toISOString(),
    });
    expect(await outbox.due(accountId, 10)).toEqual([]);
    expect(await outbox.nextWake()).toBe(retryAt);
    expect(await outbox.makeDue(waiting.id + 1000)).toBe(0);
    expect(await outbox.makeDue(null)).toBe(1);
    expect(await outbox.due(accountId, 10)).toEqual([waiting.id]);

    await outbox.claim(waiting.id, 'me:1');
    await outbox.markFailed(waiting.id, { code: 'SMTP_REJECTED', message: '550 no such user' });
    expect(await outbox.get(waiting.id)).toMatchObject({ state: 'failed', attempts: 2 });
    const again = await outbox.resend(waiting.id);
    expect(again).toMatchObject({ state: 'queued', attempts: 0, lastError: null });
    await expect(outbox.resend(waiting.id)).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await outbox.claim(waiting.id, 'me:1');
    await outbox.markMaybeSent(waiting.id, {
      code: 'CONNECTION_LOST',
      message: 'the connection dropped after DATA',
      fields: { maybeSent: true },
    });
    expect((await outbox.resend(waiting.id)).state).toBe('queued');
    await expect(outbox.cancel(waiting.id + 1000)).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('replaces what has not left, bytes included, and refuses what has', async () => {
    const { outbox, accountId, add } = await setup(engine);
    const a = await add(1);
    const raw = Buffer.from('Subject: edited\r\n\r\nnew text\r\n');
    const edited = await outbox.replace(a.id, {
      from: 'me@example.test',
      recipients: ['dave@example.test'],
      subject: 'edited',
      raw,
      inReplyTo: null,
      references: [],
      sendAt: Date.now() - 10,
    });
    expect(edited).toMatchObject({
      messageId: '<m1@example.test>',
      subject: 'edited',
      recipients: ['dave@example.test'],
      size: raw.length,
      state: 'queued',
    });
    expect(await outbox.inReplyTo(a.id)).toBeNull();
    const job = await outbox.claim(a.id, 'me:1');
    expect(job?.raw.equals(raw)).toBe(true);
    const dated = Buffer.from('Date: now\r\nSubject: edited\r\n\r\nnew text\r\n');
    await outbox.setRaw(a.id, dated);
    expect((await outbox.get(a.id))?.size).toBe(dated.length);
    await outbox.markSent(a.id, null);
    await expect(
      outbox.replace(a.id, { ...row(accountId, 9), sendAt: Date.now() }),
    ).rejects.toMatchObject({ code: 'INVALID_INPUT', fields: { id: a.id, state: 'sent' } });
    // The bytes of a refused edit are not written.
    const copies = await outbox.pendingSentCopies(accountId, 10);
    expect(copies.map((c) => c.raw.toString())).toEqual([dated.toString()]);
  });

  it('tracks the copy in Sent until it is made', async () => {
    const { outbox, accountId, add } = await setup(engine);
    const a = await add(1);
    const b = await add(2);
    for (const { id } of [a, b]) {
      await outbox.claim(id, 'me:1');
      await outbox.markSent(id, null, Date.UTC(2024, 2, 1));
    }
    const pending = await outbox.pendingSentCopies(accountId, 10);
    expect(pending.map((p) => [p.id, p.appending, p.sentAt])).toEqual([
      [a.id, false, Date.UTC(2024, 2, 1)],
      [b.id, false, Date.UTC(2024, 2, 1)],
    ]);
    expect(await outbox.startSentCopy(a.id)).toBe(true);
    expect((await outbox.pendingSentCopies(accountId, 1))[0]).toMatchObject({
      id: a.id,
      appending: true,
    });
    await outbox.sentCopyDone(a.id);
    expect(await outbox.startSentCopy(a.id)).toBe(false);
    expect((await outbox.get(a.id))?.sentCopy).toBe('done');
    expect((await outbox.pendingSentCopies(accountId, 10)).map((p) => p.id)).toEqual([b.id]);

    expect(await outbox.serverSavesSent(accountId)).toBe(false);
    await outbox.setServerSavesSent(accountId, true);
    expect(await outbox.serverSavesSent(accountId)).toBe(true);
    const saved = await outbox.add({ ...row(accountId, 3), sentCopy: 2 });
    expect(saved.sentCopy).toBe('server');
  });
});

describe('outbox on postgres, shared by processes', () => {
  it('gives a row to one of many claims made at once from separate pools', async () => {
    const first = await all.open('postgres');
    const others = await Promise.all([1, 2, 3].map(() => all.reopen(first)));
    const stores = [first.store, ...others];
    for (let n = 1; n <= 5; n++) {
      const { id } = await first.store.outbox.add(row(first.accountId, n));
      const claims = await Promise.all(
        stores.flatMap((s, k) => [s.outbox.claim(id, `p${k}:a`), s.outbox.claim(id, `p${k}:b`)]),
      );
      expect(claims.filter((c) => c !== null)).toHaveLength(1);
      expect((await first.store.outbox.get(id))?.attempts).toBe(1);
    }
  });
});
