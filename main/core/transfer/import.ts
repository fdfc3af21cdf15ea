// An import into a folder of an account: the source's messages appended to the server on one
// connection, with their flags and dates, many to a command where the server takes MULTIAPPEND
// (RFC 3502: all of a command's messages go in, or none), else one APPEND at a time. Each
// message's key (message-bytes.ts) is written "under way" for a batch before its APPENDs and
// completed with the UID the server gave, so a run after a cancel or a crash skips what went
// in; a key still under way is looked for on the server first. The ordinary sync then brings
// the new messages into the store.
import type { ImapFlow } from 'imapflow';
import { encodePath, formatDateTime, formatFlag, normalizePath } from 'imapflow/lib/tools.js';
import type { ImportResult } from '../../../common/types.js';
import { getLogger } from '../platform/log.js';
import type { Store } from '../store/index.js';
import type { MailboxInfo } from '../store/types.js';
import {
  headerBlock,
  headerFields,
  malformed,
  mboxFlags,
  messageIdOf,
  messageKey,
  firstField,
  parseDate,
  toCrlf,
} from './message-bytes.js';
import type { ImportSource, SourceMessage } from './sources.js';

const log = getLogger('transfer');

type SkippedMessage = ImportResult['skipped'][number];

/** Messages keyed and written "under way" together: one transaction per batch. */
const BATCH = 200;
/** Messages sent in one MULTIAPPEND, and the bytes they may hold together. */
const CHUNK = 100;
const CHUNK_BYTES = 8 * 1024 * 1024;
/** What one message may hold in memory when the server names no APPENDLIMIT. */
export const MAX_MESSAGE_BYTES = 256 * 1024 * 1024;

export interface ImportDeps {
  store: Store;
  mailbox: MailboxInfo;
  client: ImapFlow;
  signal: AbortSignal;
  /** Messages read from the source so far (imported, duplicates and skipped). */
  progress(done: number, total: number | null): void;
  /** Tests only: a smaller limit than the server's. */
  maxBytes?: number;
}

export interface ImportCounts {
  imported: number;
  duplicates: number;
  skipped: SkippedMessage[];
  cancelled: boolean;
}

interface Ready {
  where: string;
  raw: Buffer;
  key: string;
  flags: string[];
  date: Date | null;
}

/** The largest message the server takes: its APPENDLIMIT (RFC 7889), else ours. */
export function appendLimit(client: ImapFlow, ours = MAX_MESSAGE_BYTES): number {
  const limit = (client.capabilities as Map<string, unknown>).get('APPENDLIMIT');
  return typeof limit === 'number' && limit > 0 ? Math.min(limit, ours) : ours;
}

/**
 * A source's message made ready to append (or to keep in a local folder), or why it is
 * skipped; `taker` says who takes no more than `maxBytes`.
 */
export function prepare(
  m: SourceMessage,
  maxBytes: number,
  taker = 'the server takes',
): Ready | SkippedMessage {
  if (!m.raw)
    return {
      source: m.where,
      reason: `${m.size} bytes, more than the ${maxBytes} ${taker}`,
    };
  const raw = toCrlf(m.raw);
  if (raw.length > maxBytes)
    return {
      source: m.where,
      reason: `${raw.length} bytes, more than the ${maxBytes} ${taker}`,
    };
  const bad = malformed(raw);
  if (bad) return { source: m.where, reason: bad };
  const fields = headerFields(headerBlock(raw));
  let flags = m.flags;
  if (m.flagsInHeaders) {
    const found = mboxFlags(fields);
    // Thunderbird keeps a deleted message in the file until it compacts it: it is gone.
    if (found.expunged)
      return { source: m.where, reason: 'deleted in Thunderbird (the folder was not compacted)' };
    flags = found.flags;
  }
  return {
    where: m.where,
    raw,
    key: messageKey(raw, messageIdOf(fields)),
    flags,
    date: m.date ?? parseDate(firstField(fields, 'date')),
  };
}

/** A refusal of this one message (NO, BAD, over APPENDLIMIT) on a connection still usable. */
function refusal(client: ImapFlow, err: unknown): string | null {
  const e = err as {
    responseStatus?: string;
    responseText?: string;
    serverResponseCode?: string;
    message?: string;
  };
  if (!client.usable) return null;
  if (e.serverResponseCode === 'APPENDLIMIT') return e.message ?? 'over the server’s APPENDLIMIT';
  if (e.responseStatus === 'NO' || e.responseStatus === 'BAD')
    return `the server refused it: ${e.responseText ?? e.message ?? e.responseStatus}`;
  return null;
}

