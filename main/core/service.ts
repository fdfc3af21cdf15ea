// The one object that implements the contract in common/api.ts on top of the store, the
// sync engine, the secret store and the MIME pool. Every shell (CLI, desktop IPC, HTTP)
// goes through `invoke`, which parses input and output with the contract's schemas.
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  methods,
  type Api,
  type EventName,
  type EventPayload,
  type MethodName,
  type MethodOutput,
  type Result,
} from '../../common/api.js';
import { MaildockError, toErrorData } from '../../common/errors.js';
import {
  APP_SETTINGS_DEFAULTS,
  appSettingsSchema,
  type Account,
  type AccountInput,
  type AppSettings,
  type RestoreResult,
  type SyncError,
  type SyncSummary,
} from '../../common/types.js';
import { appVersion } from './paths.js';
import { Backups } from './backup/backups.js';
import { recoverRestore } from './backup/restore.js';
import { restoreAll, type RestoreAllOptions } from './backup/restore-all.js';
import { LocalActions } from './actions/actions.js';
import { CoreEvents } from './events.js';
import { readMethods, remoteContentAllowed } from './read-methods.js';
import { SyncStates } from './sync-state.js';
import { getLogger } from './log.js';
import { MimePool } from './mime/pool.js';
import { Sending, type SendingOptions } from './send/sending.js';
import { chooseSecretStore, parseBackend } from './secrets/choose.js';
import { accountSecretKey, type SecretStore } from './secrets/secret-store.js';
import { Store } from './store/index.js';
import { SearchIndex } from './store/search.js';
import { SearchReindex } from './sync/search-reindex.js';
import type { StoredAttachment } from './store/messages.js';
import type { AccountSync } from './sync/account-sync.js';
import type { BodyParser } from './sync/bodies.js';
import type { WatchOptions } from './sync/watch.js';
import type { StackMethods, StackOptions } from './stack/stack-methods.js';

// The IMAP side loads on first use: reading and searching the local store starts at once.
const syncModule = () => import('./sync/account-sync.js');

const log = getLogger('service');
/** Attachments travel whole through the contract; larger ones need a streaming path. */
const MAX_ATTACHMENT_BYTES = 64 * 1024 * 1024;
const APP_SETTINGS_KEY = 'app.settings';

/** The data folder's secret store, by MAILDOCK_SECRETS / MAILDOCK_SECRET_KEY (secrets/choose.ts). */
const chooseSecrets = (dataDir: string, o: { secretsBackend?: string; secretKey?: string }) =>
  chooseSecretStore({
    dataDir,
    backend: parseBackend(o.secretsBackend),
    ...(o.secretKey ? { secretKey: o.secretKey } : {}),
  });

const checkpointInBackground = (store: Store) =>
  store.checkpointInBackground({
    onError: (message) => log.warn({ message }, 'background checkpoint failed'),
  });

export interface ServiceOptions {
  dataDir: string;
  /** base64 key for the encrypted secret file (MAILDOCK_SECRET_KEY); else a key file. */
  secretKey?: string;
  /** A store of the caller's own; else one is chosen (main/core/secrets/choose.ts). */
  secrets?: SecretStore;
  /** The explicit choice of the secret store: MAILDOCK_SECRETS's "keychain" or "file". */
  secretsBackend?: string;
  parser?: BodyParser;
  /** IMAP timeouts in ms. */
  timeoutMs?: number;
  /** Connection attempts per sync run. */
  attempts?: number;
  /** Undo-send delay, SMTP timeouts, retry backoff. */
  send?: SendingOptions;
  /** The Docker socket and compose file of the bundled stack. */
  stack?: StackOptions;
  /**
   * WAL checkpoints in a thread of their own (store/checkpoint.ts), for the processes that
   * answer while they sync: the server and the desktop app. watch() turns them on too; a
   * short command keeps SQLite's own and starts no thread.
   */
  backgroundCheckpoints?: boolean;
  /** anyPath false: backups are named by file name in DATA_DIR/backups only (HTTP). */
  backups?: { anyPath?: boolean; clock?: { checkMs?: number; hourMs?: number } };
}

