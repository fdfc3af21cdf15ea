// Migration 0007 on a store written before it: HTML-only mail had an empty body in the index.
// The migration queues what its HTML may add to; the background reindex derives the text from
// the stored HTML, in short transactions, with progress, and then search finds the words.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { AccountSyncState, SyncProgress } from '../../common/types.js';
import { SearchReindex } from '../../main/core/sync/search-reindex.js';
import type { Store } from '../../main/core/store/index.js';
import { openDatabase, schemaVersion } from '../../main/core/store/sqlite/db.js';
import { migrations } from '../../main/core/store/sqlite/migrations/index.js';
import { openService, type TestService } from '../support/service.js';
import { ftsIntegrityCheck, schemaVersionOf } from '../support/sqlite-file.js';
import { sqliteStore } from '../support/store.js';

interface OldMessage {
  id: number;
  account: number;
  subject: string;
  text: string | null;
  html: string | null;
  snippet?: string;
}

const NEWSLETTER = (word: string) =>
  `<html><head><style>.x { color: red } /* stylonly */</style></head><body>` +
  `<table><tr><td><h1>Autumn&nbsp;news</h1></td></tr><tr><td><p>Paddle${'&shy;'}boards and ` +
  `<b>${word}</b> canoes</p><p>line one<br>${word}second</p></td></tr></table></body></html>`;

/** A store as Maildock wrote it at schema 6: the index holds the text part only. */
function schema6Store(file: string, messages: readonly OldMessage[]): void {
  const db = openDatabase(file, { migrations: migrations.filter((m) => m.version <= 6) });
  expect(schemaVersion(db)).toBe(6);
  const accounts = [...new Set(messages.map((m) => m.account))];
  for (const id of accounts) {
    db.prepare(
      `INSERT INTO accounts (id, email, imap_host, imap_port, imap_security, imap_user)
       VALUES (?, ?, '127.0.0.1', 143, 'none', 'me')`,
    ).run(id, `me${id}@example.test`);
    db.prepare(
      "INSERT INTO mailboxes (id, account_id, path, name) VALUES (?, ?, 'INBOX', 'INBOX')",
    ).run(id, id);
  }
  const insert = db.transaction(() => {
    for (const m of messages) {
      db.prepare(
        `INSERT INTO messages (id, account_id, mailbox_id, uid, subject, sender, recipients, date,
           snippet, body_state)
         VALUES (?, ?, ?, ?, ?, 'Alice alice@example.test', '', ?, ?, 1)`,
      ).run(m.id, m.account, m.account, m.id, m.subject, m.id, m.snippet ?? 'old snippet');
      db.prepare('INSERT INTO bodies (message_id, text, html) VALUES (?, ?, ?)').run(
        m.id,
        m.text,
        m.html,
      );
      db.prepare(
        `INSERT INTO message_fts (rowid, subject, sender, recipients, body)
         VALUES (?, ?, 'Alice alice@example.test', '', ?)`,
      ).run(m.id, m.subject, m.text ?? '');
    }
  });
  insert();
  db.close();
}

const integrityCheck = ftsIntegrityCheck;

const found = async (store: Store, query: string) =>
  (await store.search.search(query, { limit: 100 })).hits.map((h) => h.id);

let dir: string;
let t: TestService | null = null;

afterEach(async () => {
  await t?.close();
  t = null;
  rmSync(dir, { recursive: true, force: true });
});

function tempFile(): string {
  dir = mkdtempSync(path.join(os.tmpdir(), 'maildock-reindex-'));
  return path.join(dir, 'maildock.db');
}