/**
 * imapflow's command queue, which its append() uses: one command of several messages. It is
 * not imapflow's public API (nor are the helpers of imapflow/lib/tools.js): package.json pins
 * imapflow's version exactly, and transfer.test.ts appends through it on a real Dovecot.
 */
interface CommandQueue {
  exec(
    command: string,
    attributes: unknown[],
  ): Promise<{
    response: { attributes?: { section?: { value?: unknown }[] }[] };
    next(): void;
  }>;
}

/** The client's command queue when the server takes MULTIAPPEND, else null. */
function multiAppend(client: ImapFlow): CommandQueue | null {
  const queue = client as unknown as Partial<CommandQueue>;
  return client.capabilities.has('MULTIAPPEND') && typeof queue.exec === 'function'
    ? (queue as CommandQueue)
    : null;
}

/** The UIDs of a uid-set ("5:104", "3,7:9") in order; null when it is not one. */
export function uidSet(set: string): number[] | null {
  const uids: number[] = [];
  for (const part of set.split(',')) {
    const m = /^(\d+)(?::(\d+))?$/.exec(part);
    if (!m) return null;
    const a = Number(m[1]);
    const b = m[2] === undefined ? a : Number(m[2]);
    for (let u = Math.min(a, b); u <= Math.max(a, b); u++) uids.push(u);
  }
  return uids;
}

/**
 * The next messages of `list` from `from` for one command: up to CHUNK of them and
 * CHUNK_BYTES together, always at least one. A message holding NUL bytes goes alone (its
 * APPEND is the one that knows literal8).
 */
function chunkAt(list: readonly Ready[], from: number): Ready[] {
  const chunk: Ready[] = [];
  let bytes = 0;
  for (let i = from; i < list.length && chunk.length < CHUNK; i++) {
    const r = list[i]!;
    const alone = r.raw.includes(0);
    if (chunk.length && (alone || bytes + r.raw.length > CHUNK_BYTES)) break;
    chunk.push(r);
    bytes += r.raw.length;
    if (alone) break;
  }
  return chunk;
}

/**
 * Appends several messages in one command (RFC 3502) and resolves to the UIDs they took, in
 * their order (0 each when the server does not say, without UIDPLUS). A refusal means none of
 * them went in.
 */
async function appendMany(
  queue: CommandQueue,
  client: ImapFlow,
  path: string,
  chunk: readonly Ready[],
): Promise<number[]> {
  const attributes: unknown[] = [
    { type: 'ATOM', value: encodePath(client, normalizePath(client, path)) },
  ];
  for (const r of chunk) {
    const flags = r.flags.map((f) => formatFlag(f)).filter((f): f is string => !!f);
    const date = r.date ? formatDateTime(r.date) : undefined;
    attributes.push(flags.map((value) => ({ type: 'ATOM', value })));
    if (date) attributes.push({ type: 'STRING', value: date });
    attributes.push({ type: 'LITERAL', value: r.raw });
  }
  const res = await queue.exec('APPEND', attributes);
  res.next();
  const section = res.response.attributes?.[0]?.section ?? [];
  const code = section[0]?.value;
  const set = section[2]?.value;
  const uids =
    typeof code === 'string' && code.toUpperCase() === 'APPENDUID' && typeof set === 'string'
      ? uidSet(set)
      : null;
  return uids && uids.length === chunk.length ? uids : chunk.map(() => 0);
}

/** The folder's next UID as the server says now. */
async function uidNext(client: ImapFlow, path: string): Promise<number> {
  const status = await client.status(path, { uidNext: true });
  return (status && status.uidNext) || 1;
}

/**
 * Keys left "under way" by a run that stopped: the message is on the server when a message
 * of the same key sits at or above the lowest UID they may have taken; else it never arrived.
 */
