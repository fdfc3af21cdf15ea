// The store as the rest of the core sees it: typed repositories with async methods, the same
// for every engine (SQLite in sqlite/, Postgres in postgres/). Nothing outside store/ sees a
// database handle or SQL. Work that must happen together runs in `store.transaction`.
import type { ErrorData } from '../../../common/errors.js';
import type {
  Account,
  AccountInput,
  Contact,
  Identity,
  Mailbox,
  MailboxRole,
  MessageDetail,
  MessageSummary,
  Operation,
  OutboxEntry,
  OutboxState,
} from '../../../common/types.js';
import type {
  ActionKind,
  ActionRow,
  BodyRecord,
  Derive,
  DraftRecord,
  HeaderRecord,
  ListPage,
  LocalChange,
  ListQuery,
  MailboxInfo,
  MailboxSyncState,
  NewOperation,
  NewOutboxRow,
  OutboxJob,
  PendingBody,
  RemovedAccount,
  SearchOptions,
  SearchPage,
  ServerMailbox,
  StatementPlan,
  StoredAction,
  StoredAttachment,
  StoredOperation,
} from './types.js';

export interface AccountRepository {
  add(input: Omit<AccountInput, 'password'>): Promise<Account>;
  get(id: number): Promise<Account | null>;
  list(): Promise<Account[]>;
  /**
   * Replaces what an edit changes (the name, the IMAP and SMTP settings); the address and
   * everything synced stay. Null when this store has no account of that id: on the server
   * of many people, another person's account is none.
   */
  update(id: number, settings: Pick<Account, 'name' | 'imap' | 'smtp'>): Promise<Account | null>;
  /**
   * Replaces the account's identities and its name (the primary identity's); null when this
   * store has no account of that id.
   */
  setIdentities(
    id: number,
    name: string | null,
    identities: readonly Identity[],
  ): Promise<Account | null>;
  /** Trusts a new certificate for the account's servers that pinned `before` (the stack made a new one). */
  repin(before: string, after: string): Promise<number>;
  /**
   * Removes the account and everything synced for it; with it the addresses only its mail
   * named. Its cached attachment files are named for the caller.
   */
  remove(id: number): Promise<RemovedAccount>;
}

export interface MailboxRepository {
  list(accountId?: number): Promise<Mailbox[]>;
  get(id: number): Promise<Mailbox | null>;
  /** Where a mailbox is, without counting its messages: for the hot paths of actions. */
  info(id: number): Promise<MailboxInfo | null>;
  byRole(accountId: number, role: MailboxRole): Promise<MailboxInfo | null>;
  /** Every mailbox with a role (of one account, or of all), without counting messages. */
  withRole(role: MailboxRole, accountId?: number): Promise<MailboxInfo[]>;
  infoByPath(accountId: number, path: string): Promise<MailboxInfo | null>;
  byPath(accountId: number, path: string): Promise<Mailbox | null>;
  /** The account's server folders as the sync resumes them (local folders are none of its). */
  states(accountId: number): Promise<MailboxSyncState[]>;
  state(id: number): Promise<MailboxSyncState | null>;
  /**
   * Inserts a new mailbox or refreshes its listing data; returns its id. Never over a local
   * folder: a server folder at a local folder's path is refused (ALREADY_EXISTS).
   */
  upsert(accountId: number, m: ServerMailbox): Promise<number>;
  /** A new local folder (its path under the Local Folders root); returns its id. */
  addLocal(accountId: number, m: { path: string; name: string }): Promise<number>;
  /** The first of `count` new UIDs of a local folder, from its own counter (never reused). */
  takeLocalUids(id: number, count: number): Promise<number>;
  /** A folder renamed on the server keeps its row (and its messages) under the new path. */
  rename(id: number, m: ServerMailbox): Promise<void>;
  remove(id: number): Promise<void>;
  setServerStatus(
    id: number,
    s: { uidValidity?: string; uidNext?: number; highestModseq?: string | null; total?: number },
  ): Promise<void>;
  setCursor(
    id: number,
    c: { headUid?: number; lowUid?: number | null; syncedModseq?: string | null },
  ): Promise<void>;
  /** After a UIDVALIDITY change every cached UID is meaningless: start again from scratch. */
  resetSync(id: number, uidValidity: string): Promise<void>;
  count(): Promise<number>;
}

