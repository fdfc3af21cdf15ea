// The few messages the search tests run on, in three folders of two accounts, built through
// the store's interface only (so every engine gets the same mailbox), and helpers that search
// one such mailbox at a time, made again before each test by `fill`.
import { expect } from 'vitest';
import { MaildockError } from '../../common/errors.js';
import type { Address } from '../../common/types.js';
import type { HeaderRecord, Store } from '../../main/core/store/index.js';

export const alice: Address = { name: 'Alice Archer', address: 'alice@example.com' };
export const bob: Address = { name: 'Bob Baker', address: 'bob@example.org' };
export const carol: Address = { name: 'Carol Cole', address: 'carol@corp.example' };
export const dave: Address = { name: 'Dave Dunn', address: 'dave@example.net' };
export const eve: Address = { name: 'Eve Evans', address: 'eve@shop.example' };

export type Name = 'lunch' | 'reply' | 'report' | 'offsite' | 'invoice' | 'pending';

export interface Fixture {
  subject: string;
  from: Address;
  to: Address[];
  cc?: Address[];
  bcc?: Address[];
  listId?: string;
  /** Local time, so day boundaries match before:/after:, which are local days. */
  date: Date;
  body: string | null;
  flags?: string[];
  /** q1.pdf, a spreadsheet sent as octet-stream, and an inline logo that is no attachment. */
  attachment?: boolean;
  size?: number;
  messageId?: string;
}

/** What `attachment` gives a message's body. */
export const ATTACHMENTS = [
  {
    partId: '2',
    filename: 'q1.pdf',
    contentType: 'application/pdf',
    size: 10,
    contentId: null,
    inline: false,
  },
  {
    partId: '3',
    filename: 'Numbers Q1.XLSX',
    contentType: 'application/octet-stream',
    size: 10,
    contentId: null,
    inline: false,
  },
  {
    partId: '4',
    filename: 'logo.png',
    contentType: 'image/png',
    size: 10,
    contentId: '<logo@x>',
    inline: true,
  },
];

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
      messageId: f.messageId ?? `<${uid}@test>`,
      inReplyTo: null,
      references: [],
      subject: f.subject,
      from: [f.from],
      to: f.to,
      cc: f.cc ?? [],
      ...(f.bcc ? { bcc: f.bcc } : {}),
      ...(f.listId ? { listId: f.listId } : {}),
      date: f.date.getTime(),
      flags: f.flags ?? [],
      modseq: null,
      size: f.size ?? 1000,
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
        attachments: f.attachment ? ATTACHMENTS : [],
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
      flags: ['\\Answered'],
      size: 2000,
    }),
    reply: await add(a1, mailbox.sent, {
      subject: 'Re: Lunch plans',
      from: bob,
      to: [alice],
      date: new Date(2024, 1, 28, 18, 30),
      body: 'Cafe sounds great. See you at noon.',
      flags: ['\\Seen'],
      bcc: [carol],
      size: 1500,
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
      size: 6 * 1024 * 1024,
    }),
    offsite: await add(a1, mailbox.inbox, {
      subject: 'Report on the quarterly offsite',
      from: dave,
      to: [alice, bob],
      date: new Date(2024, 2, 10, 14, 0),
      body: 'My report: the offsite went well, quarterly goals agreed over lunch.',
      flags: ['\\Seen'],
      listId: 'Team Offsite <offsite.lists.example.org>',
      size: 3000,
    }),
    invoice: await add(a2, mailbox.otherInbox, {
      subject: 'Your invoice',
      from: eve,
      to: [{ name: 'Bob', address: 'bob@shop.example' }],
      date: new Date(2024, 2, 2, 8, 0),
      body: 'Invoice number 42 is due. Use AND, NEAR and "quotes" freely: a*b (c) -d e:f',
      size: 20_000,
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

let current: SearchMailbox;
export let store: Store;
export let ids: Record<Name, number>;
export const mailbox = { inbox: 0, sent: 0, projects: 0, otherInbox: 0 };
/** The first account (Bob's work address): every folder but the other Inbox is its. */
export let firstAccount = 0;

/** The messages every test searches, in a new store. */
export async function fill(opened: Store): Promise<void> {
  current = await searchMailbox(opened);
  store = opened;
  ids = current.ids;
  Object.assign(mailbox, current.mailbox);
  firstAccount = current.accounts[0];
}

export const add = (accountId: number, mailboxId: number, f: Fixture): Promise<number> =>
  current.add(accountId, mailboxId, f);

export const found = async (query: string, limit = 50): Promise<number[]> =>
  (await store.search.search(query, { limit })).hits.map((h) => h.id);
export const named = (...names: Name[]): number[] => names.map((n) => ids[n]).sort((a, b) => b - a);

export async function expectSyntaxError(query: string, position: number): Promise<void> {
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