async function settlePending(deps: ImportDeps): Promise<void> {
  const { store, mailbox, client } = deps;
  const pending = await store.imports.pending(mailbox.id);
  if (!pending.keys.length || pending.sinceUid === null) return;
  const wanted = new Set(pending.keys);
  const found: { key: string; uid: number }[] = [];
  const lock = await client.getMailboxLock(mailbox.path, { readOnly: true });
  try {
    const exists = (client.mailbox || null)?.exists ?? 0;
    if (exists > 0) {
      for await (const m of client.fetch(
        `${pending.sinceUid}:*`,
        { uid: true, source: true },
        { uid: true },
      )) {
        if (m.uid < pending.sinceUid || !m.source) continue;
        const raw = m.source;
        const key = messageKey(raw, messageIdOf(headerFields(headerBlock(raw))));
        if (wanted.delete(key)) found.push({ key, uid: m.uid });
      }
    }
  } finally {
    lock.release();
  }
  await store.imports.done(mailbox.id, found);
  await store.imports.forget(mailbox.id, [...wanted]);
  log.info(
    { mailboxId: mailbox.id, found: found.length, missing: wanted.size },
    'interrupted import settled',
  );
}

export async function importMessages(
  deps: ImportDeps,
  source: ImportSource,
): Promise<ImportCounts> {
  const { store, mailbox, client, signal } = deps;
  const counts: ImportCounts = { imported: 0, duplicates: 0, skipped: [], cancelled: false };
  const maxBytes = appendLimit(client, deps.maxBytes);
  await settlePending(deps);
  const total = await source.count(signal);
  let done = 0;
  deps.progress(0, total);
  let next = await uidNext(client, mailbox.path);
  const multi = multiAppend(client);

  const append = async (batch: Ready[]) => {
    const seen = new Set<string>();
    const unique = batch.filter((r) =>
      seen.has(r.key) ? (counts.duplicates++, false) : (seen.add(r.key), true),
    );
    const known = await store.imports.find(
      mailbox.id,
      unique.map((r) => r.key),
    );
    counts.duplicates += known.size;
    done += batch.length - unique.length + known.size;
    const fresh = unique.filter((r) => !known.has(r.key));
    if (!fresh.length) return;
    await store.imports.begin(
      mailbox.id,
      fresh.map((r) => r.key),
      next,
    );
    const appended: { key: string; uid: number }[] = [];
    const unsent: string[] = [];
    let i = 0;
    try {
      while (i < fresh.length && !signal.aborted) {
        const chunk = chunkAt(fresh, i);
        if (multi && chunk.length > 1) {
          try {
            const uids = await appendMany(multi, client, mailbox.path, chunk);
            chunk.forEach((r, j) => appended.push({ key: r.key, uid: uids[j]! }));
            if (uids.at(-1)) next = uids.at(-1)! + 1;
            counts.imported += chunk.length;
            i += chunk.length;
            done += chunk.length;
            deps.progress(done, total);
            continue;
          } catch (err) {
            if (refusal(client, err) === null) throw err;
            // None of them went in: one at a time tells which the server refuses.
          }
        }
        for (const r of chunk) {
          if (signal.aborted) break;
          try {
            const res = await client.append(mailbox.path, r.raw, r.flags, r.date ?? undefined);
            const uid = res && typeof res.uid === 'number' ? res.uid : 0;
            appended.push({ key: r.key, uid });
            if (uid) next = uid + 1;
            counts.imported++;
          } catch (err) {
            const why = refusal(client, err);
            if (why === null) throw err;
            counts.skipped.push({ source: r.where, reason: why });
            unsent.push(r.key);
          }
          i++;
          deps.progress(++done, total);
        }
      }
      unsent.push(...fresh.slice(i).map((r) => r.key));
    } finally {
      // The message whose APPEND failed with the connection stays "under way": the next run
      // looks for it on the server.
      await store.imports.done(mailbox.id, appended);
      await store.imports.forget(mailbox.id, unsent);
    }
  };

  let batch: Ready[] = [];
  for await (const m of source.messages({ maxBytes, signal })) {
    if (signal.aborted) break;
    const ready = prepare(m, maxBytes);
    if ('reason' in ready) {
      counts.skipped.push(ready);
      deps.progress(++done, total);
      continue;
    }
    batch.push(ready);
    if (batch.length >= BATCH) {
      await append(batch);
      batch = [];
    }
  }
  if (batch.length && !signal.aborted) await append(batch);
  // A cancel that came once every message was in stopped nothing.
  counts.cancelled = signal.aborted && (total === null || done < total);
  deps.progress(done, total);
  return counts;
}
