// Search on every engine: words and phrases, the operators, snippets with highlights, order
// and paging, over the same few messages in three folders of two accounts. SQLite's own: the
// FTS5 index kept in step with its content, and the plans of the hot queries.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MaildockError } from '../../common/errors.js';
import type { Address, MailboxRole } from '../../common/types.js';
import type { HeaderRecord, SearchPage, Store } from '../../main/core/store/index.js';
import { plainSnippet } from '../../main/core/store/sqlite/search.js';
import { closeEngineStores, storeEngines } from '../support/engines.js';
import { randomInputs } from '../support/fuzz.js';
import { besideStore, removeTempStoreFiles, tempStoreFile } from '../support/sqlite-file.js';
import { sqliteStore } from '../support/store.js';

const alice: Address = { name: 'Alice Archer', address: 'alice@example.com' };
const bob: Address = { name: 'Bob Baker', address: 'bob@example.org' };
const carol: Address = { name: 'Carol Cole', address: 'carol@corp.example' };
const dave: Address = { name: 'Dave Dunn', address: 'dave@example.net' };
const eve: Address = { name: 'Eve Evans', address: 'eve@shop.example' };

interface Fixture {
  subject: string;
  from: Address;
  to: Address[];
  cc?: Address[];
  /** Local time, so day boundaries match before:/after:, which are local days. */
  date: Date;
  body: string | null;
  flags?: string[];
  attachment?: boolean;
}

let store: Store;
let uid = 0;
type Name = 'lunch' | 'reply' | 'report' | 'offsite' | 'invoice' | 'pending';
let ids: Record<Name, number>;
const mailbox = { inbox: 0, sent: 0, projects: 0, otherInbox: 0 };
/** The first account (Bob's work address): every folder but the other Inbox is its. */
let firstAccount = 0;

async function add(accountId: number, mailboxId: number, f: Fixture): Promise<number> {
  const header: HeaderRecord = {
    uid: ++uid,
    messageId: `<${uid}@test>`,
    inReplyTo: null,
    references: [],
    subject: f.subject,
    from: [f.from],
    to: f.to,
    cc: f.cc ?? [],
    date: f.date.getTime(),
    flags: f.flags ?? [],
    modseq: null,
    size: 1000,
    hasAttachments: false,
    structure: null,
  };
  const [id] = await store.messages.insertHeaders(accountId, mailboxId, [header]);
  if (id === undefined) throw new Error('not inserted');
  if (f.body !== null) {
    await store.bodies.save(id, {
      text: f.body,
      html: null,
      snippet: f.body.slice(0, 60),
      attachments: f.attachment
        ? [
            {
              partId: '2',
              filename: 'q1.pdf',
              contentType: 'application/pdf',
              size: 10,
              contentId: null,
              inline: false,
            },
          ]
        : [],
      parseError: null,
    });
  }
  return id;
}

const mailboxRow = (accountId: number, folder: string, role: MailboxRole | null) =>
  store.mailboxes.upsert(accountId, {
    path: folder,
    name: folder.split('/').at(-1)!,
    delimiter: '/',
    role,
  });

async function accountRow(email: string): Promise<number> {
  const account = await store.accounts.add({
    email,
    imap: { host: '127.0.0.1', port: 993, security: 'tls', user: email },
  });
  return account.id;
}

