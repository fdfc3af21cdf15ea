// Sync of one account: folder list, then headers of every folder (Inbox first), then
// bodies. Connection failures are retried with backoff; an error in one folder is recorded
// and the others go on.
import type { MailSecret } from '../secrets/mail-secret.js';
import type { ImapFlow } from 'imapflow';
import { MaildockError, toErrorData, type ErrorCode } from '../../../common/errors.js';
import type { Account, SyncError, SyncPhase, SyncProgress } from '../../../common/types.js';
import type { Store } from '../store/index.js';
import { getLogger } from '../platform/log.js';
import { classifyImapError, connect } from './connect.js';
import { syncMailboxList, type ListedMailbox } from './mailbox-list.js';
import { syncMailbox } from './mailbox-sync.js';
import { fetchOneBody, fetchPendingBodies, type BodyParser } from './bodies.js';
import { downloadPart } from './attachments.js';
import { Replayer, type ReplayResult } from './replay.js';
import { fetchSource, type SourceAt } from './source.js';
import { boundHeapGrowth } from './heap.js';
import { SliceWriter } from './slices.js';

const log = getLogger('sync');

export interface AccountSyncDeps {
  store: Store;
  account: Account;
  password: MailSecret;
  parser: BodyParser;
  timeoutMs?: number;
  headerBatch?: number;
  bodyBatch?: number;
  /** Bytes a body batch fetches at most (see bodies.ts). */
  bodyBatchBytes?: number;
  maxFetchBytes?: number;
  /** Connection attempts per run before giving up (with exponential backoff between). */
  attempts?: number;
  backoffMs?: number;
  onProgress?(p: SyncProgress): void;
  onNew?(p: { accountId: number; mailboxId: number; count: number }): void;
}

/** The codes of a server out of reach: worth another attempt, and the account is offline. */
export const OUT_OF_REACH: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  'CONNECTION_LOST',
  'HOST_UNREACHABLE',
  'TIMEOUT',
]);

