// A batch of new headers is a few statements over arrays (unnest), not a round trip per
// message: threads, ids, rows, flags of UIDs already stored, and the addresses named, each
// written once per batch. Ids are given as SQLite's store gives them (date × 1024 + n).
import { encodeFlags } from '../flags.js';
import { addressText, bccText, messageIdBase } from '../rows.js';
import type { HeaderRecord, SeenAddresses } from '../types.js';
import { ContactRepo } from './contacts.js';
import { text, textOrNull, type Db } from './db.js';
import { headerVector, moreVector } from './search-vector.js';
import { assignThreads } from './threads.js';

const IDS_PER_MS = 1024;
// With the account's id, the key of the lock that makes header writes of one account take
// turns, as SQLite's one writer does: threads are worked out from what is stored.
const HEADER_WRITER_LOCK = 0x6d61696d;

interface Row {
  record: HeaderRecord;
  date: number;
  bits: number;
  keywords: string | null;
  id: number;
  threadId: number;
  inserted: boolean;
}

interface Bucket {
  /** Whether the bucket's first id (the date's own) is taken. */
  taken: boolean;
  max: number | null;
}

// One probe of the (mailbox_id, uid) index per UID. With `uid = ANY($2)` the planner, whose
// statistics lag behind during a first sync, walked every message of the mailbox instead.
const STORED_UIDS = `SELECT u.uid FROM unnest($2::bigint[]) AS u(uid)
  CROSS JOIN LATERAL (SELECT 1 FROM messages m WHERE m.mailbox_id = $1 AND m.uid = u.uid LIMIT 1) AS hit`;

const INSERT = `INSERT INTO messages (id, account_id, mailbox_id, uid, message_id, in_reply_to, refs,
    thread_id, subject, from_json, to_json, cc_json, sender, recipients, date, flags, keywords,
    modseq, size, has_attachments, structure, search, unsubscribe, list_id, more)
  SELECT v.id, $1, $2, v.uid, v.message_id, v.in_reply_to, v.refs, v.thread_id, v.subject,
         v.from_json, v.to_json, v.cc_json, v.sender, v.recipients, v.date, v.flags, v.keywords,
         v.modseq, v.size, v.has_attachments, v.structure, v.search::tsvector, v.unsubscribe,
         v.list_id, v.more::tsvector
    FROM unnest($3::bigint[], $4::bigint[], $5::text[], $6::text[], $7::text[], $8::bigint[],
                $9::text[], $10::text[], $11::text[], $12::text[], $13::text[], $14::text[],
                $15::bigint[], $16::integer[], $17::text[], $18::text[], $19::bigint[],
                $20::integer[], $21::text[], $22::text[], $23::text[], $24::text[], $25::text[])
      AS v(id, uid, message_id, in_reply_to, refs, thread_id, subject, from_json, to_json, cc_json,
           sender, recipients, date, flags, keywords, modseq, size, has_attachments, structure, search,
           unsubscribe, list_id, more)
  ON CONFLICT DO NOTHING
  RETURNING id`;

/**
 * The message ids in use around these dates: whether each date's own id is (the first of
 * its millisecond's ids), and the last. Two index probes each: an EXISTS here would be
 * planned as a hash of every message id.
 */
async function buckets(db: Db, bases: readonly number[]): Promise<Map<number, Bucket>> {
  const rows = await db.rows<{ base: number; min: number | null; max: number | null }>(
    `SELECT b AS base,
            (SELECT min(id) FROM messages WHERE id >= b AND id < b + ${IDS_PER_MS}) AS min,
            (SELECT max(id) FROM messages WHERE id >= b AND id < b + ${IDS_PER_MS}) AS max
       FROM unnest($1::bigint[]) AS b`,
    [[...new Set(bases)]],
  );
  return new Map(rows.map((r) => [r.base, { taken: r.min === r.base, max: r.max }]));
}

/**
 * An id per row as SQLite's store gives it: the date's own id when free, else the next
 * after the last of its millisecond (or of the next one, when that one is full).
 */
async function allocateIds(db: Db, rows: readonly Row[]): Promise<void> {
  const known = await buckets(
    db,
    rows.map((r) => messageIdBase(r.date)),
  );
  const used = new Set<number>();
  const bucketMax = new Map<number, number>();
  for (const row of rows) {
    let base = messageIdBase(row.date);
    const own = known.get(base);
    if (own && !own.taken && !used.has(base)) {
      row.id = base;
    } else {
      for (;;) {
        let bucket = known.get(base);
        if (!bucket) {
          bucket = (await buckets(db, [base])).get(base)!;
          known.set(base, bucket);
        }
        const max = Math.max(bucket.max ?? -1, bucketMax.get(base) ?? -1);
        if (max < 0) {
          row.id = base;
          break;
        }
        if (max + 1 < base + IDS_PER_MS) {
          row.id = max + 1;
          break;
        }
        base += IDS_PER_MS;
      }
    }
    used.add(row.id);
    const bucket = row.id - (row.id % IDS_PER_MS);
    bucketMax.set(bucket, Math.max(bucketMax.get(bucket) ?? -1, row.id));
  }
}

/** Mail sent from here: the recipients its outbox row sent to, by Message-ID (rows.ts bccText). */
async function sentTo(
  db: Db,
  accountId: number,
  rows: readonly Row[],
): Promise<Map<string, string[]>> {
  const ids = rows.flatMap((r) =>
    r.record.messageId && !r.record.bcc?.length ? [r.record.messageId] : [],
  );
  if (!ids.length) return new Map();
  const found = await db.rows<{ messageId: string; envTo: string }>(
    `SELECT message_id AS "messageId", env_to AS "envTo" FROM outbox
      WHERE account_id = $1 AND message_id = ANY($2::text[])`,
    [accountId, ids],
  );
  return new Map(found.map((r) => [r.messageId, JSON.parse(r.envTo) as string[]]));
}

