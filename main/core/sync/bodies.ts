// Text bodies in the background, newest first, parsed in worker threads while the next
// messages stream in. Huge messages are fetched only up to a cap: their attachments are
// described by BODYSTRUCTURE and downloaded when the user asks.
import type { ImapFlow } from 'imapflow';
import type { Store } from '../store/index.js';
import type { BodyRecord, PendingBody } from '../store/messages.js';
import type { MessageStructure } from './envelope.js';
import { uidSet } from './mailbox-sync.js';

export type ParsedBody = Omit<BodyRecord, 'raw'>;
export interface BodyParser {
  parse(source: Buffer): Promise<ParsedBody>;
}

export interface BodyFetchOptions {
  batchSize: number;
  /** Messages larger than this are fetched partially (text parts come first in practice). */
  maxFetchBytes: number;
  progress?(done: number, total: number): void;
  shouldStop?(): boolean;
}

const RAW_FALLBACK_BYTES = 256 * 1024;

function withStructure(parsed: ParsedBody, structure: MessageStructure | null, truncated: boolean): ParsedBody {
  if (!truncated || !structure) return parsed;
  // The parser saw only the start of the message; BODYSTRUCTURE knows every attachment.
  return {
    ...parsed,
    attachments: structure.attachments.map((a) => ({
      partId: a.part,
      filename: a.filename,
      contentType: a.type,
      size: a.size,
      contentId: a.contentId,
      inline: a.inline,
    })),
  };
}

/** Fetches, parses and stores the bodies of the given messages, all from one mailbox. */
export async function fetchBodiesIn(
  client: ImapFlow,
  store: Store,
  parser: BodyParser,
  path: string,
  items: readonly PendingBody[],
  maxFetchBytes: number,
): Promise<number> {
  if (!items.length) return 0;
  const byUid = new Map(items.map((p) => [p.uid, p]));
  const sizes = new Map<number, number>();
  const jobs: Promise<{ id: number; body: BodyRecord }>[] = [];
  const lock = await client.getMailboxLock(path, { readOnly: true });
  try {
    const query = { uid: true, size: true, source: { maxLength: maxFetchBytes } };
    for await (const msg of client.fetch(uidSet([...byUid.keys()]), query, { uid: true })) {
      const item = byUid.get(msg.uid);
      if (!item || !msg.source) continue;
      sizes.set(msg.uid, msg.size ?? msg.source.length);
      const source = msg.source;
      const truncated = (msg.size ?? 0) > source.length;
      jobs.push(
        parser.parse(source).then((parsed) => {
          const structure = store.messages.structure(item.id) as MessageStructure | null;
          const body: BodyRecord = withStructure(parsed, structure, truncated);
          if (parsed.parseError && parsed.text === null && parsed.html === null) {
            body.raw = source.subarray(0, RAW_FALLBACK_BYTES);
          }
          return { id: item.id, body };
        }),
      );
    }
  } finally {
    lock.release();
  }
  const results = await Promise.all(jobs);
  store.tx(() => {
    for (const r of results) store.messages.saveBody(r.id, r.body);
  });
  return results.length;
}

/** Works through every pending body of the account, newest first. */
export async function fetchPendingBodies(
  client: ImapFlow,
  store: Store,
  parser: BodyParser,
  accountId: number,
  opts: BodyFetchOptions,
): Promise<number> {
  let done = 0;
  // Messages the server no longer has stay pending until the next expunge sync removes
  // them; remember them so this run does not ask for them forever.
  const missing = new Set<number>();
  const pendingCount = store.db
    .prepare('SELECT count(*) FROM messages WHERE account_id = ? AND body_state = 0')
    .pluck();
  const total = () => done + (pendingCount.get(accountId) as number);
  for (;;) {
    if (opts.shouldStop?.()) break;
    const pending = store.messages
      .pendingBodies(accountId, opts.batchSize + missing.size)
      .filter((p) => !missing.has(p.id))
      .slice(0, opts.batchSize);
    if (!pending.length) break;
    const groups = new Map<string, PendingBody[]>();
    for (const p of pending) groups.set(p.path, [...(groups.get(p.path) ?? []), p]);
    for (const [path, items] of groups) {
      const stored = await fetchBodiesIn(client, store, parser, path, items, opts.maxFetchBytes);
      done += stored;
      if (stored < items.length) {
        for (const p of items) if (store.messages.pendingBody(p.id)) missing.add(p.id);
      }
    }
    opts.progress?.(done, total() - missing.size);
  }
  return done;
}
