// Replays local changes (store/operations.ts) to the server, oldest first. Each operation
// is closed in the transaction that records the server's answer, so after a crash or a
// lost connection it is replayed again; every step is safe to repeat:
// - flags: STORE +FLAGS / -FLAGS of a UID set;
// - move: UID MOVE (the UIDs leave the source, so a second MOVE finds nothing), else COPY,
//   then STORE \Deleted and UID EXPUNGE, never the delete when the copy failed; a copy
//   that may have happened before a crash is looked for by Message-ID first;
// - expunge: STORE \Deleted and UID EXPUNGE;
// - append (out of a local folder, which is never opened on the server): see append-replay.ts;
// - a folder's create, rename or delete: see folder-replay.ts.
// Until the folder operations recorded after an operation are replayed, the server has its
// folders where they were when it was recorded: it goes to the path it was recorded with.
// A conflict (folder gone, UIDVALIDITY changed, command refused) fails the operation with
// its reason and puts the local state back on the path to the server's.
import type { ImapFlow } from 'imapflow';
import { MaildockError, toErrorData, type ErrorData } from '../../../common/errors.js';
import { isWithin, movedPath } from '../../../common/folder-paths.js';
import type {
  FlagArgs,
  FolderArgs,
  FolderOperationKind,
  MoveArgs,
  OperationItem,
  Store,
  StoredOperation,
  Transaction,
} from '../store/index.js';
import { getLogger } from '../platform/log.js';
import { refused } from './connect.js';
import { failAppend, replayAppend } from './append-replay.js';
import { recordedPath, replayFolder } from './folder-replay.js';
import { uidSet } from './mailbox-sync.js';

const log = getLogger('replay');

export interface ReplayResult {
  done: number;
  failed: number;
  /** Folder operations closed (done or failed): the server's folder list is worth reading again. */
  folders: number;
}

const isFolderOperation = (
  op: StoredOperation,
): op is StoredOperation & { kind: FolderOperationKind } => op.kind.startsWith('mailbox-');

/** The folders here under `from` (it included) moved to `to`, as the server has them. */
async function followServer(
  tx: Transaction,
  accountId: number,
  from: string,
  to: string,
  delimiter: string | null,
): Promise<void> {
  const all = (await tx.mailboxes.list(accountId)).filter((m) => !m.local);
  if (all.some((m) => m.path === to)) return;
  for (const m of all.filter((b) => isWithin(b.path, from, delimiter)))
    await tx.mailboxes.rename(m.id, {
      path: movedPath(m.path, from, to),
      name: m.name,
      delimiter: m.delimiter,
      role: m.role,
    });
}

/** The server refused this operation (not the connection): it fails, and the rest go on. */
class Conflict extends MaildockError {}

function sameFlagBatch(a: StoredOperation, b: StoredOperation): boolean {
  return (
    a.kind === 'flags' &&
    b.kind === 'flags' &&
    a.mailboxId === b.mailboxId &&
    a.uidValidity === b.uidValidity &&
    JSON.stringify(a.args) === JSON.stringify(b.args)
  );
}

export class Replayer {
  private done = 0;
  private failed = 0;
  private folders = 0;
  /** The last folder operation waiting in the batch being replayed (0: none). */
  private lastFolderOperation = 0;

  constructor(
    private readonly client: ImapFlow,
    private readonly store: Store,
    private readonly accountId: number,
    private readonly progress: (done: number, total: number) => void = () => undefined,
  ) {}

  async run(): Promise<ReplayResult> {
    const seen = new Set<number>();
    for (;;) {
      const ops = (await this.store.operations.pending(this.accountId, 5000)).filter(
        (o) => !seen.has(o.id),
      );
      if (!ops.length) break;
      this.lastFolderOperation = Math.max(0, ...ops.filter(isFolderOperation).map((o) => o.id));
      const total = ops.length;
      let i = 0;
      while (i < ops.length) {
        // Consecutive flag changes of one folder go out as one command over a UID set.
        let j = i + 1;
        while (j < ops.length && sameFlagBatch(ops[i]!, ops[j]!)) j++;
        const group = ops.slice(i, j);
        for (const op of group) seen.add(op.id);
        await this.replay(group);
        i = j;
        this.progress(i, total);
      }
    }
    await this.store.operations.prune();
    return { done: this.done, failed: this.failed, folders: this.folders };
  }

  /** The UID an item has in the operation's mailbox now (a message moved there locally
   * learns its UID when that move is replayed); null when there is none. */
  private async resolve(op: StoredOperation, it: OperationItem): Promise<number | null> {
    if (it.uid > 0) return it.uid;
    if (op.mailboxId === null) return null;
    const row = await this.store.messages.uidIn(it.id, op.mailboxId);
    if (row !== null && row > 0) return row;
    // Moved here by an earlier operation: its UID here is in that operation's answer.
    return this.store.operations.movedUid(it.id, op.mailboxId);
  }

