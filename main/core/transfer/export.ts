// An export: the messages' exact bytes fetched from the server (BODY.PEEK[], so nothing is
// marked read) folder by folder, in UID ranges over one connection per account, and written to
// an mbox file or .eml files (export-targets.ts) with their arrival dates. A local folder's
// come from the copies the store keeps, with no connection at all.
import type { ImapFlow } from 'imapflow';
import { MaildockError } from '../../../common/errors.js';
import { uidSet } from '../sync/mailbox-sync.js';
import type { ExportTarget } from './export-targets.js';

/** What to export of one folder: every message, or these UIDs. */
export interface ExportPlace {
  accountId: number;
  path: string;
  /** As stored here; another one on the server means other messages under these UIDs. */
  uidValidity: string | null;
  uids: number[] | null;
  /** A local folder: its messages (all, or these ids) are read from the store. */
  local?: { mailboxId: number; ids: number[] | null };
}

export interface ExportDeps {
  connect(accountId: number): Promise<ImapFlow>;
  /** A local folder's messages (or these of them) with their bytes, in UID order. */
  readLocal(
    mailboxId: number,
    ids: number[] | null,
  ): AsyncIterable<{ raw: Buffer; date: Date | null }>;
  signal: AbortSignal;
  progress(done: number, total: number | null): void;
}

export interface ExportCounts {
  messages: number;
  bytes: number;
  cancelled: boolean;
}

/** UIDs asked for in one FETCH: long sets make long command lines. */
const UIDS_PER_FETCH = 2000;

function ranges(place: ExportPlace): string[] {
  if (!place.uids) return ['1:*'];
  const out: string[] = [];
  for (let i = 0; i < place.uids.length; i += UIDS_PER_FETCH)
    out.push(uidSet(place.uids.slice(i, i + UIDS_PER_FETCH)));
  return out;
}

export async function exportMessages(
  deps: ExportDeps,
  places: readonly ExportPlace[],
  target: ExportTarget,
): Promise<ExportCounts> {
  const counts: ExportCounts = { messages: 0, bytes: 0, cancelled: false };
  const known = places.every((p) => p.uids);
  let total: number | null = known ? places.reduce((n, p) => n + p.uids!.length, 0) : null;
  deps.progress(0, total);
  const remote = places.filter((p) => !p.local);
  const accounts = [...new Set(remote.map((p) => p.accountId))];
  try {
    for (const { local } of places) {
      if (!local || deps.signal.aborted) continue;
      for await (const m of deps.readLocal(local.mailboxId, local.ids)) {
        counts.bytes += await target.add(m.raw, m.date);
        deps.progress(++counts.messages, total);
        if (deps.signal.aborted) break;
      }
    }
    for (const accountId of accounts) {
      if (deps.signal.aborted) break;
      const client = await deps.connect(accountId);
      try {
        for (const place of remote.filter((p) => p.accountId === accountId)) {
          if (deps.signal.aborted) break;
          const lock = await client.getMailboxLock(place.path, { readOnly: true });
          try {
            const box = client.mailbox as { uidValidity: bigint; exists: number } | false;
            if (!box) continue;
            if (place.uidValidity !== null && box.uidValidity.toString() !== place.uidValidity)
              throw new MaildockError(
                'MAILBOX_GONE',
                `The folder ${place.path} was reset on the server; sync it and export again.`,
                { path: place.path },
              );
            if (!place.uids) total = (total ?? 0) + box.exists;
            if (!box.exists) continue;
            for (const range of ranges(place)) {
              if (deps.signal.aborted) break;
              for await (const m of client.fetch(
                range,
                { uid: true, source: true, internalDate: true },
                { uid: true },
              )) {
                if (!m.source) continue;
                const date = m.internalDate instanceof Date ? m.internalDate : null;
                counts.bytes += await target.add(m.source, date);
                deps.progress(++counts.messages, total);
                if (deps.signal.aborted) break;
              }
            }
          } finally {
            lock.release();
          }
        }
      } finally {
        await client.logout().catch(() => client.close());
      }
    }
    counts.cancelled = deps.signal.aborted;
    if (counts.cancelled) await target.abandon();
    else await target.commit();
  } catch (err) {
    await target.abandon();
    throw err;
  }
  return counts;
}
