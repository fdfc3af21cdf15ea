// Composing outgoing mail (new, reply, reply all, forward inline and as attachment), the
// retry policy, and the outbox store's state machine, without a server.
import { simpleParser, type ParsedMail } from 'mailparser';
import { afterEach, describe, expect, it } from 'vitest';
import { forwardSubject, replySubject } from '../../common/subjects.js';
import { compose, quoteText, withDate, type Original } from '../../main/core/send/compose.js';
import { DEFAULT_RETRY, judge, nextAttemptAt } from '../../main/core/send/policy.js';
import { closeEngineStores, storeEngines } from '../support/engines.js';
import { besideStore, removeTempStoreFiles, tempStoreFile } from '../support/sqlite-file.js';
import { storeWithInbox } from '../support/store.js';

const me = { name: 'Me Myself', email: 'me@example.test' };
const png = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);

function original(over: Partial<Original> = {}): Original {
  return {
    messageId: '<orig-2@example.test>',
    references: ['<root-1@example.test>'],
    subject: 'Budget for 2025',
    from: [{ name: 'Alice', address: 'alice@example.test' }],
    to: [
      { name: 'Me', address: 'ME@example.test' },
      { name: 'Bob', address: 'bob@example.test' },
    ],
    cc: [{ name: 'Carol', address: 'carol@example.test' }],
    date: '2024-03-01T10:00:00.000Z',
    text: 'Here are the numbers.\n> an older quote\n',
    html: null,
    ...over,
  };
}

const parse = async (raw: Buffer): Promise<ParsedMail> => simpleParser(raw);
const addresses = (v: ParsedMail['to']) =>
  (Array.isArray(v) ? v : v ? [v] : []).flatMap((a) => a.value.map((x) => x.address));

