// People and their mail for the server bench, written the way the server writes them: the
// people through the database's own repositories, each person's messages through their scoped
// store (insertHeaders, then bodies.save for the text), never by SQL of the bench's own.
import { corpusTerms, generateCorpus, type CorpusMessage } from '../corpus.js';
import { hashPassword, openServerDatabase, type Owner } from '../../main/core/people/index.js';
import type { Store } from '../../main/core/store/repositories.js';
import type { HeaderRecord } from '../../main/core/store/types.js';
import type { Address } from '../../common/types.js';

export const FOLDERS = ['INBOX', 'Archive', 'Sent'] as const;
const ROLES = { INBOX: 'inbox', Archive: 'archive', Sent: 'sent' } as const;
/** Header records written per insertHeaders call: one transaction each. */
const BATCH = 500;
/** Bodies saved at once per person (each save is a transaction of its own). */
const BODY_CONCURRENCY = 4;

export interface BenchPerson {
  owner: Owner;
  email: string;
  password: string;
  tenant: string;
}

export interface SeededPerson extends BenchPerson {
  accountId: number;
  inboxId: number;
}

export interface SeedFigures {
  messages: number;
  peopleMs: number;
  generateMs: number;
  headersMs: number;
  bodiesMs: number;
  totalMs: number;
}

/** `count` people spread over `tenants` tenants, all with the same (long) password. */
export async function addPeople(
  url: string,
  appPassword: string,
  opts: { tenants: number; people: number; password: string; prefix: string },
): Promise<BenchPerson[]> {
  const db = await openServerDatabase(url, { appPassword });
  try {
    const hash = await hashPassword(opts.password);
    const tenants = [];
    for (let t = 0; t < opts.tenants; t++)
      tenants.push(await db.people.tenants.add(`${opts.prefix}-tenant-${t + 1}`));
    const people: BenchPerson[] = [];
    for (let i = 0; i < opts.people; i++) {
      const tenant = tenants[i % tenants.length]!;
      const email = `${opts.prefix}-user${i + 1}@tenant${(i % tenants.length) + 1}.test`;
      const p = await db.people.users.add({
        tenantId: tenant.id,
        email,
        passwordHash: hash,
        role: 'user',
      });
      people.push({
        owner: { tenantId: p.tenantId, userId: p.userId },
        email,
        password: opts.password,
        tenant: tenant.name,
      });
    }
    return people;
  } finally {
    await db.close();
  }
}

function address(text: string): Address {
  const m = /^(.*) <([^>]+)>$/.exec(text);
  return m ? { name: m[1]!, address: m[2]! } : { name: '', address: text };
}

function header(m: CorpusMessage, uid: number): HeaderRecord {
  return {
    uid,
    messageId: m.messageId,
    inReplyTo: m.inReplyTo,
    references: m.references,
    subject: m.subject,
    from: [address(m.from)],
    to: [address(m.to)],
    cc: [],
    date: m.date.getTime(),
    flags: m.flags,
    modseq: null,
    size: m.raw.length,
    hasAttachments: m.hasAttachments,
    structure: null,
  };
}

interface Pending {
  records: HeaderRecord[];
  texts: string[];
}

/**
 * Deals `count` corpus messages out to the people in turn (message i to person i mod n), each
 * with one account (whose server is `imap`, never reached here) and three folders.
 */
export async function seedMail(
  url: string,
  appPassword: string,
  people: BenchPerson[],
  opts: { count: number; seed: number; imap: { host: string; port: number } },
): Promise<{ people: SeededPerson[]; figures: SeedFigures }> {
  const started = performance.now();
  const db = await openServerDatabase(url, { appPassword });
  try {
    const stores: Store[] = people.map((p) => db.storeFor(p.owner));
    const seeded: SeededPerson[] = [];
    const boxes: Record<string, number>[] = [];
    for (const [i, p] of people.entries()) {
      const store = stores[i]!;
      const account = await store.accounts.add({
        email: p.email,
        imap: { ...opts.imap, security: 'none', user: p.email },
      });
      const ids: Record<string, number> = {};
      for (const path of FOLDERS)
        ids[path] = await store.mailboxes.upsert(account.id, {
          path,
          name: path,
          delimiter: '/',
          role: ROLES[path],
        });
      boxes.push(ids);
      seeded.push({ ...p, accountId: account.id, inboxId: ids.INBOX! });
    }
    const peopleMs = performance.now() - started;

    let generateMs = 0;
    let headersMs = 0;
    let bodiesMs = 0;
    const uids = people.map(() => new Map<string, number>());
    let pending = new Map<string, Pending>();
    const flush = async () => {
      const work = [...pending.entries()];
      pending = new Map();
      const h0 = performance.now();
      const inserted = await Promise.all(
        work.map(([key, batch]) => {
          const [who, path] = key.split('/') as [string, string];
          const person = seeded[Number(who)]!;
          return stores[Number(who)]!.messages.insertHeaders(
            person.accountId,
            boxes[Number(who)]![path]!,
            batch.records,
          );
        }),
      );
      const h1 = performance.now();
      headersMs += h1 - h0;
      await Promise.all(
        work.map(async ([key, batch], w) => {
          const store = stores[Number(key.split('/')[0])]!;
          const ids = inserted[w]!;
          for (let at = 0; at < ids.length; at += BODY_CONCURRENCY)
            await Promise.all(
              ids.slice(at, at + BODY_CONCURRENCY).map((id, k) => {
                const text = batch.texts[at + k]!;
                return store.bodies.save(id, {
                  text,
                  html: null,
                  attachments: [],
                  parseError: null,
                  snippet: text.slice(0, 200).replace(/\s+/g, ' ').trim(),
                });
              }),
            );
        }),
      );
      bodiesMs += performance.now() - h1;
    };

    let g0 = performance.now();
    let queued = 0;
    let i = 0;
    for (const m of generateCorpus({ count: opts.count, seed: opts.seed, folders: [...FOLDERS] })) {
      const who = i++ % people.length;
      const uid = (uids[who]!.get(m.folder) ?? 0) + 1;
      uids[who]!.set(m.folder, uid);
      const key = `${who}/${m.folder}`;
      const batch = pending.get(key) ?? { records: [], texts: [] };
      batch.records.push(header(m, uid));
      batch.texts.push(m.text);
      pending.set(key, batch);
      if (++queued >= BATCH * people.length) {
        generateMs += performance.now() - g0;
        await flush();
        queued = 0;
        g0 = performance.now();
      }
    }
    generateMs += performance.now() - g0;
    await flush();
    return {
      people: seeded,
      figures: {
        messages: opts.count,
        peopleMs,
        generateMs,
        headersMs,
        bodiesMs,
        totalMs: performance.now() - started,
      },
    };
  } finally {
    await db.close();
  }
}

/** What the load phase searches for: terms of the corpus, from rare to common. */
export function searchQueries(seed: number, count: number): string[] {
  const terms = corpusTerms(seed, count);
  return [
    terms.rare,
    terms.common,
    `"${terms.phrase}"`,
    `from:${terms.sender}`,
    `subject:${terms.subjectWord}`,
    `from:${terms.sender} ${terms.common}`,
  ];
}