/** The messages every test searches, in a new store. */
async function fill(opened: Store): Promise<void> {
  store = opened;
  uid = 0;
  const a1 = await accountRow('bob@example.org');
  const a2 = await accountRow('bob@shop.example');
  firstAccount = a1;
  mailbox.inbox = await mailboxRow(a1, 'INBOX', 'inbox');
  mailbox.sent = await mailboxRow(a1, 'Sent', 'sent');
  mailbox.projects = await mailboxRow(a1, 'Work/Projects', null);
  mailbox.otherInbox = await mailboxRow(a2, 'INBOX', 'inbox');
  ids = {
    lunch: await add(a1, mailbox.inbox, {
      subject: 'Lunch plans',
      from: alice,
      to: [bob],
      date: new Date(2024, 2, 1, 10, 0),
      body: 'Shall we meet at the café near the station? I booked a table.',
    }),
    reply: await add(a1, mailbox.sent, {
      subject: 'Re: Lunch plans',
      from: bob,
      to: [alice],
      date: new Date(2024, 1, 28, 18, 30),
      body: 'Cafe sounds great. See you at noon.',
      flags: ['\\Seen'],
    }),
    report: await add(a1, mailbox.projects, {
      subject: 'Quarterly report',
      from: carol,
      to: [bob],
      cc: [dave],
      date: new Date(2024, 2, 5, 9, 15),
      body: 'The quarterly report is attached. Numbers look good.',
      flags: ['\\Seen', '\\Flagged'],
      attachment: true,
    }),
    offsite: await add(a1, mailbox.inbox, {
      subject: 'Report on the quarterly offsite',
      from: dave,
      to: [alice, bob],
      date: new Date(2024, 2, 10, 14, 0),
      body: 'My report: the offsite went well, quarterly goals agreed over lunch.',
      flags: ['\\Seen'],
    }),
    invoice: await add(a2, mailbox.otherInbox, {
      subject: 'Your invoice',
      from: eve,
      to: [{ name: 'Bob', address: 'bob@shop.example' }],
      date: new Date(2024, 2, 2, 8, 0),
      body: 'Invoice number 42 is due. Use AND, NEAR and "quotes" freely: a*b (c) -d e:f',
    }),
    pending: await add(a1, mailbox.inbox, {
      subject: 'Parcel notice',
      from: eve,
      to: [bob],
      date: new Date(2024, 2, 12, 7, 0),
      body: null,
    }),
  };
}

afterEach(async () => {
  await closeEngineStores();
});

const found = async (query: string, limit = 50): Promise<number[]> =>
  (await store.search.search(query, { limit })).hits.map((h) => h.id);
const named = (...names: Name[]): number[] => names.map((n) => ids[n]).sort((a, b) => b - a);

async function expectSyntaxError(query: string, position: number): Promise<void> {
  let error: unknown;
  try {
    await store.search.search(query, { limit: 10 });
  } catch (err) {
    error = err;
  }
  expect(error, query).toBeInstanceOf(MaildockError);
  expect((error as MaildockError).code).toBe('SEARCH_SYNTAX');
  expect((error as MaildockError).fields.position).toBe(position);
}

