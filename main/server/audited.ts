// What the server of many people writes to its audit log besides sign-ins: accounts added,
// edited and removed, messages sent, messages deleted. Ids and counts only: never a password,
// never a message's words.
import type { MethodInput, MethodName, MethodOutput } from '../../common/api.js';

type Detail = Record<string, unknown>;

const AUDITED: Partial<Record<MethodName, (input: unknown, value: unknown) => Detail>> = {
  'account.add': (_input, value) => {
    const account = value as MethodOutput<'account.add'>;
    return { accountId: account.id, email: account.email };
  },
  'account.remove': (input) => ({ accountId: (input as { id?: unknown }).id ?? null }),
  // What changed, by name: never the password, nor the servers' settings.
  'account.update': (input) => {
    const edit = input as MethodInput<'account.update'>;
    return {
      accountId: edit.id,
      changed: (['name', 'imap', 'smtp', 'password'] as const).filter((k) => edit[k] !== undefined),
    };
  },
  'outbox.send': (_input, value) => {
    const entry = value as MethodOutput<'outbox.send'>;
    return { outboxId: entry.id, accountId: entry.accountId, state: entry.state };
  },
  'message.delete': (input, value) => {
    const selection = input as { ids?: number[]; threadIds?: number[] };
    const result = value as MethodOutput<'message.delete'>;
    return {
      ids: selection.ids ?? [],
      threadIds: selection.threadIds ?? [],
      affected: result.affected,
      description: result.description,
    };
  },
  // A POST to a list's link or a mail to its address went out for the person: never the link.
  'message.unsubscribe': (input, value) => {
    const result = value as MethodOutput<'message.unsubscribe'>;
    return {
      messageId: (input as { id?: unknown }).id ?? null,
      method: result.method,
      done: result.done,
    };
  },
  // A folder deleted goes with its messages: ids and counts, never the folder's name.
  'mailbox.delete': (input, value) => ({
    mailboxId: (input as { id?: unknown }).id ?? null,
    messages: (value as MethodOutput<'mailbox.delete'>).messages,
  }),
};

/** The audit entry's action and detail for a method that succeeded, or null when not audited. */
export function auditOf(
  method: MethodName,
  input: unknown,
  value: unknown,
): { action: string; detail: Detail } | null {
  const detail = AUDITED[method];
  return detail ? { action: method, detail: detail(input, value) } : null;
}
