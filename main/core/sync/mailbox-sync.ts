// Headers, flags and expunges of one mailbox. The cursors head_uid/low_uid move only in
// the transaction that stores the messages they pass, so a crash at any point resumes
// from the last committed slice and a UID cursor never passes an unfetched UID. A batch
// fetched in one command is stored in short transactions (slices.ts) so the app stays
// responsive while it is written.
import type { FetchQueryObject, ImapFlow } from 'imapflow';
import type { HeaderRecord, MailboxSyncState, Store } from '../store/index.js';
import { searchUids } from './connect.js';
import type { ListedMailbox } from './mailbox-list.js';
import { toHeaderRecord } from './envelope.js';
import { pacer, yieldToLoop, type SliceWriter } from './slices.js';

export const HEADER_QUERY: FetchQueryObject = {
  uid: true,
  flags: true,
  envelope: true,
  bodyStructure: true,
  size: true,
  internalDate: true,
  // A server sends each only when the message has it: nothing more on the wire for the rest.
  headers: ['references', 'list-id', 'list-unsubscribe', 'list-unsubscribe-post'],
};

export interface MailboxSyncContext {
  client: ImapFlow;
  store: Store;
  accountId: number;
  batchSize: number;
  /** Stores each fetched batch in short transactions. */
  writer: SliceWriter;
  /** UIDs reported VANISHED while this mailbox is selected. */
  vanished: Set<number>;
  progress(done: number, total: number): void;
  onNew(count: number): void;
}

export interface MailboxSyncResult {
  added: number;
  removed: number;
  flagsChanged: number;
  skipped: boolean;
}

/** Nothing changed since the last complete sync: no need to even SELECT the mailbox. */
export function unchanged(state: MailboxSyncState, listed: ListedMailbox): boolean {
  const s = listed.status;
  return (
    state.lowUid === 1 &&
    s.highestModseq !== null &&
    state.syncedModseq === s.highestModseq &&
    state.uidValidity === s.uidValidity &&
    state.uidNext === s.uidNext
  );
}

/** Compact UID set: 1,2,3,7 → "1:3,7". */
export function uidSet(uids: readonly number[]): string {
  const sorted = [...uids].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length;) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1) j++;
    parts.push(i === j ? `${sorted[i]}` : `${sorted[i]}:${sorted[j]}`);
    i = j + 1;
  }
  return parts.join(',');
}

async function fetchHeaders(client: ImapFlow, range: string): Promise<HeaderRecord[]> {
  const out: HeaderRecord[] = [];
  const pace = pacer();
  for await (const msg of client.fetch(range, HEADER_QUERY, { uid: true })) {
    out.push(toHeaderRecord(msg));
    await pace();
  }
  return out;
}

export async function syncMailbox(
  ctx: MailboxSyncContext,
  listed: ListedMailbox,
): Promise<MailboxSyncResult> {
  const { client, store } = ctx;
  const result: MailboxSyncResult = { added: 0, removed: 0, flagsChanged: 0, skipped: false };
  let state = (await store.mailboxes.state(listed.id))!;
  if (unchanged(state, listed)) return { ...result, skipped: true };

  // Read-only (EXAMINE): syncing never changes the server, and CLOSE on it expunges nothing.
  const lock = await client.getMailboxLock(listed.path, { readOnly: true });
  ctx.vanished.clear();
  try {
    const box = client.mailbox;
    if (!box) throw new Error(`${listed.path} could not be selected`);
    const uidValidity = box.uidValidity.toString();
    const selectModseq = box.highestModseq !== undefined ? box.highestModseq.toString() : null;

    if (state.uidValidity !== null && state.uidValidity !== uidValidity) {
      // Every cached UID is now meaningless: drop them all, never apply stale UIDs.
      await store.transaction(async (tx) => {
        result.removed += await tx.messages.deleteMailboxMessages(listed.id);
        await tx.mailboxes.resetSync(listed.id, uidValidity);
      });
      state = (await store.mailboxes.state(listed.id))!;
    } else if (state.uidValidity === null) {
      await store.mailboxes.setServerStatus(listed.id, { uidValidity });
    }

    // 1. Mail that arrived above the head.
    if (state.lowUid !== null && box.exists > 0) {
      const fresh = (
        await searchUids(client, { uid: `${state.headUid + 1}:*` }, 'a search for new mail')
      ).filter((u) => u > state.headUid);
      for (let i = 0; i < fresh.length; i += ctx.batchSize) {
        const chunk = fresh.slice(i, i + ctx.batchSize);
        // Upwards: after each slice the head is the highest UID stored.
        const records = (await fetchHeaders(client, uidSet(chunk))).sort((a, b) => a.uid - b.uid);
        await ctx.writer.write(records, async (tx, slice, last) => {
          result.added += (await tx.messages.insertHeaders(ctx.accountId, listed.id, slice)).length;
          const head = last ? chunk.at(-1)! : slice.at(-1)!.uid;
          await tx.mailboxes.setCursor(listed.id, { headUid: head });
        });
        ctx.progress(i + chunk.length, fresh.length);
      }
      if (fresh.length) ctx.onNew(fresh.length);
      state = (await store.mailboxes.state(listed.id))!;
    }

    // 2. Flags and expunges of what is already here.
    if (state.headUid > 0) {
      const changed = await syncFlagsAndExpunges(ctx, state, box.exists, selectModseq);
      result.flagsChanged += changed.flags;
      result.removed += changed.removed;
    } else if (selectModseq !== null) {
      await store.mailboxes.setCursor(listed.id, { syncedModseq: selectModseq });
    }

    // 3. The initial sync, newest first, resuming below low_uid.
    if (state.lowUid !== 1) {
      result.added += await syncOlder(ctx, listed.id, state, box.exists);
    }

    await store.mailboxes.setServerStatus(listed.id, {
      uidNext: box.uidNext,
      highestModseq: selectModseq,
      total: box.exists,
    });
  } finally {
    lock.release();
  }
  return result;
}

