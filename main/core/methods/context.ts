// What the contract's methods work with: the parts the service has built over the store.
// Each area's file (account.ts, message.ts, …) turns this into its entries of the `Api`
// table; service.ts builds the parts and puts the table together.
import type { MailSecret } from '../secrets/mail-secret.js';
import type { Api } from '../../../common/api.js';
import type { Account, AppSettings } from '../../../common/types.js';
import type { LocalActions } from '../actions/actions.js';
import type { Backups } from '../backup/backups.js';
import type { BodyParser } from '../sync/bodies.js';
import type { DiscoveryOptions } from '../discovery/net.js';
import type { OAuth2Flows } from '../oauth2/flows.js';
import type { OAuth2Options } from '../oauth2/profiles.js';
import type { OAuth2Accounts } from '../oauth2/tokens.js';
import type { SecretStore } from '../secrets/secret-store.js';
import type { OneClickOptions } from '../net/one-click.js';
import type { Sending, SendingOptions } from '../send/sending.js';
import type { Store } from '../store/index.js';
import type { AccountSync } from '../sync/account-sync.js';
import type { AttachmentCache } from '../sync/attachment-cache.js';
import type { SyncStates } from '../sync/sync-states.js';
import type { SyncError } from '../../../common/types.js';
import type { CoreEvents } from './events.js';
import type { StackOptions } from '../stack/docker.js';
import type { StackMethods } from './stack.js';

export interface ServiceOptions {
  dataDir: string;
  /** A postgres:// URL (`--database`, MAILDOCK_DATABASE_URL); else SQLite in dataDir. */
  database?: string | undefined;
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
  /** Bytes a batch of bodies fetches at most (sync/bodies.ts); tests make it small. */
  bodyBatchBytes?: number;
  /** Undo-send delay, SMTP timeouts, retry backoff. */
  send?: SendingOptions;
  /** One-click unsubscribe's timeout, and (tests only) the CA its HTTPS trusts. */
  oneClick?: OneClickOptions;
  /**
   * Account discovery's time limits, and (tests only) a DNS server on loopback, the CA its
   * HTTPS and TLS trust, and the well-known ports mapped to test servers' ports.
   */
  discovery?: DiscoveryOptions;
  /**
   * OAuth2 sign-in: the clients registered with each provider (else read from the
   * environment, oauth2/profiles.ts), and how the desktop app opens the browser.
   */
  oauth2?: OAuth2Options;
  /** The Docker socket and compose file of the bundled stack. */
  stack?: StackOptions;
  /**
   * The store's upkeep in the background (SQLite: WAL checkpoints in a thread of their own),
   * for the processes that answer while they sync: the server and the desktop app. watch()
   * turns it on too; a short command keeps SQLite's own and starts no thread.
   */
  backgroundCheckpoints?: boolean;
  /** anyPath false: backups are named by file name in DATA_DIR/backups only (HTTP). */
  backups?: { anyPath?: boolean; clock?: { checkMs?: number; hourMs?: number } };
  /**
   * The server of many people: accounts are watched where their lease is held, so an added
   * or removed account is announced (the instances share them out again) instead of being
   * watched here, and a local change or a queued message is announced to the holder.
   */
  leased?: {
    accountsChanged(): void;
    changed(): void;
    /** An account's settings changed: its holder starts watching it again with them. */
    accountChanged(accountId: number): void;
  };
}

export interface MethodContext {
  readonly options: ServiceOptions;
  readonly store: Store;
  readonly secrets: SecretStore;
  readonly events: CoreEvents;
  readonly actions: LocalActions;
  readonly sending: Sending;
  readonly syncStates: SyncStates;
  readonly attachments: AttachmentCache;
  readonly backups: Backups;
  /** The accounts that sign in with OAuth2: their tokens, and whether they must sign in again. */
  readonly oauth2: OAuth2Accounts;
  /** Sign-ins under way (loaded on first use, with openid-client). */
  oauth2Flows(): Promise<OAuth2Flows>;
  /** The errors of each account's last pass, for sync.summary. */
  readonly syncErrors: Map<number, SyncError[]>;
  /** True while a backup is restored into this running service. */
  readonly restoring: boolean;
  account(id: number): Promise<Account>;
  /** The desktop app's settings, with the given fields changed first. */
  appSettings(patch?: Partial<AppSettings>): Promise<AppSettings>;
  /** The account's password, or its OAuth2 access tokens. */
  password(account: Account): Promise<MailSecret>;
  accountSync(account: Account): Promise<AccountSync>;
  /** The MIME parser (workers) the sync stores bodies with: for messages stored without it. */
  parser(): BodyParser;
  /** A local change was recorded: a watching service replays it to the server at once. */
  kick(): void;
  /** A new account: watched here when the service watches its accounts, else announced. */
  accountAdded(account: Account): Promise<void>;
  /**
   * An account's servers or password changed: its watcher (here, or on the instance holding
   * its lease) starts again with what is stored now.
   */
  accountChanged(account: Account): Promise<void>;
  /** Keeps an account in sync, when the service watches accounts. */
  watchAccount(account: Account): Promise<void>;
  unwatch(accountId: number): Promise<void>;
  stack(): Promise<StackMethods>;
  restoreHere(input: {
    file: string;
    passphrase?: string | undefined;
  }): ReturnType<Api['backup.restore']>;
  /** The table being built, for methods that call others (the stack adds accounts). */
  readonly api: Api;
}

/** After a local action: a watching service replays it to the server at once. */
export function changed<T extends { actionId: number | null }>(ctx: MethodContext, r: T): T {
  if (r.actionId !== null) ctx.kick();
  return r;
}
