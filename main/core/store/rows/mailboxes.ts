// A mailbox's row (with its counts) as both engines return it, what the contract shows of it,
// the state the sync resumes from, and the order mailboxes are listed in.
import { MaildockError } from '../../../../common/errors.js';
import type { Mailbox, MailboxRole } from '../../../../common/types.js';
import type { MailboxInfo, MailboxSyncState } from '../types.js';

export interface MailboxRow {
  id: number;
  account_id: number;
  path: string;
  name: string;
  delimiter: string | null;
  role: MailboxRole | null;
  uid_validity: string | null;
  uid_next: number | null;
  highest_modseq: string | null;
  head_uid: number;
  low_uid: number | null;
  synced_modseq: string | null;
  /** 1: a local folder. */
  local: number;
  total: number;
  unread: number;
}

export function toMailbox(r: MailboxRow): Mailbox {
  return {
    id: r.id,
    accountId: r.account_id,
    path: r.path,
    name: r.name,
    delimiter: r.delimiter,
    role: r.role,
    uidValidity: r.uid_validity,
    uidNext: r.uid_next,
    highestModseq: r.highest_modseq,
    total: r.total,
    unread: r.unread,
    local: r.local === 1,
  };
}

export function toState(r: MailboxRow): MailboxSyncState {
  return {
    id: r.id,
    accountId: r.account_id,
    path: r.path,
    uidValidity: r.uid_validity,
    uidNext: r.uid_next,
    highestModseq: r.highest_modseq,
    headUid: r.head_uid,
    lowUid: r.low_uid,
    syncedModseq: r.synced_modseq,
  };
}

const ROLE_ORDER: Record<MailboxRole, number> = {
  inbox: 0,
  drafts: 1,
  sent: 2,
  archive: 3,
  all: 4,
  flagged: 5,
  junk: 6,
  trash: 7,
};

/**
 * Per account, the mailboxes with a role first in the order people look for them, then by
 * path; the account's local folders after its server's.
 */
export function mailboxOrder(a: Mailbox, b: Mailbox): number {
  return (
    a.accountId - b.accountId ||
    Number(a.local) - Number(b.local) ||
    (a.role ? ROLE_ORDER[a.role] : 99) - (b.role ? ROLE_ORDER[b.role] : 99) ||
    a.path.localeCompare(b.path)
  );
}

/** A mailbox's place as the engines select it (`local` as the column holds it). */
export type InfoRow = Omit<MailboxInfo, 'local'> & { local: number | boolean };

export const toInfo = (r: InfoRow | null | undefined): MailboxInfo | null =>
  r ? { ...r, local: r.local === true || r.local === 1 } : null;

/** A server folder listed at the path of a local folder: the local folder keeps it. */
export const localTaken = (path: string) =>
  new MaildockError('ALREADY_EXISTS', `A local folder is at ${path} already.`, { path });

export const notLocal = (mailboxId: number) =>
  new MaildockError('INVALID_INPUT', `Folder ${mailboxId} is not a local folder.`, { mailboxId });