describe.each(storeEngines)('search on %s', (_engine, open) => {
  beforeEach(async () => {
    await fill(await open());
  });

  describe('words and phrases', () => {
    it('finds a word in the body, the subject or an address, newest first', async () => {
      expect(await found('quarterly')).toEqual(named('offsite', 'report'));
      expect(await found('parcel')).toEqual(named('pending'));
      expect(await found('archer')).toEqual(named('offsite', 'reply', 'lunch'));
    });

    it('ignores case and diacritics, both ways', async () => {
      expect(await found('cafe')).toEqual(named('lunch', 'reply'));
      expect(await found('CAFÉ')).toEqual(named('lunch', 'reply'));
    });

    it('matches whole words, not prefixes', async () => {
      expect(await found('quarter')).toEqual([]);
      expect(await found('caf')).toEqual([]);
    });

    it('ANDs words wherever they are, but a phrase needs them side by side', async () => {
      expect(await found('quarterly report')).toEqual(named('offsite', 'report'));
      expect(await found('"quarterly report"')).toEqual(named('report'));
      expect(await found('"report quarterly"')).toEqual([]);
      expect(await found('quarterly noon')).toEqual([]);
    });

    it('excludes negated words and phrases', async () => {
      expect(await found('report -offsite')).toEqual(named('report'));
      expect(await found('report -"quarterly report"')).toEqual(named('offsite'));
      expect(await found('lunch -re')).toEqual(named('offsite', 'lunch'));
    });

    it('treats FTS5 syntax in the input as text and never fails in FTS5', async () => {
      expect(await found('NEAR')).toEqual(named('invoice', 'lunch'));
      expect(await found('AND invoice')).toEqual(named('invoice'));
      expect(await found('"quotes" freely')).toEqual(named('invoice'));
      expect(await found('a*b (c)')).toEqual(named('invoice'));
      expect(await found('"e:f"')).toEqual(named('invoice'));
      await expectSyntaxError('e:f', 0);
      expect(await found('invoice*')).toEqual(named('invoice'));
      expect(await found('(lunch')).toEqual(named('offsite', 'reply', 'lunch'));
      for (const q of [
        '*',
        '(',
        ')',
        'NEAR(',
        'AND',
        'OR',
        'NOT',
        '^',
        '{body}',
        ':',
        '"*"',
        'a\u0000b',
        '"x\u0000y"',
        '+',
        '"NEAR(a b, 2)"',
      ]) {
        await expect(store.search.search(q, { limit: 10 }), q).resolves.toBeDefined();
      }
    });

    it('never lets an FTS5 or SQLite error through, whatever is typed', async () => {
      const alphabet = [
        'lunch',
        ' ',
        '"',
        '-',
        ':',
        '*',
        '(',
        ')',
        'from:',
        'in:',
        'is:read',
        'NEAR',
        'AND',
        'OR',
        '^',
        '\u0000',
        'é',
        "'",
        ';',
        '{',
        '}',
        '+',
        'x:y',
      ];
      for (const q of randomInputs(alphabet, 1500, 8, 7)) {
        try {
          await store.search.search(q, { limit: 5 });
        } catch (err) {
          expect(err, q).toBeInstanceOf(MaildockError);
          expect((err as MaildockError).code, q).toBe('SEARCH_SYNTAX');
        }
      }
    });

    it('returns nothing for an empty or blank query, or punctuation alone', async () => {
      for (const q of ['', '   ', '*', '( )'])
        expect(await store.search.search(q, { limit: 10 })).toEqual({ hits: [], nextBefore: null });
    });
  });

  describe('operators', () => {
    it('from: matches the sender only', async () => {
      expect(await found('from:alice')).toEqual(named('lunch'));
      expect(await found('from:alice@example.com')).toEqual(named('lunch'));
      expect(await found('from:"carol cole"')).toEqual(named('report'));
      expect(await found('from:bob')).toEqual(named('reply'));
      expect(await found('lunch -from:alice')).toEqual(named('offsite', 'reply'));
    });

    it('to: matches To and Cc', async () => {
      expect(await found('to:dave')).toEqual(named('report'));
      expect(await found('to:alice')).toEqual(named('offsite', 'reply'));
      expect(await found('to:alice -to:dave quarterly')).toEqual(named('offsite'));
    });

    it('subject: matches the subject only', async () => {
      expect(await found('lunch')).toEqual(named('offsite', 'reply', 'lunch'));
      expect(await found('subject:lunch')).toEqual(named('reply', 'lunch'));
      expect(await found('subject:"quarterly report"')).toEqual(named('report'));
      expect(await found('subject:report -subject:offsite')).toEqual(named('report'));
    });

    it('in: matches a folder path in any case, or a role across accounts', async () => {
      expect(await found('in:inbox')).toEqual(named('pending', 'offsite', 'invoice', 'lunch'));
      expect(await found('in:INBOX lunch')).toEqual(named('offsite', 'lunch'));
      expect(await found('in:sent')).toEqual(named('reply'));
      expect(await found('in:work/projects')).toEqual(named('report'));
      expect(await found('in:"Work/Projects" quarterly')).toEqual(named('report'));
      expect(await found('in:nowhere')).toEqual([]);
      expect(await found('in:nowhere lunch')).toEqual([]);
      expect(await found('in:inbox in:sent')).toEqual([]);
      expect(await found('quarterly -in:inbox')).toEqual(named('report'));
      expect(await found('is:read -in:sent')).toEqual(named('offsite', 'report'));
      expect(await found('in:inbox -in:inbox')).toEqual([]);
    });

    it('has:attachment uses the attachment flag', async () => {
      expect(await found('has:attachment')).toEqual(named('report'));
      expect(await found('quarterly has:attachment')).toEqual(named('report'));
      expect(await found('quarterly -has:attachment')).toEqual(named('offsite'));
    });

    it('is:unread, is:read and is:flagged use the flags', async () => {
      expect(await found('is:unread')).toEqual(named('pending', 'invoice', 'lunch'));
      expect(await found('is:read')).toEqual(named('offsite', 'report', 'reply'));
      expect(await found('lunch is:unread')).toEqual(named('lunch'));
      expect(await found('lunch -is:unread')).toEqual(named('offsite', 'reply'));
      expect(await found('is:flagged')).toEqual(named('report'));
      expect(await found('quarterly -is:flagged')).toEqual(named('offsite'));
      expect(await found('is:read is:unread')).toEqual([]);
    });

    it('after: includes its day, before: excludes its day (local time)', async () => {
      expect(await found('after:2024-03-05')).toEqual(named('pending', 'offsite', 'report'));
      expect(await found('before:2024-03-05')).toEqual(named('invoice', 'lunch', 'reply'));
      expect(await found('after:2024-03-01 before:2024-03-02')).toEqual(named('lunch'));
      expect(await found('after:2024-03-01 before:2024-03-02 lunch')).toEqual(named('lunch'));
      expect(await found('after:2024-02-29 lunch')).toEqual(named('offsite', 'lunch'));
      expect(await found('before:2024-03-01 cafe')).toEqual(named('reply'));
      expect(await found('lunch -before:2024-03-02')).toEqual(named('offsite'));
      expect(await found('after:2024-03-02 before:2024-03-02')).toEqual([]);
      expect(await found('after:2030-01-01')).toEqual([]);
      expect(await found('before:1969-01-01 lunch')).toEqual([]);
    });

    it('combines every kind of filter', async () => {
      const q =
        'quarterly from:carol to:dave subject:report in:work/projects has:attachment is:read is:flagged after:2024-03-05 before:2024-03-06';
      expect(await found(q)).toEqual(named('report'));
      // Each filter, turned around, must lose the message.
      for (const [from, to] of [
        ['from:carol', 'from:dave'],
        ['to:dave', 'to:alice'],
        ['subject:report', 'subject:offsite'],
        ['in:work/projects', 'in:inbox'],
        ['has:attachment', '-has:attachment'],
        ['is:read', 'is:unread'],
        ['is:flagged', '-is:flagged'],
        ['after:2024-03-05', 'after:2024-03-06'],
        ['before:2024-03-06', 'before:2024-03-05'],
        ['quarterly', 'noon'],
      ] as const) {
        expect(await found(q.replace(from, to)), to).toEqual([]);
      }
      expect(await found('in:inbox is:read -offsite')).toEqual([]);
      expect(await found('in:inbox is:unread -invoice')).toEqual(named('pending', 'lunch'));
    });

    it('reports syntax errors with their position', async () => {
      await expectSyntaxError('lunch "near the', 6);
      await expectSyntaxError('lunch from:', 6);
      await expectSyntaxError('before:2024-13-45', 7);
      await expectSyntaxError('lunch - x', 6);
      await expectSyntaxError('-lunch -in:inbox', 0);
      await expectSyntaxError('lunch foo:bar', 6);
    });

    it('rejects a bad limit or paging id', async () => {
      await expect(store.search.search('lunch', { limit: 0 })).rejects.toThrow(MaildockError);
      await expect(store.search.search('lunch', { limit: 1.5 })).rejects.toThrow(MaildockError);
      await expect(store.search.search('lunch', { limit: 5, before: -1 })).rejects.toThrow(
        MaildockError,
      );
    });
  });

  describe('snippets', () => {
    it('highlights point at the matched words in the returned snippet', async () => {
      const [hit] = (await store.search.search('station', { limit: 5 })).hits;
      expect(hit?.id).toBe(ids.lunch);
      expect(hit?.snippet).toContain('station');
      const marked = hit?.highlights.map(([s, e]) => hit.snippet.slice(s, e));
      expect(marked).toEqual(['station']);
    });

    it('highlights the original spelling when diacritics were ignored', async () => {
      const hits = (await store.search.search('cafe', { limit: 5 })).hits;
      const words = hits.map((h) => h.highlights.map(([s, e]) => h.snippet.slice(s, e)));
      expect(words).toEqual([['café'], ['Cafe']]);
    });

    it('highlights every matched word and whole phrases', async () => {
      const [hit] = (await store.search.search('"quarterly report" numbers', { limit: 5 })).hits;
      expect(hit?.id).toBe(ids.report);
      const words = hit?.highlights.map(([s, e]) => hit.snippet.slice(s, e).toLowerCase());
      expect(words).toEqual(['quarterly report', 'numbers']);
      for (const [s, e] of hit?.highlights ?? []) expect(s).toBeLessThan(e);
    });

    it('prefers the body, and shows the subject when only the subject matched', async () => {
      const [hit] = (await store.search.search('parcel', { limit: 5 })).hits;
      expect(hit?.snippet).toBe('Parcel notice');
      expect(hit?.highlights).toEqual([[0, 6]]);
    });

    it('uses the stored snippet without highlights when only filters matched', async () => {
      const [hit] = (await store.search.search('from:carol', { limit: 5 })).hits;
      expect(hit).toEqual({
        id: ids.report,
        snippet: 'The quarterly report is attached. Numbers look good.',
        highlights: [],
      });
      const [byFolder] = (await store.search.search('in:sent', { limit: 5 })).hits;
      expect(byFolder).toEqual({
        id: ids.reply,
        snippet: 'Cafe sounds great. See you at noon.',
        highlights: [],
      });
    });
  });

  describe('order and paging', () => {
    async function addMany(
      n: number,
      mailboxId: number,
      body: (i: number) => string,
    ): Promise<number[]> {
      const base = new Date(2023, 0, 1).getTime();
      const out: number[] = [];
      // Several messages share a millisecond, so ids differ only in their low bits.
      for (let i = 0; i < n; i++) {
        out.push(
          await add(firstAccount, mailboxId, {
            subject: `Newsletter ${i}`,
            from: eve,
            to: [bob],
            date: new Date(base + Math.floor(i / 3) * 60_000),
            body: body(i),
            flags: i % 2 ? ['\\Seen'] : [],
          }),
        );
      }
      return out;
    }

    async function pages(query: string, limit: number): Promise<{ ids: number[]; pages: number }> {
      const all: number[] = [];
      let before: number | undefined;
      let count = 0;
      for (;;) {
        const page: SearchPage = await store.search.search(
          query,
          before === undefined ? { limit } : { limit, before },
        );
        count++;
        all.push(...page.hits.map((h) => h.id));
        if (page.nextBefore === null) break;
        expect(page.hits).toHaveLength(limit);
        expect(page.nextBefore).toBe(page.hits.at(-1)?.id);
        before = page.nextBefore;
      }
      return { ids: all, pages: count };
    }

    it('returns newest first and pages without gaps or duplicates', async () => {
      const added = await addMany(
        47,
        mailbox.inbox,
        (i) => `weekly digest number ${i} ${i % 5 === 0 ? 'special' : ''}`,
      );
      const inInbox = [...added, ids.pending, ids.offsite, ids.invoice, ids.lunch].sort(
        (a, b) => b - a,
      );
      for (const [query, expected] of [
        ['digest', [...added].sort((a, b) => b - a)],
        ['special weekly', added.filter((_, i) => i % 5 === 0).sort((a, b) => b - a)],
        ['in:inbox', inInbox],
        [
          'in:inbox -special',
          inInbox.filter((id) => !added.filter((_, i) => i % 5 === 0).includes(id)),
        ],
        ['newsletter is:unread', added.filter((_, i) => i % 2 === 0).sort((a, b) => b - a)],
      ] as const) {
        const all = await found(query, 1000);
        expect(all, query).toEqual(expected);
        for (const limit of [1, 7, 10]) {
          const paged = await pages(query, limit);
          expect(paged.ids, `${query} by ${limit}`).toEqual(all);
          expect(new Set(paged.ids).size).toBe(paged.ids.length);
        }
      }
    });

    it('pages strictly before the given id', async () => {
      const all = await found('lunch');
      const next = (
        await store.search.search('lunch', { limit: 10, before: all[0] as number })
      ).hits.map((h) => h.id);
      expect(next).toEqual(all.slice(1));
      expect((await store.search.search('lunch', { limit: 1 })).nextBefore).toBe(all[0]);
      expect((await store.search.search('lunch', { limit: 3 })).nextBefore).toBe(all[2]);
      expect((await store.search.search('lunch', { limit: 4 })).nextBefore).toBeNull();
    });

    it('orders by message date even when messages arrived out of order', async () => {
      const late = await add(firstAccount, mailbox.inbox, {
        subject: 'Old lunch',
        from: eve,
        to: [bob],
        date: new Date(2020, 0, 1),
        body: 'x',
      });
      expect((await found('lunch')).at(-1)).toBe(late);
      expect((await found('lunch')).slice(0, 3)).toEqual(named('offsite', 'lunch', 'reply'));
    });
  });
});

