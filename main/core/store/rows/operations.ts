// An operation's and an action's row as both engines return them, and what the store and
// the contract make of them.
import type { Operation } from '../../../../common/types.js';
import { errorFromText } from '../stored-error.js';
import type {
  ActionKind,
  LocalChange,
  OperationItem,
  OperationKind,
  StoredAction,
  StoredOperation,
} from '../types.js';

export interface OperationRow {
  id: number;
  action_id: number;
  account_id: number;
  kind: OperationKind;
  mailbox_id: number | null;
  path: string;
  uid_validity: string | null;
  items: string;
  args: string;
  state: StoredOperation['state'];
  step: string | null;
  attempts: number;
  error: string | null;
  result: string | null;
  created_at: number;
}

export function fromRow(r: OperationRow): StoredOperation {
  return {
    id: r.id,
    actionId: r.action_id,
    accountId: r.account_id,
    kind: r.kind,
    mailboxId: r.mailbox_id,
    path: r.path,
    uidValidity: r.uid_validity,
    items: JSON.parse(r.items) as OperationItem[],
    args: JSON.parse(r.args) as StoredOperation['args'],
    state: r.state,
    step: r.step,
    attempts: r.attempts,
    error: errorFromText(r.error, 'PROTOCOL_ERROR'),
    result: r.result ? (JSON.parse(r.result) as StoredOperation['result']) : null,
  };
}

export interface ActionTableRow {
  id: number;
  kind: ActionKind;
  description: string;
  undone: number;
}

export const toAction = (r: ActionTableRow | undefined): StoredAction | null =>
  r ? { id: r.id, kind: r.kind, description: r.description, undone: r.undone === 1 } : null;

/** An operation as the contract lists it: what it did where, and how it stands. */
export function toOperation(r: OperationRow): Operation {
  return {
    id: r.id,
    actionId: r.action_id,
    accountId: r.account_id,
    kind: r.kind,
    mailbox: r.path,
    count: (JSON.parse(r.items) as unknown[]).length,
    state: r.state,
    attempts: r.attempts,
    error: errorFromText(r.error, 'PROTOCOL_ERROR'),
    createdAt: new Date(r.created_at).toISOString(),
  };
}

export interface LocalChangeRow {
  kind: LocalChange['kind'];
  mailboxId: number | null;
  items: string;
  args: string;
}

export const fromLocalRow = (r: LocalChangeRow): LocalChange => ({
  kind: r.kind,
  mailboxId: r.mailboxId,
  items: JSON.parse(r.items) as LocalChange['items'],
  args: JSON.parse(r.args) as LocalChange['args'],
});
