// Real-world-shaped mail through the whole sync: a few hundred messages in legacy charsets,
// with encoded words, broken MIME, huge headers, nesting, signatures, bounces, invites and
// the HTML of common senders (test/support/real-mail.ts), loaded into a real Dovecot next to
// the hostile messages of test/support/hostile-mime.ts, then synced with bodies. For every
// message: it is stored, its subject reads as sent, the contract's message.search finds its
// marker words and not the words only markup, attachments or a MIME preamble hold, and the
// reader lists its attachments. What Maildock does not yet read right is kept with each
// message as its `gap`, reported and not asserted.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MessageSummary } from '../../common/types.js';
import { startDovecot, type DovecotServer } from '../support/dovecot.js';
import { HOSTILE } from '../support/hostile-mime.js';
import { realWorldMail, MAX_REAL_MESSAGE_BYTES, type RealMessage } from '../support/real-mail.js';
import { accountInput, openService, type TestService } from '../support/service.js';

const CORPUS = realWorldMail();
const HOSTILE_NAMES = Object.keys(HOSTILE);

let server: DovecotServer;
let t: TestService;
/** Each corpus message as stored, by Message-ID. */
const stored = new Map<string, MessageSummary>();
let syncErrors: unknown[] = [];
let syncedMessages = 0;
let syncedBodies = 0;

beforeAll(async () => {
  server = await startDovecot();
  // The hostile messages sit between the real ones, so the sync meets them mid-batch.
  const hostile = HOSTILE_NAMES.map((name) => HOSTILE[name]!());
  const every = Math.ceil(CORPUS.length / (hostile.length + 1));
  await server.loadMaildir(
    'INBOX',
    CORPUS.flatMap((m, i) => {
      const between = (i + 1) % every === 0 ? hostile[(i + 1) / every - 1] : undefined;
      return [
        { raw: m.raw, internalDate: m.date },
        ...(between ? [{ raw: between, internalDate: m.date }] : []),
      ];
    }),
  );
  t = await openService();
  await t.call('account.add', accountInput(server));
  const summary = await t.call('sync.run');
  syncErrors = summary.errors;
  syncedMessages = summary.messages;
  syncedBodies = summary.bodies;
  for (let before: number | undefined; ;) {
    const page = await t.call('message.list', {
      path: 'INBOX',
      limit: 1000,
      ...(before ? { before } : {}),
    });
    for (const m of page.messages) if (m.messageId) stored.set(m.messageId, m);
    if (page.nextBefore === null) break;
    before = page.nextBefore;
  }
}, 120_000);

afterAll(async () => {
  await t?.close();
  await server?.stop();
});

/** The corpus messages a query finds, by Message-ID. */
async function found(query: string): Promise<Set<string>> {
  const ids = new Set<string>();
  for (let before: number | undefined; ;) {
    const page = await t.call('message.search', {
      query,
      limit: 1000,
      count: false,
      ...(before ? { before } : {}),
    });
    for (const h of page.hits) if (h.message.messageId) ids.add(h.message.messageId);
    if (page.nextBefore === null) return ids;
    before = page.nextBefore;
  }
}

const quoted = (word: string) => `"${word}"`;

function storedOf(m: RealMessage): MessageSummary | undefined {
  return stored.get(m.messageId);
}

