// An import into a local folder: each message of the source checked and keyed as an import
// into a server folder is (transfer/import.ts), parsed in the MIME workers with its envelope,
// and stored whole here, batch by batch: the rows, their keys and the folder's UID counter in
// one transaction, so a cancel or a crash leaves whole batches and a run again skips them.
import { MaildockError } from '../../../common/errors.js';
import type { MailboxInfo, Store } from '../store/index.js';
import type { BodyParser } from '../sync/bodies.js';
import { MAX_MESSAGE_BYTES, prepare, type ImportCounts } from '../transfer/import.js';
import type { ImportSource } from '../transfer/sources.js';
import { addLocalMessages } from './records.js';

/** Messages parsed and stored together, and the bytes they may hold together. */
const BATCH = 100;
const BATCH_BYTES = 32 * 1024 * 1024;

export interface LocalImportDeps {
  store: Store;
  mailbox: MailboxInfo;
  parser: BodyParser;
  signal: AbortSignal;
  progress(done: number, total: number | null): void;
}

type Ready = Exclude<ReturnType<typeof prepare>, { reason: string }>;

export async function importLocal(
  deps: LocalImportDeps,
  source: ImportSource,
): Promise<ImportCounts> {
  const { store, mailbox, parser, signal } = deps;
  if (!mailbox.local)
    throw new MaildockError('INVALID_INPUT', `${mailbox.path} is not a local folder.`, {
      mailboxId: mailbox.id,
    });
  const counts: ImportCounts = { imported: 0, duplicates: 0, skipped: [], cancelled: false };
  const total = await source.count(signal);
  let done = 0;
  deps.progress(0, total);

  const keep = async (batch: Ready[]) => {
    const seen = new Set<string>();
    const unique = batch.filter((r) =>
      seen.has(r.key) ? (counts.duplicates++, false) : (seen.add(r.key), true),
    );
    const known = await store.imports.find(
      mailbox.id,
      unique.map((r) => r.key),
    );
    counts.duplicates += known.size;
    const fresh = unique.filter((r) => !known.has(r.key));
    // Parsed before the transaction: the store's writer waits on nothing but the store.
    const bodies = await Promise.all(fresh.map((r) => parser.parse(r.raw, { envelope: true })));
    if (fresh.length)
      await store.transaction(async (tx) => {
        const { firstUid } = await addLocalMessages(
          tx,
          mailbox,
          fresh.map((r, i) => ({ raw: r.raw, body: bodies[i]!, flags: r.flags, date: r.date })),
        );
        // Under way and done in one transaction: a stopped import never leaves one pending.
        const keys = fresh.map((r) => r.key);
        await tx.imports.begin(mailbox.id, keys, firstUid);
        await tx.imports.done(
          mailbox.id,
          keys.map((key, i) => ({ key, uid: firstUid + i })),
        );
      });
    counts.imported += fresh.length;
    done += batch.length;
    deps.progress(done, total);
  };

  let batch: Ready[] = [];
  let bytes = 0;
  for await (const m of source.messages({ maxBytes: MAX_MESSAGE_BYTES, signal })) {
    if (signal.aborted) break;
    const ready = prepare(m, MAX_MESSAGE_BYTES, 'a local folder keeps');
    if ('reason' in ready) {
      counts.skipped.push(ready);
      deps.progress(++done, total);
      continue;
    }
    batch.push(ready);
    bytes += ready.raw.length;
    if (batch.length >= BATCH || bytes >= BATCH_BYTES) {
      await keep(batch);
      batch = [];
      bytes = 0;
    }
  }
  if (batch.length && !signal.aborted) await keep(batch);
  counts.cancelled = signal.aborted;
  deps.progress(done, total);
  return counts;
}