function insertParams(
  accountId: number,
  mailboxId: number,
  rows: readonly Row[],
  sent: ReadonlyMap<string, string[]>,
) {
  const column = <T>(fn: (row: Row) => T) => rows.map(fn);
  return [
    accountId,
    mailboxId,
    column((r) => r.id),
    column((r) => r.record.uid),
    column((r) => textOrNull(r.record.messageId)),
    column((r) => textOrNull(r.record.inReplyTo)),
    column((r) => (r.record.references.length ? text(JSON.stringify(r.record.references)) : null)),
    column((r) => r.threadId),
    column((r) => text(r.record.subject)),
    column((r) => JSON.stringify(r.record.from)),
    column((r) => JSON.stringify(r.record.to)),
    column((r) => JSON.stringify(r.record.cc)),
    column((r) => text(addressText(r.record.from))),
    column((r) => text(addressText([...r.record.to, ...r.record.cc]))),
    column((r) => r.date),
    column((r) => r.bits),
    column((r) => r.keywords),
    column((r) => r.record.modseq),
    column((r) => r.record.size),
    column((r) => (r.record.hasAttachments ? 1 : 0)),
    column((r) =>
      r.record.structure === undefined || r.record.structure === null
        ? null
        : JSON.stringify(r.record.structure),
    ),
    column((r) =>
      headerVector({
        subject: r.record.subject,
        sender: addressText(r.record.from),
        recipients: addressText([...r.record.to, ...r.record.cc]),
      }),
    ),
    column((r) => (r.record.unsubscribe ? text(JSON.stringify(r.record.unsubscribe)) : null)),
    column((r) => textOrNull(r.record.listId ?? null)),
    column((r) =>
      moreVector({
        cc: addressText(r.record.cc),
        bcc: bccText(r.record, r.record.messageId ? (sent.get(r.record.messageId) ?? null) : null),
        list: r.record.listId ?? '',
      }),
    ),
  ];
}

/** Stores new headers of one mailbox (in the caller's transaction); returns the new ids. */
export async function insertBatch(
  db: Db,
  accountId: number,
  mailboxId: number,
  records: readonly HeaderRecord[],
): Promise<number[]> {
  await db.run('SELECT pg_advisory_xact_lock($1::integer, $2::integer)', [
    HEADER_WRITER_LOCK,
    accountId,
  ]);
  const stored = new Set(
    await db.column<number>(STORED_UIDS, [mailboxId, records.map((r) => r.uid)]),
  );
  // A UID stored already (or twice in the batch) only has its flags refreshed, the last wins.
  const refresh = new Map<number, HeaderRecord>();
  let fresh: Row[] = [];
  for (const record of records) {
    if (stored.has(record.uid)) {
      refresh.set(record.uid, record);
      continue;
    }
    stored.add(record.uid);
    const { bits, keywords } = encodeFlags(record.flags);
    const date = Number.isFinite(record.date) ? Math.trunc(record.date) : 0;
    fresh.push({ record, date, bits, keywords, id: 0, threadId: 0, inserted: false });
  }
  const threads = await assignThreads(
    db,
    accountId,
    fresh.map((r) => ({ ...r.record, date: r.date })),
  );
  fresh.forEach((row, n) => (row.threadId = threads[n]!));
  const all = fresh;

  const sent = await sentTo(db, accountId, fresh);
  // Another writer may take an id (or the UID) between allocation and insert: those rows
  // are skipped by the insert and tried again with new ids.
  for (let attempt = 0; fresh.length; attempt++) {
    await allocateIds(db, fresh);
    const inserted = new Set(
      await db.column<number>(INSERT, insertParams(accountId, mailboxId, fresh, sent)),
    );
    for (const r of fresh) r.inserted = inserted.has(r.id);
    const missed = fresh.filter((r) => !r.inserted);
    if (!missed.length || attempt > 5) break;
    const taken = new Set(
      await db.column<number>(STORED_UIDS, [mailboxId, missed.map((r) => r.record.uid)]),
    );
    for (const r of missed) if (taken.has(r.record.uid)) refresh.set(r.record.uid, r.record);
    fresh = missed.filter((r) => !taken.has(r.record.uid));
  }

  if (refresh.size) {
    const rows = [...refresh.values()].map((r) => ({
      uid: r.uid,
      modseq: r.modseq,
      ...encodeFlags(r.flags),
    }));
    await db.run(
      `UPDATE messages m SET flags = v.flags, keywords = v.keywords, modseq = coalesce(v.modseq, m.modseq)
         FROM unnest($2::bigint[], $3::integer[], $4::text[], $5::text[]) AS v(uid, flags, keywords, modseq)
        WHERE m.mailbox_id = $1 AND m.uid = v.uid`,
      [
        mailboxId,
        rows.map((r) => r.uid),
        rows.map((r) => r.bits),
        rows.map((r) => r.keywords),
        rows.map((r) => r.modseq),
      ],
    );
  }
  const added = all.filter((r) => r.inserted);
  const seen: SeenAddresses[] = added.map(({ date, record }) => ({
    date,
    addresses: [...record.from, ...record.to, ...record.cc],
  }));
  await new ContactRepo(db).record(accountId, seen);
  return added.map((r) => r.id);
}