/** Whether a failure is the connection's (worth another attempt), judged as errors are classified. */
export function isRetryable(err: unknown): boolean {
  return OUT_OF_REACH.has(classifyImapError(err, { host: '', port: 0 }).code);
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export class AccountSync {
  private readonly vanished = new Set<number>();
  private readonly deps: Required<Omit<AccountSyncDeps, 'onProgress' | 'onNew'>> &
    Pick<AccountSyncDeps, 'onProgress' | 'onNew'>;
  private stopping = false;
  // One per kind of write: each learns how many of its items fit in a short transaction.
  private readonly headerWriter: SliceWriter;
  private readonly bodyWriter: SliceWriter;

  constructor(deps: AccountSyncDeps) {
    boundHeapGrowth();
    this.deps = {
      timeoutMs: 30_000,
      headerBatch: 1000,
      bodyBatch: 1000,
      bodyBatchBytes: 8 * 1024 * 1024,
      maxFetchBytes: 4 * 1024 * 1024,
      attempts: 4,
      backoffMs: 500,
      ...deps,
    };
    this.headerWriter = new SliceWriter(deps.store);
    this.bodyWriter = new SliceWriter(deps.store);
  }

  get accountId(): number {
    return this.deps.account.id;
  }

  stop(): void {
    this.stopping = true;
  }

  async connect(): Promise<ImapFlow> {
    const client = await connect(this.deps.account.imap, this.deps.password, {
      timeoutMs: this.deps.timeoutMs,
      onExpunge: (e) => {
        if (e.uid !== undefined) this.vanished.add(e.uid);
      },
    });
    return client;
  }

  private progress(phase: SyncPhase, done: number, total: number, mailbox?: string): void {
    this.deps.onProgress?.({
      accountId: this.accountId,
      phase,
      done,
      total,
      ...(mailbox ? { mailbox } : {}),
    });
  }

  /** Headers of the given folders (all when omitted), on an open connection. */
  async syncHeaders(client: ImapFlow, only?: readonly string[]): Promise<SyncError[]> {
    const errors: SyncError[] = [];
    this.progress('mailboxes', 0, 1);
    let listed = await syncMailboxList(client, this.deps.store, this.accountId);
    // Local changes go out before the server's state comes in; folders made, renamed or
    // deleted here are then read back as the server now has them.
    if ((await this.replay(client)).folders > 0)
      listed = await syncMailboxList(client, this.deps.store, this.accountId);
    const ordered = [...listed].sort((a, b) => rank(a) - rank(b));
    const wanted = only ? ordered.filter((m) => only.includes(m.path)) : ordered;
    for (const mb of wanted) {
      if (this.stopping) break;
      try {
        const r = await syncMailbox(
          {
            client,
            store: this.deps.store,
            accountId: this.accountId,
            batchSize: this.deps.headerBatch,
            writer: this.headerWriter,
            vanished: this.vanished,
            progress: (done, total) => this.progress('headers', done, total, mb.path),
            onNew: (count) =>
              this.deps.onNew?.({ accountId: this.accountId, mailboxId: mb.id, count }),
          },
          mb,
        );
        if (!r.skipped) log.debug({ mailbox: mb.path, ...r }, 'mailbox synced');
      } catch (err) {
        if (isRetryable(err) || !client.usable) throw err;
        const e = toErrorData(err);
        log.warn({ mailbox: mb.path, code: e.code, err }, 'mailbox sync failed');
        errors.push({ ...e, accountId: this.accountId, mailbox: mb.path });
      }
    }
    return errors;
  }

  /** The headers of these folders now (after an import into one), then `done` for the UI. */
  async syncFolders(client: ImapFlow, paths: readonly string[]): Promise<SyncError[]> {
    try {
      return await this.syncHeaders(client, paths);
    } finally {
      this.progress('done', 1, 1);
    }
  }

  async hasPendingChanges(): Promise<boolean> {
    return (await this.deps.store.operations.pending(this.accountId, 1)).length > 0;
  }

  /** Replays the local changes waiting for the server, oldest first. */
  async replay(client: ImapFlow): Promise<ReplayResult> {
    if (!(await this.hasPendingChanges())) return { done: 0, failed: 0, folders: 0 };
    const r = await new Replayer(client, this.deps.store, this.accountId, (done, total) =>
      this.progress('changes', done, total),
    ).run();
    log.info(r, 'local changes replayed');
    return r;
  }

  async syncBodies(client: ImapFlow): Promise<number> {
    return fetchPendingBodies(client, this.deps.store, this.deps.parser, this.accountId, {
      batchSize: this.deps.bodyBatch,
      batchBytes: this.deps.bodyBatchBytes,
      maxFetchBytes: this.deps.maxFetchBytes,
      writer: this.bodyWriter,
      progress: (done, total) => this.progress('bodies', done, total),
      shouldStop: () => this.stopping,
    });
  }

  /** One complete pass, reconnecting with backoff when the connection drops. */
  async runOnce(opts: { bodies?: boolean } = {}): Promise<SyncError[]> {
    let lastError: unknown;
    for (let attempt = 0; attempt < this.deps.attempts && !this.stopping; attempt++) {
      if (attempt > 0) await sleep(this.deps.backoffMs * 2 ** (attempt - 1));
      let client: ImapFlow | undefined;
      try {
        this.progress('connect', 0, 1);
        client = await this.connect();
        const errors = await this.syncHeaders(client);
        if (opts.bodies !== false) await this.syncBodies(client);
        this.progress('done', 1, 1);
        await client.logout().catch(() => undefined);
        return errors;
      } catch (err) {
        lastError = err;
        client?.close();
        if (!isRetryable(err)) break;
        log.info({ attempt, code: (err as { code?: string }).code }, 'connection lost, retrying');
      }
    }
    return [{ ...toErrorData(lastError), accountId: this.accountId }];
  }

  /** One attachment's content, fetched now on a connection of its own. */
  async downloadAttachment(
    path: string,
    uid: number,
    part: string,
    maxBytes: number,
  ): Promise<Buffer> {
    const client = await this.connect();
    try {
      return await downloadPart(client, path, uid, part, maxBytes);
    } finally {
      await client.logout().catch(() => client.close());
    }
  }

  /** One message exactly as the server has it, fetched now on a connection of its own. */
  async fetchSource(at: SourceAt, maxBytes: number): Promise<Buffer> {
    const client = await this.connect();
    try {
      return await fetchSource(client, at, maxBytes);
    } catch (err) {
      // A connection dropped mid-fetch says so with the codes of a server out of reach.
      throw err instanceof MaildockError ? err : classifyImapError(err, this.deps.account.imap);
    } finally {
      await client.logout().catch(() => client.close());
    }
  }

  /** Several messages exactly as the server has them, in order, on one connection of their own. */
  async fetchSources(at: readonly SourceAt[], maxBytes: number): Promise<Buffer[]> {
    const client = await this.connect();
    try {
      const out: Buffer[] = [];
      for (const one of at) out.push(await fetchSource(client, one, maxBytes));
      return out;
    } catch (err) {
      throw err instanceof MaildockError ? err : classifyImapError(err, this.deps.account.imap);
    } finally {
      await client.logout().catch(() => client.close());
    }
  }

  /** Fetches one message's body now, ahead of the background queue. */
  async fetchBodyNow(messageId: number): Promise<void> {
    const pending = await this.deps.store.bodies.pendingOne(messageId);
    if (!pending) return;
    const client = await this.connect();
    try {
      await fetchOneBody(
        client,
        this.deps.store,
        this.deps.parser,
        pending,
        this.deps.maxFetchBytes,
      );
    } finally {
      await client.logout().catch(() => client.close());
    }
  }
}

function rank(m: ListedMailbox): number {
  return m.role === 'inbox' ? 0 : m.role === 'sent' ? 1 : m.role === 'drafts' ? 2 : 3;
}