  private async uids(
    op: StoredOperation,
  ): Promise<{ uids: number[]; items: Map<number, OperationItem> }> {
    const items = new Map<number, OperationItem>();
    for (const it of op.items) {
      const uid = await this.resolve(op, it);
      if (uid !== null) items.set(uid, it);
    }
    return { uids: [...items.keys()].sort((a, b) => a - b), items };
  }

  private async finish(
    op: StoredOperation,
    result?: StoredOperation['result'],
    after?: (tx: Transaction) => Promise<void>,
  ): Promise<void> {
    await this.store.transaction(async (tx) => {
      if (await tx.operations.finish(op.id, 'done', result ? { result } : {})) await after?.(tx);
    });
    this.done++;
  }

  /** Ends an operation the server cannot take, and steers the local state to the server's. */
  private async fail(op: StoredOperation, error: ErrorData): Promise<void> {
    log.warn({ operation: op.id, kind: op.kind, code: error.code }, 'operation failed');
    await this.store.transaction(async (tx) => {
      if (!(await tx.operations.finish(op.id, 'failed', { error }))) return;
      if (op.kind === 'move' && op.mailboxId !== null) {
        let missing = false;
        for (const it of op.items) {
          if ((await tx.messages.uidIn(it.id)) !== null)
            await tx.messages.place(it.id, op.mailboxId, it.uid);
          else missing = true;
        }
        // Rows lost with a deleted target folder come back from the server.
        if (missing) await tx.mailboxes.setCursor(op.mailboxId, { lowUid: null });
      }
    });
    this.failed++;
  }

  private async replay(group: StoredOperation[]): Promise<void> {
    const first = group[0]!;
    const mailbox =
      first.mailboxId !== null ? await this.store.mailboxes.info(first.mailboxId) : null;
    await this.store.transaction(async (tx) => {
      for (const op of group) await tx.operations.countAttempt(op.id);
    });
    if (isFolderOperation(first)) return this.folder(first);
    if (first.kind === 'append') return this.append(first);
    // A folder renamed or deleted here after this operation is still where it was on the
    // server (a deleted one has no row any more: its path is the operation's own).
    const asRecorded = first.id < this.lastFolderOperation;
    const path = asRecorded || !mailbox ? first.path : mailbox.path;
    if (!mailbox && !asRecorded) {
      for (const op of group)
        await this.fail(op, {
          code: 'MAILBOX_GONE',
          message: `The folder ${op.path} no longer exists.`,
          fields: { path: op.path },
        });
      return;
    }
    if (
      first.kind === 'move' &&
      first.step !== 'copied' &&
      first.attempts > 0 &&
      !this.client.capabilities.has('MOVE')
    ) {
      await this.findEarlierCopies(first);
    }
    let lock;
    try {
      lock = await this.client.getMailboxLock(path);
    } catch (err) {
      if (!this.client.usable) throw err;
      for (const op of group)
        await this.fail(op, {
          code: 'MAILBOX_GONE',
          message: `The folder ${path} cannot be opened: ${(err as Error).message}`,
          fields: { path },
        });
      return;
    }
    try {
      const validity = this.client.mailbox ? this.client.mailbox.uidValidity.toString() : null;
      const live: StoredOperation[] = [];
      for (const op of group) {
        if (op.uidValidity !== null && validity !== null && op.uidValidity !== validity) {
          await this.fail(op, {
            code: 'MAILBOX_GONE',
            message: `The folder ${path} was reset on the server; its messages are fetched again.`,
            fields: { path, uidValidity: validity },
          });
        } else {
          live.push(op);
        }
      }
      if (!live.length) return;
      try {
        if (first.kind === 'flags') await this.flags(live);
        else if (first.kind === 'move') await this.move(live[0]!);
        else await this.expunge(live[0]!);
      } catch (err) {
        if (err instanceof Conflict || (err instanceof MaildockError && this.client.usable)) {
          for (const op of live) await this.fail(op, toErrorData(err));
        } else {
          throw err;
        }
      }
    } finally {
      lock.release();
    }
  }

  /** Messages out of a local folder; refused by the server, it fails alone. */
  private async append(op: StoredOperation): Promise<void> {
    try {
      await replayAppend(this.client, this.store, op);
      this.done++;
    } catch (err) {
      if (!(err instanceof MaildockError) || !this.client.usable) throw err;
      log.warn({ operation: op.id, kind: op.kind, code: err.code }, 'operation failed');
      await failAppend(this.store, op, err.toData());
      this.failed++;
    }
  }

  /** A folder's create, rename or delete; refused by the server, it fails alone. */
  private async folder(op: StoredOperation): Promise<void> {
    let there: string | null;
    try {
      there = await replayFolder(this.client, op);
    } catch (err) {
      if (!(err instanceof MaildockError) || !this.client.usable) throw err;
      await this.fail(op, err.toData());
      this.folders++;
      return;
    }
    const recorded = recordedPath(op);
    await this.finish(op, undefined, async (tx) => {
      // The server put it under its namespace's prefix: the folder here follows, keeping its id.
      if (there !== null && recorded !== null && there !== recorded)
        await followServer(tx, op.accountId, recorded, there, (op.args as FolderArgs).delimiter);
    });
    this.folders++;
  }