describe('SQLite search', () => {
  beforeEach(async () => {
    // In a file, so a second connection can compare the index with its content.
    await fill(sqliteStore(tempStoreFile('maildock-search-')));
  });
  afterEach(async () => {
    await store.close();
    removeTempStoreFiles();
  });

  it('turns marked text into plain text and offsets', async () => {
    expect(plainSnippet('…a \uFDD0b\uFDD1\n\n c\uFDD0 d\uFDD1…')).toEqual({
      snippet: '…a b c d…',
      highlights: [
        [3, 4],
        [7, 8],
      ],
    });
    expect(plainSnippet('\uFDD1x\uFDD0y')).toEqual({ snippet: 'xy', highlights: [[1, 2]] });
    expect(plainSnippet('  \u0001x\t\u0002 ')).toEqual({ snippet: 'x', highlights: [] });
  });

  describe('the FTS5 index kept in step with bodies', () => {
    // Compares what FTS5 holds against a fresh index of the content view: with external
    // content a wrong delete leaves stale tokens that nothing else would notice.
    function indexMatchesContent(): void {
      besideStore(store, (db) => {
        db.exec(`
        DROP TABLE IF EXISTS temp.fresh_fts;
        CREATE VIRTUAL TABLE temp.fresh_fts USING fts5(subject, sender, recipients, body,
          tokenize = 'unicode61 remove_diacritics 2');
        INSERT INTO temp.fresh_fts (rowid, subject, sender, recipients, body)
          SELECT id, subject, sender, recipients, body FROM message_fts_content;
        CREATE VIRTUAL TABLE IF NOT EXISTS temp.live_vocab USING fts5vocab(main, message_fts, instance);
        CREATE VIRTUAL TABLE IF NOT EXISTS temp.fresh_vocab USING fts5vocab(temp, fresh_fts, instance);`);
        const diff = db
          .prepare(
            `SELECT 'stale' AS side, * FROM (SELECT term, doc, col, offset FROM temp.live_vocab
             EXCEPT SELECT term, doc, col, offset FROM temp.fresh_vocab)
           UNION ALL
           SELECT 'missing', * FROM (SELECT term, doc, col, offset FROM temp.fresh_vocab
             EXCEPT SELECT term, doc, col, offset FROM temp.live_vocab)`,
          )
          .all();
        expect(diff).toEqual([]);
        db.prepare(
          "INSERT INTO message_fts (message_fts, rank) VALUES ('integrity-check', 1)",
        ).run();
      });
    }

    it('finds the new body after saveBody and forgets the old one', async () => {
      indexMatchesContent();
      expect(await found('station')).toEqual(named('lunch'));
      await store.bodies.save(ids.lunch, {
        text: 'Change of plan: the pizzeria instead.',
        html: null,
        snippet: 'Change of plan',
        attachments: [],
        parseError: null,
      });
      expect(await found('station')).toEqual([]);
      expect(await found('café')).toEqual(named('reply'));
      expect(await found('pizzeria')).toEqual(named('lunch'));
      expect(await found('lunch')).toEqual(named('offsite', 'reply', 'lunch'));
      indexMatchesContent();
    });

    it('indexes a body that arrives after its headers', async () => {
      expect(await found('tracking')).toEqual([]);
      await store.bodies.save(ids.pending, {
        text: 'Your tracking code is ZX81.',
        html: null,
        snippet: 'Your tracking code',
        attachments: [],
        parseError: null,
      });
      expect(await found('tracking zx81')).toEqual(named('pending'));
      indexMatchesContent();
    });

    it('forgets deleted messages', async () => {
      await store.messages.deleteUids(mailbox.projects, [3]);
      expect(await found('quarterly')).toEqual(named('offsite'));
      expect(await found('has:attachment')).toEqual([]);
      indexMatchesContent();
    });
  });

  describe('query plans', () => {
    const hot = [
      'report',
      '"quarterly report"',
      'from:carol subject:report',
      'report -offsite',
      'report in:inbox is:unread has:attachment -in:sent',
      'report -in:inbox',
      'after:2024-03-01 before:2024-03-06 report',
      'in:inbox',
      'in:inbox -offsite is:read',
      'is:unread',
      '-in:sent is:flagged',
      'after:2024-03-01',
    ];

    it.each(hot)('%s needs no sort and no full scan', async (query) => {
      const plans = await store.search.explain(query, { limit: 50, before: 2 ** 52 });
      expect(plans.length).toBeGreaterThan(1);
      for (const { sql, plan } of plans) {
        const text = plan.join('\n');
        expect(text, sql).not.toContain('TEMP B-TREE');
        expect(text, sql).not.toMatch(/^SCAN (m|messages)\b/m);
      }
    });

    it('walks FTS5 outside and looks messages up by primary key inside', async () => {
      const [first] = await store.search.explain('report in:inbox is:unread', { limit: 50 });
      expect(first?.plan[0]).toMatch(/^SCAN message_fts VIRTUAL TABLE/);
      expect(first?.plan[1]).toBe('SEARCH m USING INTEGER PRIMARY KEY (rowid=?)');
    });

    it('walks the folder index for folder-only searches, once per folder', async () => {
      const plans = await store.search.explain('in:inbox', { limit: 50 });
      const walks = plans.filter((p) => p.sql.includes('mailbox_id = @mailbox'));
      expect(walks).toHaveLength(2);
      for (const w of walks)
        expect(w.plan[0]).toContain(
          'USING INDEX messages_mailbox (mailbox_id=? AND id>? AND id<?)',
        );
    });
  });
});