export interface MessageRepository {
  /**
   * Stores new messages of one mailbox (with their threads, full-text rows and the
   * addresses they name); a UID already stored only has its flags refreshed, so replaying a
   * batch after a crash cannot duplicate anything. Returns the new ids.
   */
  insertHeaders(
    accountId: number,
    mailboxId: number,
    records: readonly HeaderRecord[],
  ): Promise<number[]>;
  /** Returns whether the UID was known locally. */
  setFlags(
    mailboxId: number,
    uid: number,
    flags: readonly string[],
    modseq: string | null,
  ): Promise<boolean>;
  deleteUids(mailboxId: number, uids: Iterable<number>): Promise<number>;
  deleteMailboxMessages(mailboxId: number): Promise<number>;
  deleteIds(ids: Iterable<number>): Promise<number>;
  /** The messages an action picks: by id and by whole thread, in mailbox and UID order. */
  actionRows(ids: readonly number[], threadIds: readonly number[]): Promise<ActionRow[]>;
  setLocalFlags(id: number, bits: number, keywords: string | null): Promise<void>;
  /**
   * Puts a message in a mailbox under a UID; a negative UID stands for "moved here, UID not
   * known yet". When the sync already stored the message under that UID, the local row
   * gives way to the synced one and false is returned.
   */
  place(id: number, mailboxId: number, uid: number): Promise<boolean>;
  /** The messages of an account with this Message-ID, found through the thread index. */
  idsByMessageId(accountId: number, messageId: string): Promise<number[]>;
  /** A message's UID (in `mailboxId` when given), or null when it is not there. */
  uidIn(id: number, mailboxId?: number): Promise<number | null>;
  /** Whether a message sits in a mailbox under a placeholder UID (moved there locally). */
  isPlaceholder(id: number, mailboxId: number): Promise<boolean>;
  localUids(mailboxId: number): Promise<number[]>;
  list(mailboxId: number, limit: number, before?: number): Promise<MessageSummary[]>;
  /**
   * A page of one folder or several as one, by cursor or offset, messages or conversations;
   * counted, when asked, in the same statement where the engine can.
   */
  page(q: ListQuery): Promise<ListPage>;
  summary(id: number): Promise<MessageSummary | null>;
  /** Summaries of the given ids, in the order given; ids that no longer exist are left out. */
  summaries(ids: readonly number[]): Promise<MessageSummary[]>;
  detail(id: number): Promise<Omit<MessageDetail, 'remoteContentAllowed'> | null>;
  counts(): Promise<{ messages: number; bodies: number }>;
}

export interface BodyRepository {
  /** Stores a parsed body and indexes its text; false when the message is gone. */
  save(id: number, body: BodyRecord): Promise<boolean>;
  /** Messages of an account still waiting for their body, newest first. */
  pending(accountId: number, limit: number): Promise<PendingBody[]>;
  /** How many messages of an account wait for their body. */
  pendingCount(accountId: number): Promise<number>;
  pendingOne(id: number): Promise<PendingBody | null>;
  /**
   * The message's bytes, when kept: whole for a message of a local folder (its only copy),
   * else at most the start of one the parser could not read.
   */
  raw(id: number): Promise<Buffer | null>;
  /** Keeps (or, null, drops) the message's bytes; false when the message has no body row. */
  setRaw(id: number, raw: Buffer | null): Promise<boolean>;
  attachment(id: number): Promise<StoredAttachment | null>;
  setAttachmentHash(id: number, hash: string): Promise<void>;
  /** How many stored bodies of each account wait for their text to be derived again. */
  reindexPending(): Promise<{ accountId: number; count: number }[]>;
  /** The next of an account to derive again, newest first (recent mail is searched most). */
  reindexNext(accountId: number, limit: number): Promise<number[]>;
  /** Derives the text from the stored body and indexes it; false when no longer waiting. */
  reindex(id: number, derive: Derive): Promise<boolean>;
}

export interface ThreadRepository {
  /** Every stored message of a message's conversation, in any folder, oldest first. */
  messages(id: number): Promise<MessageSummary[]>;
}

export interface ContactRepository {
  suggest(query: string, limit: number): Promise<Contact[]>;
}

export interface SearchRepository {
  /** Runs a query of the search language (search-query.ts), newest first. */
  search(query: string, opts: SearchOptions): Promise<SearchPage>;
  /** The engine's plan of every statement `search` would run for this query. */
  explain(query: string, opts: SearchOptions): Promise<StatementPlan[]>;
}

