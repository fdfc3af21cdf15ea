// The one object that implements the contract in common/api.ts: it builds the parts over the
// store (actions, sending, sync states, the attachment cache, backups) and puts together the
// table of methods from methods/, one file per area. Every shell (CLI, desktop IPC, HTTP)
// goes through `invoke`, which parses input and output with the contract's schemas.
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
  type Account,
  type AppSettings,
  type RestoreResult,
  type SyncError,
} from '../../common/types.js';
import { LocalActions } from './actions/actions.js';
import { copyFromServer } from './local/copy.js';
import { localAttachment, localFolderOf } from './local/messages.js';
import { Backups } from './backup/backups.js';
import { recoverRestore } from './backup/restore.js';
import { restoreAll, type RestoreAllOptions } from './backup/restore-all.js';
import { RestoreHere } from './backup/restore-here.js';
import { getLogger } from './platform/log.js';
import { accountMethods } from './methods/account.js';
import { appMethods, appSettings } from './methods/app.js';
import { backupMethods } from './methods/backup.js';
import type { MethodContext, ServiceOptions } from './methods/context.js';
import { lazyMethods } from './methods/table.js';
import { draftMethods } from './methods/draft.js';
import { identityMethods } from './methods/identity.js';
import { CoreEvents } from './methods/events.js';
import { mailboxMethods } from './methods/mailbox.js';
import { messageMethods } from './methods/message.js';
import { outboxMethods } from './methods/outbox.js';
import type { StackMethods } from './methods/stack.js';
import { syncMethods } from './methods/sync.js';
import { oauth2Methods } from './methods/oauth2.js';
import type { OAuth2Flows } from './oauth2/flows.js';
import { OAuth2Accounts } from './oauth2/tokens.js';
import { transferMethods } from './methods/transfer.js';
import { MimePool } from './mime/pool.js';
import { appVersion } from './platform/paths.js';
import { chooseSecretStore, parseBackend } from './secrets/choose.js';
import type { MailSecret } from './secrets/mail-secret.js';
import { accountSecretKey, type SecretStore } from './secrets/secret-store.js';
import { Sending } from './send/sending.js';
import { openStore, type Store } from './store/index.js';
import type { AccountSync } from './sync/account-sync.js';
import { AttachmentCache } from './sync/attachment-cache.js';
import type { BodyParser } from './sync/bodies.js';
import { SearchReindex } from './sync/search-reindex.js';
import { SyncStates } from './sync/sync-states.js';
import type { WatchOptions } from './sync/watch.js';

export type { ServiceOptions } from './methods/context.js';

// The IMAP side loads on first use: reading and searching the local store starts at once.
const syncModule = () => import('./sync/account-sync.js');

const log = getLogger('service');

/**
 * The methods that only read the store and wait on nothing else: their statements share one
 * transaction (Store.reading), the hottest calls of a server of many people.
 */
const READING: ReadonlySet<MethodName> = new Set<MethodName>([
  'mailbox.list',
  'message.list',
  'message.search',
  'message.thread',
]);
/** Attachments travel whole through the contract; larger ones need a streaming path. */
const MAX_ATTACHMENT_BYTES = 64 * 1024 * 1024;

/** The data folder's secret store, by MAILDOCK_SECRETS / MAILDOCK_SECRET_KEY (secrets/choose.ts). */
const chooseSecrets = (dataDir: string, o: { secretsBackend?: string; secretKey?: string }) =>
  chooseSecretStore({
    dataDir,
    backend: parseBackend(o.secretsBackend),
    ...(o.secretKey ? { secretKey: o.secretKey } : {}),
  });

const openServiceStore = async (opts: ServiceOptions): Promise<Store> => {
  const store = await openStore({
    dataDir: opts.dataDir,
    database: opts.database,
    onUpkeepError: (message) => log.warn({ message }, 'background checkpoint failed'),
  });
  if (opts.backgroundCheckpoints) store.startUpkeep();
  return store;
};