export class MaildockService {
  api!: Api;
  private readonly events = new CoreEvents();
  private search!: SearchIndex;
  private reindex: SearchReindex | null = null;
  private pool: MimePool | null = null;
  private readonly errors = new Map<number, SyncError[]>();
  private sending!: Sending;
  private watchers: { accountId: number; stop(): Promise<void>; changed?(): void }[] = [];
  private actions!: LocalActions;
  private stackMethods: StackMethods | null = null;
  private syncStates!: SyncStates;
  /** Set while watch() runs: accounts added meanwhile are watched too. */
  private watchOpts: WatchOptions | null = null;
  private restoring = false;
  /** While a restore swaps the data folder: calls wait for it, then meet the restored data. */
  private swapping: Promise<void> | null = null;

  private constructor(
    public store: Store,
    private readonly secrets: SecretStore,
    private readonly opts: ServiceOptions,
  ) {
    this.attach(store);
  }

  /** Every part that works on the store, made for this one (again after a restore). */
  private attach(store: Store): void {
    this.store = store;
    this.search = new SearchIndex(store.db);
    this.actions = new LocalActions(store);
    this.syncStates = new SyncStates(store, (state) => this.events.emit('sync.state', state));
    this.sending = new Sending({
      store,
      account: (id) => this.account(id),
      password: (account) => this.password(account),
      attachmentContent: (a) => this.attachmentContent(a),
      replied: (accountId, messageId) => {
        this.changed(this.actions.markAnswered(accountId, messageId));
      },
      options: {
        ...(this.opts.timeoutMs ? { timeoutMs: this.opts.timeoutMs } : {}),
        ...this.opts.send,
      },
    });
    this.backupsPart = null;
    this.errors.clear();
    this.api = this.buildApi();
    this.reindex = new SearchReindex(store, {
      onProgress: (p) => {
        this.events.emit('sync.progress', p);
        this.syncStates.progress(p);
      },
      onAccountDone: (accountId) => this.syncStates.phaseEnded(accountId, 'index'),
    });
    void this.reindex.start();
  }

  static async open(opts: ServiceOptions): Promise<MaildockService> {
    // A restore a crash interrupted is finished or rolled back before the store is opened.
    const recovered = await recoverRestore(opts.dataDir);
    if (recovered !== 'none') log.warn({ recovered }, 'an interrupted restore was completed');
    const store = Store.open(join(opts.dataDir, 'maildock.db'));
    if (opts.backgroundCheckpoints) checkpointInBackground(store);
    try {
      let secrets = opts.secrets;
      if (!secrets) {
        const chosen = await chooseSecrets(opts.dataDir, opts);
        secrets = chosen.store;
        const { backend, reason, migrated } = chosen;
        log.info({ backend, reason, migrated }, 'secret store chosen');
      }
      return new MaildockService(store, secrets, opts);
    } catch (err) {
      store.close();
      throw err;
    }
  }

  /**
   * Restores a backup into a data folder that no service has open (`maildock backup restore`;
   * a running app restores through backup.restore): verified, staged, swapped in at once,
   * never half; the stack's data put back and the stack restarted.
   */
  static async restoreBackup(
    dataDir: string,
    file: string,
    opts: Omit<RestoreAllOptions, 'secretStore'> & {
      secretsBackend?: string;
      secretKey?: string;
    } = {},
  ): Promise<RestoreResult> {
    return restoreAll(dataDir, file, {
      ...opts,
      secretStore: async () => (await chooseSecrets(dataDir, opts)).store,
    });
  }

  /**
   * backup.restore from inside a running app or server: verified and staged while everything
   * goes on; then sync, sending, the schedule and the stack stop, the store closes, the data
   * is swapped, and all of it starts again on the restored data. Calls made during the swap
   * wait for it.
   */
  private async restoreHere(input: {
    file: string;
    passphrase?: string | undefined;
  }): Promise<RestoreResult> {
    if (this.restoring)
      throw new MaildockError('ALREADY_EXISTS', 'A restore is already running; wait for it.');
    const file = await this.backups.existing(input.file);
    this.restoring = true;
    const watching = this.watchOpts;
    const monitoring = this.stackMethods?.monitor.active ?? false;
    let release = () => {};
    let suspended = false;
    const resume = async () => {
      if (!suspended) return;
      suspended = false;
      try {
        const store = Store.open(join(this.opts.dataDir, 'maildock.db'));
        if (this.opts.backgroundCheckpoints) checkpointInBackground(store);
        this.attach(store);
      } finally {
        // Calls waiting for the swap go on even if the store did not open (they then fail).
        this.swapping = null;
        release();
      }
      if (watching) await this.watch(watching);
    };
    try {
      const result = await restoreAll(this.opts.dataDir, file, {
        ...(input.passphrase !== undefined ? { passphrase: input.passphrase } : {}),
        ...(this.opts.stack ? { stack: this.opts.stack } : {}),
        onProgress: (p) => this.events.emit('backup.progress', p),
        onStackProgress: (p) => this.events.emit('stack.progress', p),
        secretStore: async () => this.secrets,
        release: async () => {
          this.swapping = new Promise((r) => (release = r));
          suspended = true;
          await this.suspend();
        },
        afterSwap: resume,
      });
      if (monitoring) await this.monitorStack();
      log.info({ files: result.files, stack: result.stack }, 'backup restored in place');
      return result;
    } finally {
      // A restore refused after the store closed (another process holds it) opens it again.
      await resume();
      this.restoring = false;
    }
  }

