// The shapes the store takes and gives, the same for every engine. Repositories
// (repositories.ts) speak in these; rows of the contract (common/types.ts) pass through.
import type { ErrorData } from '../../../common/errors.js';
import type { Address, ListRow, ListUnsubscribe, MailboxRole } from '../../../common/types.js';
import type { BodyText } from '../mime/body-text.js';
import type { ParsedBody } from '../mime/limits.js';
import type { MessageStructure } from '../mime/structure.js';

export interface SearchOptions {
  limit: number;
  /** Paging: only messages strictly older than this message id (a previous `nextBefore`). */
  before?: number;
  /** Also count the messages the query finds (all of them, whatever `before` says). */
  count?: boolean;
}

export interface SearchIndexHit {
  id: number;
  /** Plain text; `highlights` are [start, end) offsets into it, in UTF-16 code units. */
  snippet: string;
  highlights: [number, number][];
}

export interface SearchPage {
  hits: SearchIndexHit[];
  /** The `before` of the next page when this one is full, else null. */
  nextBefore: number | null;
  /**
   * When counted: the messages found, exactly up to SEARCH_COUNT_LIMIT; `more` says there
   * are more than that. Null when not asked.
   */
  total: { count: number; more: boolean } | null;
}

export interface StatementPlan {
  sql: string;
  plan: string[];
}

export interface NewOutboxRow {
  accountId: number;
  messageId: string;
  from: string;
  recipients: string[];
  subject: string;
  raw: Buffer;
  inReplyTo: string | null;
  references: string[];
  sendAt: number;
  /** 2 when the server files sent mail itself. */
  sentCopy: 0 | 2;
}

/** What the sender needs of a row. */
export interface OutboxJob {
  id: number;
  accountId: number;
  messageId: string;
  from: string;
  recipients: string[];
  raw: Buffer;
  attempts: number;
  sentCopy: number;
  sentAt: number | null;
  sendAt: number;
  createdAt: number;
}

export type OperationKind =
  | 'flags'
  | 'move'
  | 'expunge'
  | 'mailbox-create'
  | 'mailbox-rename'
  | 'mailbox-delete'
  /** Messages of a local folder to a folder of the account (args: MoveArgs). */
  | 'append';

/** The operations on folders rather than on messages: their path is the whole story. */
export type FolderOperationKind = Extract<OperationKind, `mailbox-${string}`>;

export type ActionKind = 'flags' | 'move' | 'delete' | 'mailbox';

/** One message of an operation, with what undo needs to put it back. */
export interface OperationItem {
  /** Local message id. */
  id: number;
  /** UID in the source mailbox. */
  uid: number;
  msgid: string | null;
  /** Flags and keywords before the action (system flag bits, keywords JSON). */
  flags: number;
  keywords: string | null;
}

export interface FlagArgs {
  add: string[];
  remove: string[];
}

export interface MoveArgs {
  toMailboxId: number;
  toPath: string;
}

/**
 * A folder operation: its `path` is the folder as the server has it when the operation is
 * replayed (the operations before it done); the delimiter tells its subfolders.
 */
export interface FolderArgs {
  delimiter: string | null;
  /** A rename: the new path. */
  toPath?: string;
}

export interface StoredOperation {
  id: number;
  actionId: number;
  accountId: number;
  kind: OperationKind;
  mailboxId: number | null;
  path: string;
  uidValidity: string | null;
  items: OperationItem[];
  args: FlagArgs | MoveArgs | FolderArgs | Record<string, never>;
  state: 'pending' | 'done' | 'failed' | 'cancelled';
  step: string | null;
  attempts: number;
  error: ErrorData | null;
  /**
   * uidMap: [UID in the source, UID in the target]. since: an append's target's next UID
   * before the APPEND under way (step 'appending'), where a retry looks for it first.
   */
  result: { uidMap?: [number, number][]; since?: number } | null;
}

export interface NewOperation {
  accountId: number;
  kind: OperationKind;
  mailboxId: number;
  path: string;
  uidValidity: string | null;
  items: OperationItem[];
  args: StoredOperation['args'];
}

/**
 * A change made in local folders only, kept for undo: no operation is queued for it. flags
 * and move as the operations of those kinds say them (a move's `mailboxId` is its source);
 * delete: the messages deleted for good.
 */