describe('compose', () => {
  it('builds text with an HTML alternative, a file attachment and an inline image, Bcc only in the envelope', async () => {
    const attachment = Buffer.from(Array.from({ length: 3000 }, (_, i) => i % 256));
    const c = await compose({
      identity: me,
      to: ['Bob <bob@example.test>'],
      cc: ['carol@example.test'],
      bcc: ['hidden@example.test'],
      subject: 'Plans ✈',
      text: 'See the plan.',
      html: '<p>See the <b>plan</b>: <img src="cid:logo@maildock"></p>',
      attachments: [
        { content: attachment, filename: 'data.bin', contentType: 'application/octet-stream' },
        {
          content: png,
          filename: 'logo.png',
          contentType: 'image/png',
          contentId: 'logo@maildock',
        },
      ],
    });
    expect(c.recipients).toEqual(['bob@example.test', 'carol@example.test', 'hidden@example.test']);
    expect(c.messageId).toMatch(/^<[0-9a-f-]{36}@example\.test>$/);
    const raw = c.raw.toString('latin1');
    expect(raw).not.toMatch(/^bcc:/im);
    expect(raw).not.toContain('hidden@example.test');
    const m = await parse(c.raw);
    expect(m.messageId).toBe(c.messageId);
    expect(m.subject).toBe('Plans ✈');
    expect(m.from?.value[0]).toEqual({ name: 'Me Myself', address: 'me@example.test' });
    expect(m.text?.trim()).toBe('See the plan.');
    expect(m.html).toContain('<b>plan</b>');
    const bin = m.attachments.find((a) => a.filename === 'data.bin')!;
    expect(bin.content.equals(attachment)).toBe(true);
    const logo = m.attachments.find((a) => a.filename === 'logo.png')!;
    expect(logo.cid).toBe('logo@maildock');
    expect(logo.content.equals(png)).toBe(true);
    expect(raw).toMatch(/multipart\/related/);
  });

  it('replies to the sender with threading headers, one Re: and the quoted original', async () => {
    const c = await compose({
      identity: me,
      to: [],
      cc: [],
      bcc: [],
      text: 'Thanks!',
      attachments: [],
      mode: 'reply',
      original: original(),
    });
    expect(c.subject).toBe('Re: Budget for 2025');
    expect(c.inReplyTo).toBe('<orig-2@example.test>');
    expect(c.references).toEqual(['<root-1@example.test>', '<orig-2@example.test>']);
    expect(c.recipients).toEqual(['alice@example.test']);
    const m = await parse(c.raw);
    expect(m.inReplyTo).toBe('<orig-2@example.test>');
    expect(m.references).toEqual(['<root-1@example.test>', '<orig-2@example.test>']);
    expect(m.text).toContain('Thanks!');
    expect(m.text).toContain('alice@example.test> wrote:');
    expect(m.text).toContain('> Here are the numbers.');
    expect(m.text).toContain('>> an older quote');

    const again = await compose({
      identity: me,
      to: [],
      cc: [],
      bcc: [],
      attachments: [],
      mode: 'reply',
      original: original({ subject: 'RE: Budget for 2025' }),
    });
    expect(again.subject).toBe('RE: Budget for 2025');
  });

  it('adds no quote to a reply whose text quotes the original already, as edited', async () => {
    const c = await compose({
      identity: me,
      to: [],
      cc: [],
      bcc: [],
      text: 'Thanks!\n\n> Here are the edited numbers.',
      html: '<p>Thanks!</p><blockquote><p>Here are the edited numbers.</p></blockquote>',
      attachments: [],
      mode: 'reply',
      original: original(),
      quoted: true,
    });
    expect(c.inReplyTo).toBe('<orig-2@example.test>');
    expect(c.recipients).toEqual(['alice@example.test']);
    const m = await parse(c.raw);
    expect(m.text?.trim()).toBe('Thanks!\n\n> Here are the edited numbers.');
    expect(m.html).toBe(
      '<p>Thanks!</p><blockquote><p>Here are the edited numbers.</p></blockquote>',
    );
  });

  it('replies to all without writing to itself, and quotes HTML in a blockquote', async () => {
    const c = await compose({
      identity: me,
      to: [],
      cc: ['dave@example.test'],
      bcc: [],
      text: 'Agreed.',
      html: '<p>Agreed.</p>',
      attachments: [],
      mode: 'reply-all',
      original: original({ html: '<p>Here are the <i>numbers</i>.</p>' }),
    });
    expect(c.to).toEqual(['alice@example.test', 'bob@example.test']);
    expect(c.recipients).toEqual([
      'alice@example.test',
      'bob@example.test',
      'carol@example.test',
      'dave@example.test',
    ]);
    const m = await parse(c.raw);
    expect(addresses(m.cc)).toEqual(['carol@example.test', 'dave@example.test']);
    expect(m.html).toContain('<blockquote type="cite"><p>Here are the <i>numbers</i>.</p>');
  });

  it('forwards inline with the original header block and attachments, and as an attachment', async () => {
    const fileBytes = Buffer.from('attached numbers\n');
    const o = original({
      attachments: [{ content: fileBytes, filename: 'numbers.txt', contentType: 'text/plain' }],
      raw: Buffer.from(
        'From: alice@example.test\r\nSubject: Budget for 2025\r\nMessage-ID: <orig-2@example.test>\r\n\r\nHere are the numbers.\r\n',
      ),
    });
    const inline = await compose({
      identity: me,
      to: ['erin@example.test'],
      cc: [],
      bcc: [],
      text: 'FYI',
      attachments: [],
      mode: 'forward',
      original: o,
    });
    expect(inline.subject).toBe('Fwd: Budget for 2025');
    expect(inline.inReplyTo).toBeNull();
    const m = await parse(inline.raw);
    expect(m.text).toContain('---------- Forwarded message ---------');
    expect(m.text).toContain('Subject: Budget for 2025');
    expect(m.text).toContain('Here are the numbers.');
    expect(m.attachments[0]!.content.equals(fileBytes)).toBe(true);

    const asFile = await compose({
      identity: me,
      to: ['erin@example.test'],
      cc: [],
      bcc: [],
      attachments: [],
      mode: 'forward-attachment',
      original: o,
      subject: 'Fwd: see attached',
    });
    expect(asFile.subject).toBe('Fwd: see attached');
    expect(asFile.references).toEqual(['<orig-2@example.test>']);
    // The original travels whole, as a message/rfc822 part of its own.
    const raw = asFile.raw.toString('latin1');
    expect(raw).toMatch(/Content-Type: message\/rfc822[^]*?\r\n\r\n([^]*?)\r\n--/);
    const part = /Content-Type: message\/rfc822[^]*?\r\n\r\n([^]*?)\r\n--/.exec(raw)![1]!;
    expect(Buffer.from(part, 'latin1').equals(o.raw!)).toBe(true);
  });

  it('re-dates a message sent later, in the top-level header only', async () => {
    const c = await compose({
      identity: me,
      to: ['bob@example.test'],
      cc: [],
      bcc: [],
      text: 'Date: in the body stays',
      attachments: [],
      date: new Date('2020-01-01T00:00:00Z'),
    });
    const later = withDate(c.raw, new Date('2030-06-01T12:00:00Z'));
    const m = await parse(later);
    expect(m.date?.toISOString()).toBe('2030-06-01T12:00:00.000Z');
    expect(m.messageId).toBe(c.messageId);
    expect(m.text?.trim()).toBe('Date: in the body stays');
    expect(later.toString().match(/^Date:/gm)).toHaveLength(2);
  });

  it('refuses what is not an address', async () => {
    await expect(
      compose({ identity: me, to: ['not an address'], cc: [], bcc: [], attachments: [] }),
    ).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  });

  it('handles subject prefixes and quoting', () => {
    expect(replySubject('Hello')).toBe('Re: Hello');
    expect(replySubject('Re: Hello')).toBe('Re: Hello');
    expect(replySubject('AW: Hallo')).toBe('AW: Hallo');
    expect(forwardSubject('Fw: Hello')).toBe('Fw: Hello');
    expect(forwardSubject('Re: Hello')).toBe('Fwd: Re: Hello');
    expect(quoteText('a\n\n> b\n')).toBe('> a\n>\n>> b');
  });
});