describe('migration 0007 and the reindex of stored bodies', () => {
  it('makes the words of stored HTML mail searchable, with snippets from the same text', async () => {
    const file = tempFile();
    schema6Store(file, [
      { id: 1, account: 1, subject: 'html only', text: null, html: NEWSLETTER('quokka') },
      {
        id: 2,
        account: 1,
        subject: 'stub text',
        text: 'View this email in your browser.\r\n',
        html: NEWSLETTER('wombat'),
        snippet: 'View this email in your browser.',
      },
      { id: 3, account: 1, subject: 'plain', text: 'Just text about a numbat.', html: null },
      {
        id: 4,
        account: 1,
        subject: 'full text part',
        text: 'Autumn news\n\nPaddleboards and dingo canoes\n\nline one dingosecond\n',
        html: NEWSLETTER('dingo'),
      },
      { id: 5, account: 2, subject: 'other account', text: null, html: NEWSLETTER('bilby') },
    ]);
    const store = sqliteStore(file);
    try {
      expect(schemaVersionOf(store)).toBe(migrations.at(-1)!.version);
      // Queued: every body with HTML and no text part or a short one.
      expect(await store.bodies.reindexPending()).toEqual([
        { accountId: 1, count: 3 },
        { accountId: 2, count: 1 },
      ]);
      // The defect, still there until the reindex has run.
      expect(await found(store, 'quokka')).toEqual([]);

      const progress: SyncProgress[] = [];
      const ended: number[] = [];
      const reindex = new SearchReindex(store, {
        onProgress: (p) => progress.push(p),
        onAccountDone: (id) => ended.push(id),
      });
      expect(await reindex.start()).toBe(4);

      expect(await found(store, 'quokka')).toEqual([1]);
      expect(await found(store, 'wombat')).toEqual([2]);
      expect(await found(store, 'bilby')).toEqual([5]);
      expect(await found(store, 'numbat')).toEqual([3]);
      expect(await found(store, 'dingo')).toEqual([4]);
      // Soft hyphen inside a word, <br> between words, &nbsp; between words.
      expect(await found(store, 'paddleboards quokkasecond')).toEqual([1]);
      expect(await found(store, '"autumn news"')).toEqual(expect.arrayContaining([1, 2, 5]));
      // What <style> holds is not text.
      expect(await found(store, 'stylonly')).toEqual([]);
      expect(await found(store, 'color')).toEqual([]);

      const snippets = Object.fromEntries(
        (await store.messages.summaries([1, 2, 3, 4])).map((m) => [m.id, m.snippet]),
      );
      expect(snippets[1]).toBe('Autumn news Paddleboards and quokka canoes line one quokkasecond');
      expect(snippets[2]).toMatch(/^Autumn news Paddleboards and wombat canoes/);
      expect(snippets[3]).toBe('old snippet');
      // Every word of a snippet is found by search.
      for (const word of snippets[1]!.split(' ')) expect(await found(store, word)).toContain(1);
      // The search snippet shows the match in the indexed text.
      const hit = (await store.search.search('quokka', { limit: 1 })).hits[0]!;
      expect(hit.snippet).toContain('quokka');
      expect(hit.highlights.length).toBeGreaterThan(0);

      expect(progress.filter((p) => p.phase !== 'index')).toEqual([]);
      expect(progress.at(-1)).toEqual({ accountId: 2, phase: 'index', done: 1, total: 1 });
      expect(progress).toContainEqual({ accountId: 1, phase: 'index', done: 3, total: 3 });
      expect(ended).toEqual([1, 2]);
      expect(await store.bodies.reindexPending()).toEqual([]);
      expect(() => integrityCheck(store)).not.toThrow();
      // Nothing left: a second start does nothing.
      expect(await reindex.start()).toBe(0);
    } finally {
      await store.close();
    }
  });

  it('works in short transactions with the event loop free between them, and can stop', async () => {
    const file = tempFile();
    const many = Array.from({ length: 1500 }, (_, i) => ({
      id: i + 1,
      account: 1,
      subject: `letter ${i}`,
      text: null,
      html: NEWSLETTER(`word${i}`) + '<p>filler text </p>'.repeat(100),
    }));
    schema6Store(file, many);
    const store = sqliteStore(file);
    try {
      const progress: SyncProgress[] = [];
      let ticks = 0;
      const timer = setInterval(() => ticks++, 1);
      const reindex = new SearchReindex(store, {
        sliceMs: 5,
        reportEveryMs: 0,
        onProgress: (p) => progress.push(p),
      });
      const run = reindex.start();
      await vi.waitFor(() => expect(progress.at(-1)!.done).toBeGreaterThan(0), { timeout: 20_000 });
      await reindex.stop();
      const partial = await run;
      clearInterval(timer);
      expect(partial).toBeGreaterThan(0);
      expect(partial).toBeLessThan(many.length);
      expect(ticks).toBeGreaterThan(0);
      // Newest first: what is done is the most recent mail.
      expect(await found(store, `word${many.length - 1}`)).toEqual([many.length]);
      expect(await found(store, 'word0')).toEqual([]);

      // Started again, it picks up where it stopped.
      const rest = await new SearchReindex(store, {
        sliceMs: 5,
        reportEveryMs: 0,
        onProgress: (p) => progress.push(p),
      }).start();
      expect(partial + rest).toBe(many.length);
      expect(await found(store, 'word0')).toEqual([1]);
      const dones = progress.map((p) => p.done);
      expect(new Set(dones).size).toBeGreaterThan(5);
      expect(() => integrityCheck(store)).not.toThrow();
    } finally {
      await store.close();
    }
  });

  it('a body stored by sync meanwhile takes the message out of the queue', async () => {
    const file = tempFile();
    schema6Store(file, [{ id: 1, account: 1, subject: 's', text: null, html: NEWSLETTER('old') }]);
    const store = sqliteStore(file);
    try {
      await store.transaction((tx) =>
        tx.bodies.save(1, {
          text: null,
          html: '<p>fresh</p>',
          searchText: 'fresh',
          snippet: 'fresh',
          attachments: [],
          parseError: null,
        }),
      );
      expect(await store.bodies.reindexPending()).toEqual([]);
      expect(await found(store, 'fresh')).toEqual([1]);
      expect(() => integrityCheck(store)).not.toThrow();
    } finally {
      await store.close();
    }
  });

  it('the service brings an upgraded store up to date by itself after it opens', async () => {
    const file = tempFile();
    schema6Store(file, [
      { id: 1, account: 1, subject: 's', text: null, html: NEWSLETTER('potoroo') },
    ]);
    t = await openService({ dataDir: dir });
    const states: AccountSyncState[] = [];
    t.svc.on('sync.state', (s) => states.push(s));
    await vi.waitFor(
      async () =>
        expect((await t!.call('message.search', { query: 'potoroo' })).hits).toHaveLength(1),
      { timeout: 10_000 },
    );
    // Shown as a phase of the account's sync while it runs (the top bar's "indexing for
    // search 0 of 1"), and not running once done.
    await vi.waitFor(() => expect(states.at(-1)).toMatchObject({ running: false, progress: null }));
    expect(states[0]).toMatchObject({
      accountId: 1,
      running: true,
      progress: { phase: 'index', done: 0, total: 1 },
    });
    const [state] = await t.call('sync.state');
    expect(state).toMatchObject({ accountId: 1, running: false, progress: null, lastSyncAt: null });
  });
});
