// Text bodies in the background, newest first, parsed in worker threads while the next
// messages stream in. A message whose BODYSTRUCTURE shows large attachments is fetched as
// its header and text parts only: attachments are described by the structure and
// downloaded when the user asks, which saves both the wire and the parser's time.
import type { FetchMessageObject, FetchQueryObject, ImapFlow } from 'imapflow';
import type { ParseOptions, ParsedBody } from '../mime/limits.js';
import type { MessageStructure } from '../mime/structure.js';
import type { BodyRecord, PendingBody, Store, Transaction } from '../store/index.js';
import { uidSet } from './mailbox-sync.js';
import { pacer, SliceWriter } from './slices.js';

export interface BodyParser {
  /** With `envelope`, the header too (mime/envelope.ts), for messages no server describes. */
  parse(source: Buffer, opts?: ParseOptions): Promise<ParsedBody>;
}

export interface BodyFetchOptions {
  /** Messages in one batch at most. */
  batchSize: number;
  /** Bytes on the wire in one batch at most (a single larger message is a batch alone). */
  batchBytes: number;
  /** Messages larger than this are fetched partially (text parts come first in practice). */
  maxFetchBytes: number;
  /** Stores the parsed bodies in short transactions; one of its own when omitted. */
  writer?: SliceWriter;
  progress?(done: number, total: number): void;
  shouldStop?(): boolean;
}

const RAW_FALLBACK_BYTES = 256 * 1024;
/** Attachments at least this large are left on the server until asked for. */
const TEXT_ONLY_ABOVE = 32 * 1024;
const MAX_TEXT_PARTS = 8;

interface Planned {
  item: PendingBody;
  structure: MessageStructure | null;
  /** Bytes of its attachments, as BODYSTRUCTURE gives them (decoded estimates). */
  attached: number;
  /** Part numbers of the text parts when only those are fetched; null for the whole message. */
  textParts: string[] | null;
}

// A batch is planned when it is taken (its bytes) and again when it is fetched: once is enough.
const plans = new WeakMap<PendingBody, Planned>();

function plan(item: PendingBody): Planned {
  let planned = plans.get(item);
  if (!planned) plans.set(item, (planned = planFor(item)));
  return planned;
}

function planFor(item: PendingBody): Planned {
  const structure = item.structure ? (JSON.parse(item.structure) as MessageStructure) : null;
  const attached = structure?.attachments.reduce((n, a) => n + a.size, 0) ?? 0;
  const textParts =
    structure &&
    attached >= TEXT_ONLY_ABOVE &&
    structure.textParts.length > 0 &&
    structure.textParts.length <= MAX_TEXT_PARTS
      ? structure.textParts
      : null;
  return { item, structure, attached, textParts };
}

function attachmentsOf(structure: MessageStructure): ParsedBody['attachments'] {
  return structure.attachments.map((a) => ({
    partId: a.part,
    filename: a.filename,
    contentType: a.type,
    size: a.size,
    contentId: a.contentId,
    inline: a.inline,
  }));
}

/**
 * The attachments to store: BODYSTRUCTURE's list when the parser saw only part of the message;
 * else the parser's (exact decoded sizes) with the server's part numbers, which downloads use.
 */
function attachmentsFor(
  parsed: ParsedBody,
  structure: MessageStructure | null,
  complete: boolean,
): ParsedBody['attachments'] {
  if (!structure) return parsed.attachments;
  if (!complete) return attachmentsOf(structure);
  if (structure.attachments.length !== parsed.attachments.length) return parsed.attachments;
  return parsed.attachments.map((a, i) => ({ ...a, partId: structure.attachments[i]!.part }));
}

const part = (msg: FetchMessageObject, key: string): Buffer | undefined =>
  msg.bodyParts?.get(key) ??
  msg.bodyParts?.get(key.toLowerCase()) ??
  msg.bodyParts?.get(key.toUpperCase());