export interface LocalChange {
  kind: 'flags' | 'move' | 'delete';
  mailboxId: number | null;
  items: OperationItem[];
  args: FlagArgs | MoveArgs | Record<string, never>;
}

export interface StoredAction {
  id: number;
  kind: ActionKind;
  description: string;
  undone: boolean;
}

export interface HeaderRecord {
  uid: number;
  messageId: string | null;
  inReplyTo: string | null;
  references: string[];
  subject: string;
  from: Address[];
  to: Address[];
  cc: Address[];
  /** ms since the epoch */
  date: number;
  flags: string[];
  modseq: string | null;
  size: number;
  hasAttachments: boolean;
  structure: MessageStructure | null;
  /** What List-Unsubscribe offers; absent or null when the message names no list. */
  unsubscribe?: ListUnsubscribe | null;
  /** Bcc, when the server's copy names it (your own sent mail and drafts only). */
  bcc?: Address[];
  /** The List-Id header as sent, for `list:`; absent or null when the message names no list. */
  listId?: string | null;
}

/** A parsed body as saved: `searchText` may be left out when it is the text. */
export type BodyRecord = Omit<ParsedBody, 'searchText'> & {
  searchText?: string | null;
  /** Kept only when parsing failed, so the user can still read something. */
  raw?: Buffer | null;
};

export interface StoredAttachment {
  id: number;
  messageId: number;
  accountId: number;
  path: string;
  uid: number;
  partId: string | null;
  filename: string | null;
  contentType: string;
  size: number;
  contentHash: string | null;
}

export interface ActionRow {
  id: number;
  accountId: number;
  mailboxId: number;
  uid: number;
  msgid: string | null;
  flags: number;
  keywords: string | null;
}

export interface PendingBody {
  id: number;
  mailboxId: number;
  path: string;
  uid: number;
  /** The whole message's size as the server gave it. */
  size: number;
  /** BODYSTRUCTURE's summary from the header sync, as JSON; null when none was kept. */
  structure: string | null;
}

export interface SummaryRow {
  id: number;
  account_id: number;
  mailbox_id: number;
  path: string;
  uid: number;
  message_id: string | null;
  thread_id: number | null;
  subject: string;
  from_json: string;
  to_json: string;
  cc_json: string;
  date: number;
  flags: number;
  keywords: string | null;
  size: number;
  snippet: string;
  has_attachments: number;
  body_state: number;
}

export interface ListQuery {
  mailboxIds: readonly number[];
  limit: number;
  before?: number | undefined;
  offset?: number | undefined;
  threads: boolean;
  /** Also count the rows of the whole list: messages, or conversations in conversation view. */
  count?: boolean | undefined;
}

export interface ListPage {
  rows: ListRow[];
  /** The rows of the whole list when counted, else null. */
  total: number | null;
}

export interface MailboxInfo {
  id: number;
  accountId: number;
  path: string;
  role: MailboxRole | null;
  uidValidity: string | null;
  /** A local folder (common/local-folders.ts): nothing of it is ever on the server. */
  local: boolean;
}

export interface MailboxSyncState {
  id: number;
  accountId: number;
  path: string;
  uidValidity: string | null;
  uidNext: number | null;
  highestModseq: string | null;
  headUid: number;
  lowUid: number | null;
  syncedModseq: string | null;
}

export interface ServerMailbox {
  path: string;
  name: string;
  delimiter: string | null;
  role: MailboxRole | null;
}

export interface DraftRecord {
  id: number;
  accountId: number;
  messageId: string;
  compose: unknown;
  subject: string;
  to: string[];
  raw: Buffer;
  version: number;
  syncedVersion: number;
  serverPath: string | null;
  serverUid: number | null;
  deleted: boolean;
  updatedAt: number;
}

export interface SeenAddresses {
  date: number;
  addresses: readonly Address[];
}

export type Derive = (text: string | null, html: string | null) => BodyText;

export interface RemovedAccount {
  removed: boolean;
  /**
   * Content hashes of the downloaded attachments (files in the attachment cache) that no
   * other account's message uses: the caller deletes the files once this has committed.
   */
  cachedAttachments: string[];
}