export class MaildockService implements MethodContext {
  api!: Api;
  readonly events = new CoreEvents();
  readonly syncErrors = new Map<number, SyncError[]>();
  readonly attachments: AttachmentCache;
  actions!: LocalActions;
  sending!: Sending;
  syncStates!: SyncStates;
  private reindex: SearchReindex | null = null;
  private pool: MimePool | null = null;
  private watchers: { accountId: number; stop(): Promise<void>; changed?(): void }[] = [];
  private stackPart: StackMethods | null = null;
  private backupsPart: Backups | null = null;
  /** Set while watch() runs: accounts added meanwhile are watched too. */
  private watchOpts: WatchOptions | null = null;
  private readonly inPlace: RestoreHere;
  private appSettingsNow: AppSettings = APP_SETTINGS_DEFAULTS;
  readonly oauth2: OAuth2Accounts;
  private flows: Promise<OAuth2Flows> | null = null;

  private constructor(
    public store: Store,
    readonly secrets: SecretStore,
    readonly options: ServiceOptions,
  ) {
    this.oauth2 = new OAuth2Accounts({
      store: () => this.store,
      secrets,
      options: () => this.options.oauth2,
      onSignIn: (accountId, required) => this.syncStates.signIn(accountId, required),
    });
    this.attachments = new AttachmentCache({
      dataDir: options.dataDir,
      store: () => this.store,
      download: async (a) => {
        const sync = await this.accountSync(await this.account(a.accountId));
        return sync.downloadAttachment(a.path, a.uid, a.partId, MAX_ATTACHMENT_BYTES);
      },
      // A local folder's message has no server: its attachments come from its kept bytes.
      kept: async (a) =>
        (await localFolderOf(this.store, a.messageId))
          ? localAttachment(this.store, a, MAX_ATTACHMENT_BYTES)
          : null,
    });
    this.inPlace = new RestoreHere({
      dataDir: options.dataDir,
      database: options.database,
      stack: options.stack,
      secrets,
      existing: (file) => this.backups.existing(file),
      onProgress: (p) => this.events.emit('backup.progress', p),
      onStackProgress: (p) => this.events.emit('stack.progress', p),
      suspend: () => this.suspend(),
      resume: async () => {
        const watching = this.watchOpts;
        const monitoring = this.stackPart?.monitor.active ?? false;
        this.attach(await openServiceStore(this.options));
        if (watching) await this.watch(watching);
        if (monitoring) await this.monitorStack();
      },
    });
    this.attach(store);
  }