async function syncOlder(
  ctx: MailboxSyncContext,
  mailboxId: number,
  state: MailboxSyncState,
  exists: number,
): Promise<number> {
  const { client, store } = ctx;
  let added = 0;
  const below = state.lowUid === null ? '1:*' : `1:${Math.max(state.lowUid - 1, 1)}`;
  let uids = exists > 0 ? await searchUids(client, { uid: below }, 'a search for older mail') : [];
  if (state.lowUid !== null) uids = uids.filter((u) => u < state.lowUid!);
  if (state.lowUid === null) {
    const head = uids.at(-1) ?? 0;
    // Start with an empty stored range [head + 1, head]; each batch extends it downwards.
    await store.mailboxes.setCursor(mailboxId, { headUid: head, lowUid: head + 1 });
  }
  const total = uids.length;
  const chunks: number[][] = [];
  for (let end = uids.length; end > 0; end -= ctx.batchSize)
    chunks.push(uids.slice(Math.max(0, end - ctx.batchSize), end));
  // The next batch is requested before this one is written, so the server works while we do.
  const fetchChunk = (c: number[]) => {
    const p = fetchHeaders(client, `${c[0]}:${c.at(-1)}`);
    // Awaited on the next turn; until then a failure must not count as unhandled.
    p.catch(() => undefined);
    return p;
  };
  let next = chunks.length ? fetchChunk(chunks[0]!) : null;
  let done = 0;
  for (let i = 0; i < chunks.length; i++) {
    const chunk = chunks[i]!;
    // Downwards: after each slice the low cursor is the lowest UID stored; UIDs between
    // the fetched ones were expunged meanwhile. The last slice takes it to the chunk's start.
    const records = (await next!).sort((a, b) => b.uid - a.uid);
    next = i + 1 < chunks.length ? fetchChunk(chunks[i + 1]!) : null;
    // Lets the command just issued reach the socket before the writes.
    if (next) await yieldToLoop();
    const chunkLow = i === chunks.length - 1 ? 1 : chunk[0]!;
    await ctx.writer.write(records, async (tx, slice, last) => {
      added += (await tx.messages.insertHeaders(ctx.accountId, mailboxId, slice)).length;
      await tx.mailboxes.setCursor(mailboxId, { lowUid: last ? chunkLow : slice.at(-1)!.uid });
    });
    done += chunk.length;
    ctx.progress(done, total);
  }
  if (uids.length === 0) await store.mailboxes.setCursor(mailboxId, { lowUid: 1 });
  return added;
}

async function syncFlagsAndExpunges(
  ctx: MailboxSyncContext,
  state: MailboxSyncState,
  exists: number,
  selectModseq: string | null,
): Promise<{ flags: number; removed: number }> {
  const { client, store } = ctx;
  const id = state.id;
  const qresync = client.enabled.has('QRESYNC');
  const range = `1:${state.headUid}`;
  const incremental = selectModseq !== null && state.syncedModseq !== null;
  if (incremental && state.syncedModseq === selectModseq) return { flags: 0, removed: 0 };

  const updates: { uid: number; flags: string[]; modseq: string | null }[] = [];
  const lowUid = state.lowUid ?? state.headUid + 1;
  const seen = new Set<number>();
  const pace = pacer();
  for await (const msg of client.fetch(
    range,
    { uid: true, flags: true },
    { uid: true, ...(incremental ? { changedSince: BigInt(state.syncedModseq!) } : {}) },
  )) {
    seen.add(msg.uid);
    if (msg.uid >= lowUid) {
      updates.push({
        uid: msg.uid,
        flags: [...(msg.flags ?? [])],
        modseq: msg.modseq?.toString() ?? null,
      });
    }
    await pace();
  }

  let gone: number[];
  if (incremental && qresync) {
    gone = [...ctx.vanished];
  } else {
    // Without QRESYNC the only way to learn of expunges is to compare UID lists: a full
    // FLAGS scan already listed every UID; after a CHANGEDSINCE fetch, ask the server only
    // when the counts disagree.
    const local = await store.messages.localUids(id);
    if (!incremental) {
      gone = local.filter((u) => !seen.has(u));
    } else if (local.length > exists) {
      const present = new Set(
        await searchUids(client, { uid: range }, 'a search for expunged mail'),
      );
      gone = local.filter((u) => !present.has(u));
    } else {
      gone = [];
    }
  }

  let flags = 0;
  let removed = 0;
  // The modseq is recorded with the last slice only: a crash before it repeats the scan.
  await ctx.writer.write(updates, async (tx, slice, last) => {
    // A local change not yet replayed wins over the server's older flags; its replay bumps
    // the message's MODSEQ, so a later sync reads the result back.
    const local = await tx.operations.pendingFlagUids(id);
    for (const u of slice) {
      if (!local.has(u.uid) && (await tx.messages.setFlags(id, u.uid, u.flags, u.modseq))) flags++;
    }
    if (!last) return;
    removed = await tx.messages.deleteUids(id, gone);
    if (selectModseq !== null) await tx.mailboxes.setCursor(id, { syncedModseq: selectModseq });
  });
  return { flags, removed };
}
