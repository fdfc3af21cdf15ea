// One mailbox of six messages and a table of searches over it with the messages each must
// find, newest first: what every engine's search answers alike (test/unit/search.test.ts
// holds the same fixture for SQLite's own tests). Built through the store's interface only.
import type { Address } from '../../common/types.js';
import type { HeaderRecord, Store } from '../../main/core/store/index.js';

const alice: Address = { name: 'Alice Archer', address: 'alice@example.com' };
const bob: Address = { name: 'Bob Baker', address: 'bob@example.org' };
const carol: Address = { name: 'Carol Cole', address: 'carol@corp.example' };
const dave: Address = { name: 'Dave Dunn', address: 'dave@example.net' };
const eve: Address = { name: 'Eve Evans', address: 'eve@shop.example' };

export type Name = 'lunch' | 'reply' | 'report' | 'offsite' | 'invoice' | 'pending';

export interface Fixture {
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

export interface SearchMailbox {
  store: Store;
  accounts: [number, number];
  mailbox: { inbox: number; sent: number; projects: number; otherInbox: number };
  ids: Record<Name, number>;
  /** Adds a message as a sync would: headers, then its body when it has one. */
  add(accountId: number, mailboxId: number, f: Fixture): Promise<number>;
  /** The ids of these messages, newest first. */
  named(...names: Name[]): number[];
}

export async function searchMailbox(store: Store): Promise<SearchMailbox> {
  let uid = 0;
  const add = async (accountId: number, mailboxId: number, f: Fixture): Promise<number> => {
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
  };
  const account = async (email: string) =>
    (
      await store.accounts.add({
        email,
        imap: { host: '127.0.0.1', port: 993, security: 'tls', user: email },
      })
    ).id;
  const folder = (accountId: number, path: string, role: 'inbox' | 'sent' | null) =>
    store.mailboxes.upsert(accountId, {
      path,
      name: path.split('/').at(-1)!,
      delimiter: '/',
      role,
    });

  const a1 = await account('bob@example.org');
  const a2 = await account('bob@shop.example');
  const mailbox = {
    inbox: await folder(a1, 'INBOX', 'inbox'),
    sent: await folder(a1, 'Sent', 'sent'),
    projects: await folder(a1, 'Work/Projects', null),
    otherInbox: await folder(a2, 'INBOX', 'inbox'),
  };
  const ids: Record<Name, number> = {
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
  return {
    store,
    accounts: [a1, a2],
    mailbox,
    ids,
    add,
    named: (...names) => names.map((n) => ids[n]).sort((a, b) => b - a),
  };
}

/** Each query of the language and the messages it finds. */
export const SEARCH_CASES: readonly [string, Name[]][] = [
  // Words and phrases: anywhere, case and diacritics folded, whole words only.
  ['quarterly', ['offsite', 'report']],
  ['parcel', ['pending']],
  ['archer', ['offsite', 'reply', 'lunch']],
  ['cafe', ['lunch', 'reply']],
  ['CAFÉ', ['lunch', 'reply']],
  ['quarter', []],
  ['caf', []],
  ['quarterly report', ['offsite', 'report']],
  ['"quarterly report"', ['report']],
  ['"report quarterly"', []],
  ['quarterly noon', []],
  ['report -offsite', ['report']],
  ['report -"quarterly report"', ['offsite']],
  ['lunch -re', ['offsite', 'lunch']],
  // The syntax of the index (FTS5's or a tsquery's) is only text.
  ['NEAR', ['invoice', 'lunch']],
  ['AND invoice', ['invoice']],
  ['"quotes" freely', ['invoice']],
  ['a*b (c)', ['invoice']],
  ['"e:f"', ['invoice']],
  ['invoice*', ['invoice']],
  ['(lunch', ['offsite', 'reply', 'lunch']],
  ["invoice 'a' & !b | <->", ['invoice']],
  ['alice@example.com', ['offsite', 'reply', 'lunch']],
  // Operators.
  ['from:alice', ['lunch']],
  ['from:alice@example.com', ['lunch']],
  ['from:"carol cole"', ['report']],
  ['from:bob', ['reply']],
  ['lunch -from:alice', ['offsite', 'reply']],
  ['to:dave', ['report']],
  ['to:alice', ['offsite', 'reply']],
  ['to:alice -to:dave quarterly', ['offsite']],
  ['lunch', ['offsite', 'reply', 'lunch']],
  ['subject:lunch', ['reply', 'lunch']],
  ['subject:"quarterly report"', ['report']],
  ['subject:report -subject:offsite', ['report']],
  ['in:inbox', ['pending', 'offsite', 'invoice', 'lunch']],
  ['in:INBOX lunch', ['offsite', 'lunch']],
  ['in:sent', ['reply']],
  ['in:work/projects', ['report']],
  ['in:"Work/Projects" quarterly', ['report']],
  ['in:nowhere', []],
  ['in:nowhere lunch', []],
  ['in:inbox in:sent', []],
  ['quarterly -in:inbox', ['report']],
  ['is:read -in:sent', ['offsite', 'report']],
  ['in:inbox -in:inbox', []],
  ['has:attachment', ['report']],
  ['quarterly has:attachment', ['report']],
  ['quarterly -has:attachment', ['offsite']],
  ['is:unread', ['pending', 'invoice', 'lunch']],
  ['is:read', ['offsite', 'report', 'reply']],
  ['lunch is:unread', ['lunch']],
  ['lunch -is:unread', ['offsite', 'reply']],
  ['is:flagged', ['report']],
  ['quarterly -is:flagged', ['offsite']],
  ['is:read is:unread', []],
  ['after:2024-03-05', ['pending', 'offsite', 'report']],
  ['before:2024-03-05', ['invoice', 'lunch', 'reply']],
  ['after:2024-03-01 before:2024-03-02', ['lunch']],
  ['after:2024-03-01 before:2024-03-02 lunch', ['lunch']],
  ['after:2024-02-29 lunch', ['offsite', 'lunch']],
  ['before:2024-03-01 cafe', ['reply']],
  ['lunch -before:2024-03-02', ['offsite']],
  ['after:2024-03-02 before:2024-03-02', []],
  ['after:2030-01-01', []],
  ['before:1969-01-01 lunch', []],
  [
    'quarterly from:carol to:dave subject:report in:work/projects has:attachment is:read is:flagged after:2024-03-05 before:2024-03-06',
    ['report'],
  ],
  ['in:inbox is:read -offsite', []],
  ['in:inbox is:unread -invoice', ['pending', 'lunch']],
  ['-in:sent is:flagged', ['report']],
  ['-lunch in:inbox', ['pending', 'invoice']],
  // Snippets: the body around the words, a field when only it matched, else the stored one.
  ['station', ['lunch']],
  ['"quarterly report" numbers', ['report']],
  ['from:carol', ['report']],
  ['bob baker', ['pending', 'offsite', 'report', 'lunch', 'reply']],
  // Nothing to look for.
  ['', []],
  ['   ', []],
  ['*', []],
  ['( )', []],
];

/** Input that must never reach an index as syntax: each either searches or is SEARCH_SYNTAX. */
export const HOSTILE_INPUTS = [
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
  "'",
  "\\'",
  '!',
  '&',
  '|',
  '<->',
  '<2>',
  ':*',
  '"a:*"',
  "'a':A",
  '!!x',
  'x\\',
  '\\',
];