export interface OutboxRepository {
  add(r: NewOutboxRow, now?: number): Promise<OutboxEntry>;
  get(id: number): Promise<OutboxEntry | null>;
  list(opts: { accountId?: number; state?: OutboxState; limit: number }): Promise<OutboxEntry[]>;
  /**
   * Rows left in 'sending' by a process that is gone: one whose end of DATA may have left is
   * "may have been sent" and is never sent again by itself; the others are due again.
   */
  recover(isGone: (owner: string | null, claimedAt: number | null) => boolean): Promise<number>;
  /** Ids of the messages due now, oldest first. */
  due(accountId: number, limit: number, now?: number): Promise<number[]>;
  /** Accounts with something due now. */
  dueAccounts(now?: number): Promise<number[]>;
  /** The earliest moment something becomes due (ms), or null when nothing waits. */
  nextWake(): Promise<number | null>;
  /** Takes a due row for this process; null when another took it or it is no longer due. */
  claim(id: number, owner: string, now?: number): Promise<OutboxJob | null>;
  /** The bytes to send (and to file in Sent) when they change before sending, e.g. the Date. */
  setRaw(id: number, raw: Buffer): Promise<void>;
  /**
   * Committed before the final "." of DATA may leave: awaited, it is durable. False when the
   * row is no longer `owner`'s claim (taken back from a process thought gone): the "." must
   * not leave then, since the message may be due again elsewhere.
   */
  markDataSent(id: number, owner: string, now?: number): Promise<boolean>;
  /** `refused`: the recipients the server did not take, when it took others. */
  markSent(id: number, refused: ErrorData | null, now?: number): Promise<void>;
  markRetry(id: number, error: ErrorData, nextAttempt: number): Promise<void>;
  markFailed(id: number, error: ErrorData): Promise<void>;
  markMaybeSent(id: number, error: ErrorData): Promise<void>;
  /** Waiting messages (or one of them) become due now; returns how many. */
  makeDue(id: number | null, now?: number): Promise<number>;
  cancel(id: number): Promise<OutboxEntry>;
  /** A failed, cancelled or "may have been sent" message goes out again, as the user decided. */
  resend(id: number, now?: number): Promise<OutboxEntry>;
  /** New content for a message that has not left, queued again with its Message-ID. */
  replace(
    id: number,
    r: Omit<NewOutboxRow, 'accountId' | 'messageId' | 'sentCopy'>,
  ): Promise<OutboxEntry>;
  /** The Message-ID a reply answers, or null. */
  inReplyTo(id: number): Promise<string | null>;
  /** Sent messages whose copy in Sent is still to be made (or was under way at a crash). */
  pendingSentCopies(
    accountId: number,
    limit: number,
  ): Promise<(OutboxJob & { appending: boolean })[]>;
  /** Written before the APPEND is sent; false when the copy is no longer pending. */
  startSentCopy(id: number): Promise<boolean>;
  sentCopyDone(id: number): Promise<void>;
  serverSavesSent(accountId: number): Promise<boolean>;
  setServerSavesSent(accountId: number, value: boolean): Promise<void>;
}

export interface DraftRepository {
  add(
    d: { accountId: number; messageId: string; compose: unknown; subject: string; raw: Buffer },
    now?: number,
  ): Promise<DraftRecord>;
  /** A new local version; the server copy is replaced by the next sync. */
  update(
    id: number,
    d: { compose: unknown; subject: string; raw: Buffer },
    now?: number,
  ): Promise<DraftRecord | null>;
  get(id: number): Promise<DraftRecord | null>;
  list(accountId?: number): Promise<DraftRecord[]>;
  /** Drafts whose server copy is behind (or must go): what the next sync does. */
  unsynced(accountId: number): Promise<DraftRecord[]>;
  /** Records the server copy of a version, unless a newer version was saved meanwhile. */
  markSynced(id: number, version: number, path: string, uid: number | null): Promise<void>;
  /** Deleted (or sent): the row stays until the sync has removed the server copy. */
  markDeleted(id: number): Promise<boolean>;
  remove(id: number): Promise<void>;
  /** Every Message-ID of a local draft, deleted ones included (their server copy is going). */
  messageIds(accountId?: number): Promise<Set<string>>;
}