describe('retry policy', () => {
  const f = (responseCode: number | null, code: string | null = null) => ({
    responseCode,
    reason: responseCode ? `${responseCode} the server's words` : 'connection closed',
    code,
    command: null,
  });

  it('waits on 4xx and lost connections, gives up on 5xx, never resends after the end of DATA', () => {
    expect(judge(f(451), false)).toEqual({ kind: 'retry', reason: "451 the server's words" });
    expect(judge(f(550), false)).toEqual({ kind: 'failed', reason: "550 the server's words" });
    expect(judge(f(null, 'ECONNREFUSED'), false).kind).toBe('retry');
    expect(judge(f(null, 'ETIMEDOUT'), false).kind).toBe('retry');
    expect(judge(f(null, 'ECONNECTION'), true).kind).toBe('maybe-sent');
    // A reply after the end of DATA is a definite answer.
    expect(judge(f(250 + 200), true).kind).toBe('retry');
    expect(judge(f(554), true).kind).toBe('failed');
    expect(judge(f(null, 'ETLS'), false).kind).toBe('failed');
  });

  it('backs off exponentially up to a ceiling', () => {
    const p = { baseMs: 1000, maxMs: 10_000 };
    expect(nextAttemptAt(1, p, 0)).toBe(1000);
    expect(nextAttemptAt(2, p, 0)).toBe(2000);
    expect(nextAttemptAt(4, p, 0)).toBe(8000);
    expect(nextAttemptAt(9, p, 0)).toBe(10_000);
    expect(DEFAULT_RETRY.baseMs).toBeGreaterThan(0);
  });
});

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
    await outbox.markDataSent(b.id);
    // A live owner's rows are left alone.
    expect(await outbox.recover(() => false)).toBe(0);
    expect(await outbox.recover((owner) => owner === 'dead:1')).toBe(2);
    expect(await outbox.get(a.id)).toMatchObject({ state: 'queued', attempts: 1 });
    expect((await outbox.get(b.id))?.state).toBe('maybe-sent');
    expect((await outbox.get(b.id))?.lastError).toMatch(/may have been sent/);
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
    await outbox.markRetry(waiting.id, '451 try later', Date.now() + 60_000);
    expect(await outbox.get(waiting.id)).toMatchObject({
      state: 'retrying',
      lastError: '451 try later',
    });
    expect(await outbox.due(accountId, 10)).toEqual([]);
    expect(await outbox.makeDue(null)).toBe(1);
    expect(await outbox.due(accountId, 10)).toEqual([waiting.id]);

    await outbox.claim(waiting.id, 'me:1');
    await outbox.markFailed(waiting.id, '550 no such user');
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