  /** Every part that works on the store, made for this one (again after a restore). */
  private attach(store: Store): void {
    this.store = store;
    this.actions = new LocalActions(store, {
      copy: (rows) =>
        copyFromServer(
          {
            store,
            parser: this.parser(),
            fetch: async (accountId, at, maxBytes) =>
              (await this.accountSync(await this.account(accountId))).fetchSources(at, maxBytes),
          },
          rows,
        ),
    });
    this.syncStates = new SyncStates(store, (state) => this.events.emit('sync.state', state));
    void store.accounts
      .list()
      .then(async (accounts) => {
        await this.syncStates.load(accounts.map((a) => a.id));
        for (const a of accounts) {
          if (await this.oauth2.signInRequired(a.id)) this.syncStates.signIn(a.id, true);
        }
      })
      .catch((err: unknown) => log.warn({ err }, 'could not read when the sync last ran'));
    void this.appSettings().catch((err: unknown) => log.warn({ err }, 'app settings not read'));
    this.sending = new Sending({
      store: () => this.store,
      account: (id) => this.account(id),
      password: (account) => this.password(account),
      attachmentContent: (a) => this.attachments.content(a),
      replied: async (accountId, messageId) => {
        const r = await this.actions.markAnswered(accountId, messageId);
        if (r.actionId !== null) this.kick();
      },
      queued: () => this.options.leased?.changed(),
      options: {
        ...(this.options.timeoutMs ? { timeoutMs: this.options.timeoutMs } : {}),
        ...this.options.send,
      },
    });
    this.backupsPart = null;
    this.syncErrors.clear();
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
    const store = await openServiceStore(opts);
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
      await store.close();
      throw err;
    }
  }

  /**
   * A service over a store and secrets its caller opened and keeps (the server of many
   * people: one per person, over a store scoped to them). Closing the service leaves both.
   */
  static forStore(store: Store, secrets: SecretStore, opts: ServiceOptions): MaildockService {
    return new MaildockService(store, secrets, opts);
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

  get restoring(): boolean {
    return this.inPlace.active;
  }

  restoreHere(input: { file: string; passphrase?: string | undefined }): Promise<RestoreResult> {
    return this.inPlace.run(input);
  }

  /** Everything that works on the store stopped and the store closed (a restore's swap). */
  private async suspend(): Promise<void> {
    await this.reindex?.stop();
    await this.backupsPart?.stop();
    this.stackPart?.stop();
    this.stackPart = null;
    await this.sending.stop();
    this.watchOpts = null;
    await Promise.all(this.watchers.map((w) => w.stop()));
    this.watchers = [];
    await this.store.close();
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
      await this.inPlace.settled();
      const fn = this.api[method] as (i: unknown) => Promise<unknown>;
      const run = () => fn(parsed.data);
      const out = READING.has(method) ? await this.store.reading(run) : await run();
      const value = spec.output.parse(out) as MethodOutput<M>;
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

  /** For health checks: whether the store still answers. */
  async healthy(): Promise<boolean> {
    try {
      return await this.store.ping();
    } catch {
      return false;
    }
  }

  /** The desktop app's settings, with the given fields changed first. */
  async appSettings(patch: Partial<AppSettings> = {}): Promise<AppSettings> {
    this.appSettingsNow = await appSettings(this.store, patch);
    return this.appSettingsNow;
  }

  /**
   * The desktop app's settings as last read or changed, for decisions that cannot wait (a
   * window's close event): every change goes through appSettings().
   */
  get currentAppSettings(): AppSettings {
    return this.appSettingsNow;
  }

  parser(): BodyParser {
    if (this.options.parser) return this.options.parser;
    this.pool ??= new MimePool();
    return this.pool;
  }

  /** Sign-ins under way; openid-client loads with the first. */
  oauth2Flows(): Promise<OAuth2Flows> {
    this.flows ??= import('./oauth2/flows.js').then(
      ({ OAuth2Flows }) => new OAuth2Flows(() => this.options.oauth2),
    );
    return this.flows;
  }

  /**
   * The account's one secret: IMAP and SMTP log in with the same password, or with the same
   * OAuth2 access tokens.
   */
  async password(account: Account): Promise<MailSecret> {
    if (await this.oauth2.uses(account.id)) return this.oauth2.tokens(account);
    const password = await this.secrets.get(accountSecretKey(account.id));
    if (password === null) {
      throw new MaildockError('SECRET_UNAVAILABLE', `No password is stored for ${account.email}.`, {
        accountId: account.id,
      });
    }
    return password;
  }

  async accountSync(account: Account): Promise<AccountSync> {
    const password = await this.password(account);
    const { AccountSync } = await syncModule();
    return new AccountSync({
      store: this.store,
      account,
      password,
      parser: this.parser(),
      ...(this.options.timeoutMs ? { timeoutMs: this.options.timeoutMs } : {}),
      ...(this.options.attempts ? { attempts: this.options.attempts } : {}),
      ...(this.options.bodyBatchBytes ? { bodyBatchBytes: this.options.bodyBatchBytes } : {}),
      onProgress: (p) => {
        this.events.emit('sync.progress', p);
        this.syncStates.progress(p);
      },
      onNew: (p) => this.events.emit('mail.new', p),
    });
  }

  async account(id: number): Promise<Account> {
    const account = await this.store.accounts.get(id);
    if (!account)
      throw new MaildockError('NOT_FOUND', `There is no account ${id}.`, { accountId: id });
    return account;
  }

  get backups(): Backups {
    this.backupsPart ??= new Backups({
      dataDir: this.options.dataDir,
      store: () => this.store,
      app: appVersion(),
      secrets: this.secrets,
      anyPath: this.options.backups?.anyPath ?? true,
      stack: async () => (await this.stack()).controller,
      onProgress: (p) => this.events.emit('backup.progress', p),
      onError: (err) => log.warn({ err }, 'scheduled backup failed'),
      ...(this.options.backups?.clock ? { clock: this.options.backups.clock } : {}),
    });
    return this.backupsPart;
  }

  private buildApi(): Api {
    return {
      ...accountMethods(this),
      ...identityMethods(this),
      ...mailboxMethods(this),
      ...messageMethods(this),
      ...outboxMethods(this),
      ...draftMethods(this),
      ...syncMethods(this),
      ...oauth2Methods(this),
      ...appMethods(this),
      ...backupMethods(this),
      ...transferMethods(this),
      ...lazyMethods('stack.', async () =>
        (await import('./methods/stack.js')).stackMethods(() => this.stack()),
      ),
    };
  }

  /** The stack's side (dockerode and the probes' clients) loads on first use. */
  async stack(): Promise<StackMethods> {
    if (!this.stackPart) {
      const { StackMethods } = await import('./methods/stack.js');
      this.stackPart = new StackMethods({
        dataDir: this.options.dataDir,
        store: this.store,
        ...(this.options.stack ? { options: this.options.stack } : {}),
        onProgress: (p) => this.events.emit('stack.progress', p),
        onHealth: (h) => this.events.emit('stack.health', h),
        addAccount: async (input) => this.api['account.add'](input),
        removeAccount: async (id) => {
          await this.api['account.remove']({ id });
        },
        setAccountPassword: async (id, password) => {
          const account = await this.store.accounts.get(id);
          await this.secrets.set(accountSecretKey(id), password);
          // A watcher signs in again with what it was given: a watched account starts anew.
          if (account && this.watchers.some((w) => w.accountId === id)) {
            await this.unwatch(id);
            await this.watchAccount(account);
          }
        },
      });
    }
    return this.stackPart;
  }

  /** Probes the stack every interval until close(), pushing each round as a stack.health event. */
  async monitorStack(intervalMs?: number): Promise<void> {
    (await this.stack()).monitor.start(intervalMs);
  }

  /** A local change: replayed at once where the account is watched (announced when leased). */
  kick(): void {
    this.nudge();
    this.options.leased?.changed();
  }

  /** Told by another instance that this person changed something: replay and send now. */
  nudge(): void {
    for (const w of this.watchers) w.changed?.();
    this.sending.nudge();
  }

  /**
   * The server of many people: ready to watch the accounts whose leases this instance takes
   * (watchAccount), and to send for them, but watching none until then.
   */
  watchLeased(opts: WatchOptions = {}): void {
    if (this.watchOpts) return;
    this.watchOpts = opts;
    this.store.startUpkeep();
    this.sending.startTimer(async () => {
      const held = new Set(this.watchers.map((w) => w.accountId));
      return (await this.store.accounts.list()).filter((a) => held.has(a.id));
    });
  }

  async accountAdded(account: Account): Promise<void> {
    if (this.options.leased) this.options.leased.accountsChanged();
    else await this.watchAccount(account);
  }

  async accountChanged(account: Account): Promise<void> {
    if (this.options.leased) {
      this.options.leased.accountChanged(account.id);
      return;
    }
    // A watcher signs in with what it was given when it started: it starts anew.
    if (!this.watchers.some((w) => w.accountId === account.id)) return;
    await this.unwatch(account.id);
    await this.watchAccount(account);
  }

  /** Keeps every account in sync until stop(): IDLE on the Inbox, a timer for the rest. */
  async watch(opts: WatchOptions = {}): Promise<void> {
    this.watchOpts = opts;
    this.store.startUpkeep();
    this.sending.startTimer(() => this.store.accounts.list());
    // Scheduled backups run in the long-running modes (off until the user turns them on).
    this.backups.startSchedule();
    for (const account of await this.store.accounts.list()) await this.watchAccount(account);
  }

  async watchAccount(account: Account): Promise<void> {
    const opts = this.watchOpts;
    if (!opts) return;
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

  async unwatch(accountId: number): Promise<void> {
    const gone = this.watchers.filter((w) => w.accountId === accountId);
    this.watchers = this.watchers.filter((w) => w.accountId !== accountId);
    await Promise.all(gone.map((w) => w.stop()));
  }

  async close(): Promise<void> {
    await this.suspend();
    if (this.flows) (await this.flows).close();
    await this.pool?.close().catch(() => undefined);
    this.pool = null;
  }
}