describe('real-world mail through a full sync', () => {
  it('is a corpus of varied, small messages', () => {
    expect(CORPUS.length).toBeGreaterThanOrEqual(300);
    for (const m of CORPUS)
      expect(m.raw.length, m.name).toBeLessThanOrEqual(MAX_REAL_MESSAGE_BYTES);
    expect(new Set(CORPUS.map((m) => m.name)).size).toBe(CORPUS.length);
  });

  it('syncs every message, hostile ones included, without an error', () => {
    const total = CORPUS.length + HOSTILE_NAMES.length;
    expect(syncErrors).toEqual([]);
    expect(syncedMessages).toBe(total);
    expect(syncedBodies).toBe(total);
  });

  it('stores every message, with its body read or recorded as unreadable', () => {
    const missing = CORPUS.filter((m) => !storedOf(m)).map((m) => m.name);
    expect(missing, 'messages not stored').toEqual([]);
    const wrong = CORPUS.filter(
      (m) => storedOf(m)?.bodyState !== (m.expect.unreadable ? 'failed' : 'ready'),
    ).map((m) => `${m.name}: body ${storedOf(m)?.bodyState}`);
    expect(wrong).toEqual([]);
  });

  it('shows each subject as sent', () => {
    const wrong: string[] = [];
    for (const m of CORPUS) {
      if (m.expect.subject === undefined) continue;
      const subject = storedOf(m)?.subject;
      if (subject !== m.expect.subject)
        wrong.push(
          `${m.name}: ${JSON.stringify(subject)} instead of ${JSON.stringify(m.expect.subject)}`,
        );
    }
    expect(wrong).toEqual([]);
  });

  it('finds every marker word of every message', async () => {
    const lost: string[] = [];
    for (const m of CORPUS) {
      expect(m.expect.words.length, m.name).toBeGreaterThan(0);
      // All of a message's words at once; one at a time only to say which is missing.
      if ((await found(m.expect.words.map(quoted).join(' '))).has(m.messageId)) continue;
      for (const word of m.expect.words)
        if (!(await found(quoted(word))).has(m.messageId)) lost.push(`${m.name}: ${word}`);
    }
    expect(lost).toEqual([]);
  });

  it('finds no word that only markup, an attachment or a MIME preamble holds', async () => {
    const absent = CORPUS.flatMap((m) => (m.expect.absent ?? []).map((word) => ({ m, word })));
    expect(absent.length).toBeGreaterThan(20);
    const wrongly: string[] = [];
    for (let i = 0; i < absent.length; i += 40) {
      const chunk = absent.slice(i, i + 40);
      if ((await found(chunk.map(({ word }) => quoted(word)).join(' OR '))).size === 0) continue;
      for (const { m, word } of chunk) {
        const hits = [...(await found(quoted(word)))];
        if (hits.length) wrongly.push(`${m.name}: ${word} found in ${hits.join(', ')}`);
      }
    }
    expect(wrongly).toEqual([]);
  });

  it('lists the attachments a reader expects', async () => {
    const wrong: string[] = [];
    for (const m of CORPUS) {
      const { attachments, filenames } = m.expect;
      if (attachments === undefined && filenames === undefined) continue;
      const summary = storedOf(m);
      if (!summary) continue;
      const detail = await t.call('message.get', { id: summary.id });
      const files = detail.attachments.filter((a) => !a.inline);
      if (attachments !== undefined && files.length !== attachments)
        wrong.push(
          `${m.name}: ${files.length} attachments instead of ${attachments} (${JSON.stringify(files.map((f) => [f.filename, f.contentType]))})`,
        );
      if (
        filenames !== undefined &&
        JSON.stringify(files.map((f) => f.filename)) !== JSON.stringify(filenames)
      )
        wrong.push(
          `${m.name}: files ${JSON.stringify(files.map((f) => f.filename))} instead of ${JSON.stringify(filenames)}`,
        );
      if (
        attachments !== undefined &&
        m.expect.gap?.hasAttachments === undefined &&
        summary.hasAttachments !== attachments > 0
      )
        wrong.push(
          `${m.name}: the list says hasAttachments ${summary.hasAttachments}, the reader lists ${files.length}`,
        );
    }
    expect(wrong).toEqual([]);
  });

  it('finds by has: and filename: the attachments the reader lists, and no others', async () => {
    const withAny = await found('has:attachment');
    const withPdf = await found('has:pdf');
    const wrong: string[] = [];
    for (const m of CORPUS) {
      const { attachments, filenames } = m.expect;
      if (attachments !== undefined && withAny.has(m.messageId) !== attachments > 0)
        wrong.push(`${m.name}: has:attachment ${withAny.has(m.messageId)}, ${attachments} listed`);
      if (attachments === 0 && withPdf.has(m.messageId)) wrong.push(`${m.name}: has:pdf`);
      if (filenames?.some((f) => f.toLowerCase().endsWith('.pdf')) && !withPdf.has(m.messageId))
        wrong.push(`${m.name}: not has:pdf`);
      for (const f of filenames ?? [])
        if (!(await found(`filename:${quoted(f)}`)).has(m.messageId))
          wrong.push(`${m.name}: not filename:${f}`);
    }
    expect(wrong).toEqual([]);
  });

  it('says why a body is unreadable', async () => {
    const silent: string[] = [];
    for (const m of CORPUS.filter((x) => x.expect.unreadable)) {
      const summary = storedOf(m);
      if (!summary) continue;
      const d = await t.call('message.get', { id: summary.id });
      if (!d.parseError) silent.push(m.name);
    }
    expect(silent).toEqual([]);
  });
});