/** The message's own header over a multipart holding just its text parts, as fetched. */
export function assembleTextParts(header: Buffer, parts: { mime: Buffer; body: Buffer }[]): Buffer {
  const boundary = `maildock-text-${Math.random().toString(36).slice(2)}`;
  const lines = header
    .toString('latin1')
    .replace(/\r?\n\r?\n$/, '')
    .split(/\r?\n/);
  const kept: string[] = [];
  let skipping = false;
  for (const line of lines) {
    if (/^[ \t]/.test(line)) {
      if (!skipping) kept.push(line);
      continue;
    }
    skipping = /^content-(type|transfer-encoding)\s*:/i.test(line);
    if (!skipping) kept.push(line);
  }
  kept.push(`Content-Type: multipart/mixed; boundary="${boundary}"`, '', '');
  const chunks: Buffer[] = [Buffer.from(kept.join('\r\n'), 'latin1')];
  for (const p of parts) {
    chunks.push(Buffer.from(`--${boundary}\r\n`), p.mime, p.body, Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return Buffer.concat(chunks);
}

type Parsed = { id: number; body: BodyRecord };

/** A batch fetched: its bodies as the parser finishes them. */
export interface FetchedBatch {
  parsed: Promise<Parsed[]>;
}

/**
 * Fetches the given messages of one mailbox and hands each to the parser as it arrives.
 * Resolves when the fetching is done, so the caller can fetch the next batch while the
 * workers finish this one. The parsed bodies come wrapped: an async function that returned
 * their promise itself would resolve only once every message had been parsed.
 */
export async function fetchBodiesIn(
  client: ImapFlow,
  parser: BodyParser,
  path: string,
  items: readonly PendingBody[],
  maxFetchBytes: number,
): Promise<FetchedBatch> {
  const planned = items.map(plan);
  const groups = new Map<string, Planned[]>();
  for (const p of planned) {
    const key = p.textParts ? p.textParts.join(',') : '';
    const list = groups.get(key);
    if (list) list.push(p);
    else groups.set(key, [p]);
  }
  const jobs: Promise<Parsed>[] = [];
  const lock = await client.getMailboxLock(path, { readOnly: true });
  try {
    for (const [key, group] of groups) {
      const byUid = new Map(group.map((p) => [p.item.uid, p]));
      const textParts = key ? key.split(',') : null;
      const query: FetchQueryObject = textParts
        ? { uid: true, headers: true, bodyParts: textParts.flatMap((n) => [`${n}.MIME`, n]) }
        : { uid: true, size: true, source: { maxLength: maxFetchBytes } };
      const pace = pacer();
      for await (const msg of client.fetch(uidSet([...byUid.keys()]), query, { uid: true })) {
        await pace();
        const p = byUid.get(msg.uid);
        if (!p) continue;
        let source: Buffer | undefined;
        let complete = true;
        if (textParts) {
          const parts = textParts.map((n) => ({
            mime: part(msg, `${n}.MIME`),
            body: part(msg, n),
          }));
          if (msg.headers && parts.every((x) => x.mime && x.body)) {
            source = assembleTextParts(msg.headers, parts as { mime: Buffer; body: Buffer }[]);
            complete = false;
          }
        } else if (msg.source) {
          source = msg.source;
          complete = (msg.size ?? 0) <= source.length;
        }
        if (!source) continue;
        const raw = source;
        jobs.push(
          parser.parse(raw).then((parsed) => {
            // The parser saw only part of the message: the structure knows every attachment.
            const body: BodyRecord = {
              ...parsed,
              attachments: attachmentsFor(parsed, p.structure, complete),
            };
            if (parsed.parseError && parsed.text === null && parsed.html === null) {
              body.raw = raw.subarray(0, RAW_FALLBACK_BYTES);
            }
            return { id: p.item.id, body };
          }),
        );
      }
    }
  } finally {
    lock.release();
  }
  const parsed = Promise.all(jobs);
  parsed.catch(() => undefined);
  return { parsed };
}

async function saveAll(tx: Transaction, results: readonly Parsed[]): Promise<void> {
  for (const r of results) await tx.bodies.save(r.id, r.body);
}

/** Fetches, parses and stores one message's body now. */
export async function fetchOneBody(
  client: ImapFlow,
  store: Store,
  parser: BodyParser,
  item: PendingBody,
  maxFetchBytes: number,
): Promise<void> {
  const { parsed } = await fetchBodiesIn(client, parser, item.path, [item], maxFetchBytes);
  const results = await parsed;
  await store.transaction((tx) => saveAll(tx, results));
}

/** The bytes the server will send for a message as planned: all of it, or its text parts. */
function wireBytes(p: Planned, maxFetchBytes: number): number {
  if (!p.textParts) return Math.min(p.item.size, maxFetchBytes);
  // BODYSTRUCTURE's sizes are decoded estimates (envelope.ts): base64 takes 4 bytes per 3.
  return Math.max(1024, p.item.size - Math.floor((p.attached * 4) / 3));
}

/**
 * The next batch: newest first, up to `batchSize` messages or `batchBytes` on the wire,
 * whichever comes first (at least one message), so a batch of newsletters holds as much
 * memory as a batch of short notes.
 */
export function takeBatch(
  pending: readonly PendingBody[],
  opts: Pick<BodyFetchOptions, 'batchSize' | 'batchBytes' | 'maxFetchBytes'>,
): PendingBody[] {
  const out: PendingBody[] = [];
  let bytes = 0;
  for (const item of pending) {
    if (out.length >= opts.batchSize || (out.length > 0 && bytes >= opts.batchBytes)) break;
    out.push(item);
    bytes += wireBytes(plan(item), opts.maxFetchBytes);
  }
  return out;
}

/** Batches parsed or written while the next one is fetched. */
const IN_FLIGHT_BATCHES = 2;

/** Works through every pending body of the account, newest first. */
export async function fetchPendingBodies(
  client: ImapFlow,
  store: Store,
  parser: BodyParser,
  accountId: number,
  opts: BodyFetchOptions,
): Promise<number> {
  let done = 0;
  const writer = opts.writer ?? new SliceWriter(store);
  // In flight: fetched, not yet stored (batches are parsed and written while the next one
  // is fetched). Missing: no longer on the server; they stay pending until the next expunge
  // sync removes them, and this run does not ask for them again. Both stay small.
  const inFlight = new Set<number>();
  const missing = new Set<number>();
  const skip = (id: number) => inFlight.has(id) || missing.has(id);
  const total = await store.bodies.pendingCount(accountId);
  let writing: Promise<void> = Promise.resolve();
  const queued: Promise<void>[] = [];
  const report = () => opts.progress?.(done, Math.max(done, total - missing.size));

  for (;;) {
    if (opts.shouldStop?.()) break;
    const pending = takeBatch(
      (await store.bodies.pending(accountId, opts.batchSize + inFlight.size + missing.size)).filter(
        (p) => !skip(p.id),
      ),
      opts,
    );
    if (!pending.length) break;
    const groups = new Map<string, PendingBody[]>();
    for (const p of pending) {
      const list = groups.get(p.path);
      if (list) list.push(p);
      else groups.set(p.path, [p]);
    }
    for (const [path, items] of groups) {
      for (const p of items) inFlight.add(p.id);
      const { parsed } = await fetchBodiesIn(client, parser, path, items, opts.maxFetchBytes);
      writing = writing.then(async () => {
        const results = await parsed;
        await writer.write(results, (tx, slice) => saveAll(tx, slice));
        done += results.length;
        const stored = new Set(results.map((r) => r.id));
        for (const p of items) {
          inFlight.delete(p.id);
          if (!stored.has(p.id)) missing.add(p.id);
        }
        report();
      });
      // Awaited below; should the loop end by an error first (the connection and the store
      // going together at shutdown), this one's failure must not be an unhandled rejection,
      // which ends a Node process.
      writing.catch(() => undefined);
    }
    // A few batches may be parsing or waiting to be written while the next is fetched;
    // never more, so memory stays bounded by the batches' bytes.
    queued.push(writing);
    if (queued.length > IN_FLIGHT_BATCHES) await queued.shift();
  }
  await writing;
  return done;
}