  /** Everything that works on the store stopped and the store closed (a restore's swap). */
  private async suspend(): Promise<void> {
    await this.reindex?.stop();
    await this.backupsPart?.stop();
    this.stackMethods?.stop();
    this.stackMethods = null;
    await this.sending.stop();
    this.watchOpts = null;
    await Promise.all(this.watchers.map((w) => w.stop()));
    this.watchers = [];
    this.store.close();
  }

  /** The transport-neutral entry point: validated input in, a Result out, never a throw. */
  async invoke<M extends MethodName>(method: M, input: unknown): Promise<Result<MethodOutput<M>>> {
    const spec = methods[method];
    if (!spec)
      return {
        ok: false,
        error: { code: 'INVALID_INPUT', message: `Unknown method ${String(method)}.` },
      };
    const parsed = spec.input.safeParse(input ?? {});
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const path = issue?.path.join('.') || 'input';
      return {
        ok: false,
        error: {
          code: 'INVALID_INPUT',
          message: `${path}: ${issue?.message ?? 'invalid'}`,
          fields: { path },
        },
      };
    }
    try {
      while (this.swapping) await this.swapping;
      const fn = this.api[method] as (i: unknown) => Promise<unknown>;
      const value = spec.output.parse(await fn(parsed.data)) as MethodOutput<M>;
      return { ok: true, value };
    } catch (err) {
      const error = toErrorData(err);
      if (error.code === 'INTERNAL') log.error({ err, method }, 'method failed');
      return { ok: false, error };
    }
  }

  on<E extends EventName>(event: E, fn: (payload: EventPayload<E>) => void): () => void {
    return this.events.on(event, fn);
  }

  /** For health checks: whether the store still answers a trivial query. */
  healthy(): boolean {
    try {
      return this.store.db.prepare('SELECT 1 AS ok').get() !== undefined;
    } catch {
      return false;
    }
  }

  private parser(): BodyParser {
    if (this.opts.parser) return this.opts.parser;
    this.pool ??= new MimePool();
    return this.pool;
  }

  /** The account's one password: IMAP and SMTP log in with the same secret. */
  private async password(account: Account): Promise<string> {
    const password = await this.secrets.get(accountSecretKey(account.id));
    if (password === null) {
      throw new MaildockError('SECRET_UNAVAILABLE', `No password is stored for ${account.email}.`, {
        accountId: account.id,
      });
    }
    return password;
  }

  private async accountSync(account: Account): Promise<AccountSync> {
    const password = await this.password(account);
    const { AccountSync } = await syncModule();
    return new AccountSync({
      store: this.store,
      account,
      password,
      parser: this.parser(),
      ...(this.opts.timeoutMs ? { timeoutMs: this.opts.timeoutMs } : {}),
      ...(this.opts.attempts ? { attempts: this.opts.attempts } : {}),
      onProgress: (p) => {
        this.events.emit('sync.progress', p);
        this.syncStates.progress(p);
      },
      onNew: (p) => this.events.emit('mail.new', p),
    });
  }

  private account(id: number): Account {
    const account = this.store.accounts.get(id);
    if (!account)
      throw new MaildockError('NOT_FOUND', `There is no account ${id}.`, { accountId: id });
    return account;
  }

  private async testConnection(input: AccountInput): Promise<string[]> {
    const { connect } = await import('./sync/connect.js');
    const client = await connect(input.imap, input.password, {
      timeoutMs: this.opts.timeoutMs ?? 15_000,
    });
    const caps = [...(client.capabilities as Map<string, unknown>).keys()];
    await client.logout().catch(() => client.close());
    return caps;
  }

  /** Deletes cached attachment files no message refers to any more (a removed account's). */
  private async forgetCachedAttachments(hashes: readonly string[]): Promise<void> {
    const dir = join(this.opts.dataDir, 'attachments');
    for (const hash of hashes) {
      // Names come from the store: only a SHA-256 in hex ever names a file here.
      if (!/^[0-9a-f]{64}$/.test(hash)) continue;
      await rm(join(dir, hash), { force: true }).catch((err: unknown) =>
        log.warn({ err }, 'cached attachment not deleted'),
      );
    }
  }

  /** From the local cache when it was downloaded before, else from the server (then cached). */
  private async attachmentContent(a: StoredAttachment): Promise<Buffer> {
    const dir = join(this.opts.dataDir, 'attachments');
    if (a.contentHash) {
      try {
        return await readFile(join(dir, a.contentHash));
      } catch {
        // Removed from the cache: download it again below.
      }
    }
    if (!a.partId) {
      throw new MaildockError('NOT_FOUND', 'The server has no part number for this attachment.', {
        attachmentId: a.id,
      });
    }
    const sync = await this.accountSync(this.account(a.accountId));
    const data = await sync.downloadAttachment(a.path, a.uid, a.partId, MAX_ATTACHMENT_BYTES);
    const hash = createHash('sha256').update(data).digest('hex');
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const tmp = join(dir, `.${hash}.${process.pid}.tmp`);
    await writeFile(tmp, data, { mode: 0o600 });
    await rename(tmp, join(dir, hash));
    this.store.messages.setAttachmentHash(a.id, hash);
    return data;
  }

  summary(): SyncSummary {
    const { messages, bodies } = this.store.messages.counts();
    return {
      accounts: this.store.accounts.list().length,
      mailboxes: this.store.mailboxes.count(),
      messages,
      bodies,
      errors: [...this.errors.values()].flat(),
      operations: this.store.operations.counts(),
    };
  }

  private backupsPart: Backups | null = null;
  private get backups(): Backups {
    this.backupsPart ??= new Backups({
      dataDir: this.opts.dataDir,
      db: this.store.db,
      app: appVersion(),
      secrets: this.secrets,
      anyPath: this.opts.backups?.anyPath ?? true,
      settings: this.store.settings,
      stack: async () => (await this.stack()).controller,
      onProgress: (p) => this.events.emit('backup.progress', p),
      onError: (err) => log.warn({ err }, 'scheduled backup failed'),
      ...(this.opts.backups?.clock ? { clock: this.opts.backups.clock } : {}),
    });
    return this.backupsPart;
  }

  /** The desktop app's settings, with the given fields changed first. */
  appSettings(patch: Partial<AppSettings> = {}): AppSettings {
    return this.store.settings.patchJson(
      APP_SETTINGS_KEY,
      appSettingsSchema.partial(),
      APP_SETTINGS_DEFAULTS,
      patch,
    );
  }

  private buildApi(): Api {
    return {
      'account.test': async (input) => ({ capabilities: await this.testConnection(input) }),
      'account.add': async (input) => {
        await this.testConnection(input);
        const { password, ...settings } = input;
        const account = this.store.accounts.add(settings);
        try {
          await this.secrets.set(accountSecretKey(account.id), password);
        } catch (err) {
          this.store.accounts.remove(account.id);
          throw err;
        }
        log.info({ accountId: account.id }, 'account added');
        if (this.watchOpts) await this.watchAccount(account, this.watchOpts);
        return account;
      },
      'account.list': async () => this.store.accounts.list(),
      'account.remove': async ({ id }) => {
        this.account(id);
        // Its watcher first: a pass still writing would meet an account that is gone.
        await this.unwatch(id);
        const { removed, cachedAttachments } = this.store.accounts.remove(id);
        await this.forgetCachedAttachments(cachedAttachments);
        await this.secrets.delete(accountSecretKey(id));
        this.errors.delete(id);
        this.syncStates.forget(id);
        return { removed };
      },
      ...readMethods(this.store, this.search),
      'message.get': async ({ id }) => {
        let detail = this.store.messages.detail(id);
        if (!detail)
          throw new MaildockError('NOT_FOUND', `There is no message ${id}.`, { messageId: id });
        if (detail.message.bodyState === 'pending') {
          // What the user opens jumps the queue: fetched now on its own connection.
          try {
            const sync = await this.accountSync(this.account(detail.message.accountId));
            await sync.fetchBodyNow(id);
            detail = this.store.messages.detail(id) ?? detail;
          } catch (err) {
            log.warn({ messageId: id, code: toErrorData(err).code }, 'body fetch on open failed');
          }
        }
        return {
          ...detail,
          remoteContentAllowed: remoteContentAllowed(this.store, detail.message.from),
        };
      },
      'attachment.get': async ({ id }) => {
        const a = this.store.messages.attachment(id);
        if (!a)
          throw new MaildockError('NOT_FOUND', `There is no attachment ${id}.`, {
            attachmentId: id,
          });
        const data = await this.attachmentContent(a);
        return {
          id,
          filename: a.filename,
          contentType: a.contentType,
          size: data.length,
          data: data.toString('base64'),
        };
      },
      'message.mark': async ({ read, flagged, undoable, ...sel }) =>
        this.changed(
          this.actions.mark(
            sel,
            {
              ...(read !== undefined ? { read } : {}),
              ...(flagged !== undefined ? { flagged } : {}),
            },
            { undoable },
          ),
        ),
      'message.move': async ({ mailboxId, path, role, ...sel }) =>
        this.changed(
          this.actions.move(sel, {
            ...(mailboxId !== undefined ? { mailboxId } : {}),
            ...(path !== undefined ? { path } : {}),
            ...(role !== undefined ? { role } : {}),
          }),
        ),
      'message.delete': async (sel) => this.changed(this.actions.delete(sel)),
      'action.undo': async ({ actionId }) => {
        const r = this.actions.undo(actionId);
        if (r.undone) this.kick();
        return r;
      },
      'operation.list': async ({ state, limit }) => this.store.operations.list(state, limit),
      // ---- Sending (outbox, drafts): main/core/send/sending.ts ----
      'outbox.send': async (input) => this.sending.send(input),
      'outbox.list': async (input) => this.sending.list(input),
      'outbox.retry': async (input) => this.sending.retry(input),
      'outbox.cancel': async ({ id }) => this.sending.cancel(id),
      'outbox.edit': async (input) => this.sending.edit(input),
      'outbox.resend': async ({ id }) => this.sending.resend(id),
      'outbox.settings': async (input) => this.sending.settings(input),
      'app.settings': async (patch) => this.appSettings(patch),
      'app.info': async () => ({ version: appVersion(), secrets: this.secrets.kind }),
      // ---- Backups: main/core/backup/ ----
      'backup.create': async (input) => {
        if (this.restoring)
          throw new MaildockError(
            'ALREADY_EXISTS',
            'A backup is being restored; back up once it has finished.',
          );
        return this.backups.create(input);
      },
      'backup.verify': async (input) => this.backups.verify(input),
      'backup.list': async () => this.backups.list(),
      'backup.cancel': async () => this.backups.cancel(),
      'backup.schedule': async (patch) => this.backups.schedule(patch),
      'backup.restore': async (input) => this.restoreHere(input),
      'draft.save': async (input) => this.sending.saveDraft(input),
      'draft.list': async ({ accountId }) => this.sending.listDrafts(accountId),
      'draft.delete': async ({ id }) => this.sending.deleteDraft(id),
      'draft.get': async ({ id }) => this.sending.getDraft(id),
      'sync.run': async ({ accountId }) => {
        const accounts = accountId ? [this.account(accountId)] : this.store.accounts.list();
        for (const account of accounts) {
          let errors: SyncError[];
          try {
            errors = await (await this.accountSync(account)).runOnce();
          } catch (err) {
            errors = [{ ...toErrorData(err), accountId: account.id }];
          }
          // After the IMAP sync: what is due leaves, Sent gets its copies, drafts go up.
          errors = [...errors, ...(await this.sending.runAccount(account))];
          this.errors.set(account.id, errors);
          this.syncStates.finished(account.id, errors);
          for (const e of errors) {
            this.events.emit('sync.error', {
              accountId: account.id,
              error: {
                code: e.code,
                message: e.message,
                ...(e.fields ? { fields: e.fields } : {}),
              },
            });
          }
        }
        return this.summary();
      },
      'sync.summary': async () => this.summary(),
      'sync.state': async () => this.syncStates.list(this.store.accounts.list().map((a) => a.id)),
      // ---- The bundled stack: main/core/stack/stack-methods.ts ----
      'stack.config': async (patch) => (await this.stack()).config(patch),
      'stack.up': async (input) => (await this.stack()).up(input),
      'stack.status': async () => (await this.stack()).controller.status(),
      'stack.start': async ({ service }) => (await this.stack()).controller.start(service),
      'stack.stop': async ({ service }) => (await this.stack()).controller.stop(service),
      'stack.restart': async ({ service }) => (await this.stack()).controller.restart(service),
      'stack.down': async ({ volumes }) => (await this.stack()).controller.down({ volumes }),
      'stack.logs': async ({ service, tail, since }) =>
        (await this.stack()).controller.logs(service, { tail, ...(since ? { since } : {}) }),
      'stack.health': async (input) => (await this.stack()).health(input),
      'stack.user.add': async (input) => (await this.stack()).addUser(input),
      'stack.user.list': async () => (await this.stack()).listUsers(),
      'stack.user.remove': async (input) => (await this.stack()).removeUser(input),
    };
  }

  /** The stack's side (dockerode and the probes' clients) loads on first use. */
  private async stack(): Promise<StackMethods> {
    if (!this.stackMethods) {
      const { StackMethods } = await import('./stack/stack-methods.js');
      this.stackMethods = new StackMethods({
        dataDir: this.opts.dataDir,
        store: this.store,
        ...(this.opts.stack ? { options: this.opts.stack } : {}),
        onProgress: (p) => this.events.emit('stack.progress', p),
        onHealth: (h) => this.events.emit('stack.health', h),
        addAccount: async (input) => this.api['account.add'](input),
        removeAccount: async (id) => {
          await this.api['account.remove']({ id });
        },
      });
    }
    return this.stackMethods;
  }

  /** Probes the stack every interval until close(), pushing each round as a stack.health event. */
  async monitorStack(intervalMs?: number): Promise<void> {
    (await this.stack()).monitor.start(intervalMs);
  }

  /** After a local action: a watching service replays it to the server at once. */
  private changed<T extends { actionId: number | null }>(r: T): T {
    if (r.actionId !== null) this.kick();
    return r;
  }

  private kick(): void {
    for (const w of this.watchers) w.changed?.();
  }

  /** Keeps every account in sync until stop(): IDLE on the Inbox, a timer for the rest. */
  async watch(opts: WatchOptions = {}): Promise<void> {
    this.watchOpts = opts;
    checkpointInBackground(this.store);
    this.sending.startTimer(() => this.store.accounts.list());
    // Scheduled backups run in the long-running modes (off until the user turns them on).
    this.backups.startSchedule();
    for (const account of this.store.accounts.list()) await this.watchAccount(account, opts);
  }

  private async watchAccount(account: Account, opts: WatchOptions): Promise<void> {
    const { AccountWatcher } = await import('./sync/watch.js');
    const sync = await this.accountSync(account);
    const watcher = new AccountWatcher(sync, {
      ...opts,
      onError: (error) => {
        this.events.emit('sync.error', { accountId: account.id, error });
        this.syncStates.failed(account.id, error);
        opts.onError?.(error);
      },
      onOffline: (error, retryAt) => {
        this.events.emit('sync.error', { accountId: account.id, error });
        this.syncStates.offline(account.id, error, account.imap.host, retryAt);
        opts.onOffline?.(error, retryAt);
      },
      onSynced: (errors) => {
        this.syncStates.finished(account.id, errors);
        opts.onSynced?.(errors);
      },
    });
    watcher.start();
    this.watchers.push(Object.assign(watcher, { accountId: account.id }));
  }

  private async unwatch(accountId: number): Promise<void> {
    const gone = this.watchers.filter((w) => w.accountId === accountId);
    this.watchers = this.watchers.filter((w) => w.accountId !== accountId);
    await Promise.all(gone.map((w) => w.stop()));
  }

  async close(): Promise<void> {
    await this.suspend();
    await this.pool?.close().catch(() => undefined);
    this.pool = null;
  }
}