export interface OperationRepository {
  addAction(kind: ActionKind, description: string): Promise<number>;
  add(actionId: number, op: NewOperation): Promise<number>;
  /** Records a change made in local folders, for undo alone: nothing is replayed. */
  addLocal(actionId: number, change: LocalChange): Promise<void>;
  /** An action's changes in local folders, in the order they were made. */
  localOfAction(actionId: number): Promise<LocalChange[]>;
  pending(accountId: number, limit?: number): Promise<StoredOperation[]>;
  /** The folder operations of an account not yet on the server, oldest first. */
  pendingFolders(accountId: number): Promise<StoredOperation[]>;
  get(id: number): Promise<StoredOperation | null>;
  ofAction(actionId: number): Promise<StoredOperation[]>;
  lastAction(): Promise<StoredAction | null>;
  action(id: number): Promise<StoredAction | null>;
  /** A later action, not undone, that changed one of this action's messages. */
  laterOnSameMessages(actionId: number): Promise<number | null>;
  /** Forgets finished actions beyond the last `keep`; one with work left stays. */
  prune(keep?: number): Promise<number>;
  describe(actionId: number, description: string): Promise<void>;
  markUndone(actionId: number): Promise<void>;
  /** Closes a pending operation; false when it was closed already (cancelled by undo). */
  finish(
    id: number,
    state: 'done' | 'failed' | 'cancelled',
    opts?: { error?: ErrorData; result?: StoredOperation['result'] },
  ): Promise<boolean>;
  setStep(id: number, step: string, result: StoredOperation['result']): Promise<void>;
  countAttempt(id: number): Promise<void>;
  /** UIDs of a mailbox whose flags wait to be replayed: a sync must not overwrite them. */
  pendingFlagUids(mailboxId: number): Promise<Set<number>>;
  /** The UID a finished move gave a message in the folder it moved to, or null. */
  movedUid(messageId: number, toMailboxId: number): Promise<number | null>;
  counts(): Promise<{ pending: number; failed: number }>;
  list(state: 'pending' | 'failed' | undefined, limit: number): Promise<Operation[]>;
}

export interface SettingsRepository {
  get(key: string): Promise<string | null>;
  set(key: string, value: string): Promise<void>;
  remove(key: string): Promise<void>;
}

/**
 * What imports have put in each folder: one key per message (core/transfer/message-key.ts),
 * written before its APPEND and completed with its UID, so that an import run again goes on
 * without duplicates.
 */
export interface ImportKeyRepository {
  /** The keys of `keys` the folder has a row for: the UID it took, or null while under way. */
  find(mailboxId: number, keys: readonly string[]): Promise<Map<string, number | null>>;
  /**
   * Written before their APPENDs: keys under way, looked for above `sinceUid` (the folder's
   * next UID now) when the import stopped before they were done.
   */
  begin(mailboxId: number, keys: readonly string[], sinceUid: number): Promise<void>;
  /** Their APPENDs went through: the UIDs the server gave them (0 when it did not say). */
  done(mailboxId: number, entries: readonly { key: string; uid: number }[]): Promise<void>;
  /** Keys whose APPEND never left, or that a later run did not find on the server. */
  forget(mailboxId: number, keys: readonly string[]): Promise<void>;
  /** The keys still under way in a folder, and the lowest UID any of them may have taken. */
  pending(mailboxId: number): Promise<{ keys: string[]; sinceUid: number | null }>;
}

/** Every repository, as seen outside a transaction and inside one alike. */
export interface Repositories {
  readonly accounts: AccountRepository;
  readonly mailboxes: MailboxRepository;
  readonly messages: MessageRepository;
  readonly bodies: BodyRepository;
  readonly threads: ThreadRepository;
  readonly contacts: ContactRepository;
  readonly search: SearchRepository;
  readonly outbox: OutboxRepository;
  readonly drafts: DraftRepository;
  readonly operations: OperationRepository;
  readonly settings: SettingsRepository;
  readonly imports: ImportKeyRepository;
}

/** The repositories of one open transaction. */
export type Transaction = Repositories;

export type EngineName = 'sqlite' | 'postgres';

export interface SnapshotOptions {
  signal?: AbortSignal;
  onProgress?(done: number, total: number): void;
}

export interface Store extends Repositories {
  readonly engine: EngineName;
  /** Where the data is, for people: a file path, or a URL without its password. */
  readonly location: string;
  /**
   * Runs fn in one transaction: all of its writes are committed, or none of them. Inside,
   * use only `tx`; fn must not wait on anything but the store (the writer waits for it).
   */
  transaction<T>(fn: (tx: Transaction) => Promise<T>): Promise<T>;
  /**
   * Runs fn, a call that only reads, using the store as usual. A store over a pool shared by
   * many people runs its statements in one transaction on one connection (one BEGIN with the
   * person's settings for the call, not one per statement); the others run fn as it is.
   */
  reading<T>(fn: () => Promise<T>): Promise<T>;
  /** Bytes a snapshot is about to copy, for progress. */
  size(): Promise<number>;
  /**
   * A consistent copy of the whole store in `file`, made while others go on writing: the
   * first step of a backup (SQLite's online backup; Postgres's `pg_dump -Fc`).
   */
  snapshot(file: string, opts?: SnapshotOptions): Promise<void>;
  /** Whether the database answers. */
  ping(): Promise<boolean>;
  /** Starts the engine's own upkeep for a long-running process (SQLite: WAL checkpoints). */
  startUpkeep(): void;
  close(): Promise<void>;
}