  private async flags(ops: StoredOperation[]): Promise<void> {
    const args = ops[0]!.args as FlagArgs;
    const all = new Set<number>();
    for (const op of ops) for (const uid of (await this.uids(op)).uids) all.add(uid);
    if (all.size) {
      const set = uidSet([...all]);
      if (args.add.length && !(await this.client.messageFlagsAdd(set, args.add, { uid: true })))
        throw await refused(this.client, `to set ${args.add.join(' ')}`);
      if (
        args.remove.length &&
        !(await this.client.messageFlagsRemove(set, args.remove, { uid: true }))
      )
        throw await refused(this.client, `to clear ${args.remove.join(' ')}`);
    }
    for (const op of ops) await this.finish(op);
  }

  private async expunge(op: StoredOperation): Promise<void> {
    const { uids } = await this.uids(op);
    if (uids.length && !(await this.client.messageDelete(uidSet(uids), { uid: true })))
      throw await refused(this.client, 'to delete the messages');
    await this.finish(op);
  }

  /**
   * Before copying again after an attempt that may have copied already: which messages
   * the target holds by Message-ID. Recorded as the operation's partial result.
   */
  private async findEarlierCopies(op: StoredOperation): Promise<void> {
    const args = op.args as MoveArgs;
    const wanted = op.items.filter((it) => it.msgid);
    if (!wanted.length) return;
    let lock;
    try {
      lock = await this.client.getMailboxLock(args.toPath, { readOnly: true });
    } catch (err) {
      if (!this.client.usable) throw err;
      return; // The copy itself will report the folder's trouble.
    }
    const map: [number, number][] = [];
    try {
      for (const it of wanted) {
        const found = await this.client.search(
          { header: { 'message-id': it.msgid! } },
          { uid: true },
        );
        if (found === false) {
          const why = await refused(this.client, 'a search');
          if (!(why instanceof MaildockError)) throw why;
        }
        if (found && found.length) map.push([it.uid, Math.max(...found)]);
      }
    } finally {
      lock.release();
    }
    if (map.length) await this.store.operations.setStep(op.id, 'partial', { uidMap: map });
    op.step = 'partial';
    op.result = { uidMap: map };
  }

  private async move(op: StoredOperation): Promise<void> {
    const args = op.args as MoveArgs;
    const { uids, items } = await this.uids(op);
    let uidMap: [number, number][] = [];
    if (uids.length && this.client.capabilities.has('MOVE')) {
      const res = await this.client.messageMove(uidSet(uids), args.toPath, { uid: true });
      if (!res) {
        const why = await refused(this.client, `the move to ${args.toPath}`);
        throw why instanceof MaildockError ? new Conflict(why.code, why.message, why.fields) : why;
      }
      uidMap = [...(res.uidMap ?? new Map<number, number>())];
    } else if (uids.length) {
      uidMap = op.step === 'copied' || op.step === 'partial' ? [...(op.result?.uidMap ?? [])] : [];
      if (op.step !== 'copied') {
        const copied = new Set(uidMap.map(([a]) => a));
        const rest = uids.filter((u) => !copied.has(u));
        if (rest.length) {
          const res = await this.client.messageCopy(uidSet(rest), args.toPath, { uid: true });
          if (!res) {
            const why = await refused(this.client, `the copy to ${args.toPath}`);
            // Nothing was deleted: the messages stay where they are on the server.
            throw why instanceof MaildockError
              ? new Conflict(why.code, why.message, why.fields)
              : why;
          }
          uidMap.push(...(res.uidMap ?? new Map<number, number>()));
        }
        await this.store.operations.setStep(op.id, 'copied', { uidMap });
      }
      if (!(await this.client.messageDelete(uidSet(uids), { uid: true })))
        throw await refused(this.client, `to remove the moved messages from ${op.path}`);
    }
    const newUid = new Map(uidMap);
    await this.finish(op, { uidMap }, async (tx) => {
      const targets = new Map<number, number>();
      for (const [uid, it] of items) {
        const target = newUid.get(uid);
        if (target !== undefined) targets.set(it.id, target);
      }
      for (const it of op.items) {
        // A message the user moved on since is left to the operation that moves it on.
        if (!(await tx.messages.isPlaceholder(it.id, args.toMailboxId))) continue;
        const target = targets.get(it.id);
        if (target !== undefined) await tx.messages.place(it.id, args.toMailboxId, target);
        // Without COPYUID the new UID is unknown (and a message already gone has none): the
        // next sync of the target brings what is there.
        else await tx.messages.deleteIds([it.id]);
      }
    });
  }
}
