// The IMAP side of sending: the copy in Sent, drafts carried to the server's Drafts, and
// the bytes of an original to forward. Each opens its own short connection.
import type { MailSecret } from '../secrets/mail-secret.js';
import type { ImapFlow } from 'imapflow';
import { MaildockError } from '../../../common/errors.js';
import type { Account } from '../../../common/types.js';
import { getLogger } from '../platform/log.js';
import type { Store } from '../store/index.js';
import { connect, searchUids } from '../sync/connect.js';

const log = getLogger('send');

interface ImapDeps {
  store: Store;
  account: Account;
  password: MailSecret;
  timeoutMs?: number;
}

async function withClient<T>(d: ImapDeps, fn: (c: ImapFlow) => Promise<T>): Promise<T> {
  const client = await connect(d.account.imap, d.password, {
    ...(d.timeoutMs ? { timeoutMs: d.timeoutMs } : {}),
  });
  try {
    return await fn(client);
  } finally {
    await client.logout().catch(() => client.close());
  }
}

async function roleMailbox(d: ImapDeps, role: 'sent' | 'drafts'): Promise<string | null> {
  return (await d.store.mailboxes.byRole(d.account.id, role))?.path ?? null;
}

/** A failed search throws: read as "not there", it would append a second copy. */
const uidsWithMessageId = (client: ImapFlow, messageId: string): Promise<number[]> =>
  searchUids(client, { header: { 'message-id': messageId } }, 'a search for a sent copy');

/**
 * Appends sent messages to Sent. The row is marked "under way" before each APPEND; a row
 * found so after a crash is looked up by Message-ID first, so Sent never gets two copies.
 */
export async function saveSentCopies(d: ImapDeps): Promise<number> {
  const outbox = d.store.outbox;
  const rows = await outbox.pendingSentCopies(d.account.id, 500);
  if (!rows.length) return 0;
  const path = await roleMailbox(d, 'sent');
  if (!path) {
    log.warn({ accountId: d.account.id }, 'no Sent folder known yet: copies wait for a sync');
    return 0;
  }
  return withClient(d, async (client) => {
    const lock = await client.getMailboxLock(path);
    let n = 0;
    try {
      for (const row of rows) {
        if (row.appending && (await uidsWithMessageId(client, row.messageId)).length) {
          await outbox.sentCopyDone(row.id);
          continue;
        }
        if (!(await outbox.startSentCopy(row.id))) continue;
        await client.append(path, row.raw, ['\\Seen'], new Date(row.sentAt ?? Date.now()));
        await outbox.sentCopyDone(row.id);
        n++;
      }
    } finally {
      lock.release();
    }
    return n;
  });
}

/**
 * Carries local drafts to the server's Drafts: APPEND the new version, then delete every older
 * copy (found by the draft's Message-ID, so a copy left by a crash goes too); a deleted draft's
 * copies are removed and its row with them.
 */
export async function syncDrafts(d: ImapDeps): Promise<number> {
  const drafts = d.store.drafts;
  const pending = await drafts.unsynced(d.account.id);
  if (!pending.length) return 0;
  const fallback = await roleMailbox(d, 'drafts');
  return withClient(d, async (client) => {
    let n = 0;
    for (const draft of pending) {
      const path = draft.serverPath ?? fallback;
      if (!path) {
        if (draft.deleted) await drafts.remove(draft.id);
        continue;
      }
      const lock = await client.getMailboxLock(path);
      try {
        const old = await uidsWithMessageId(client, draft.messageId);
        if (draft.deleted) {
          if (old.length) await client.messageDelete(old.join(','), { uid: true });
          await drafts.remove(draft.id);
          n++;
          continue;
        }
        const added = await client.append(path, draft.raw, ['\\Draft', '\\Seen']);
        const uid = added && typeof added.uid === 'number' ? added.uid : null;
        const stale = old.filter((u) => u !== uid);
        if (stale.length) await client.messageDelete(stale.join(','), { uid: true });
        await drafts.markSynced(draft.id, draft.version, path, uid);
        n++;
      } finally {
        lock.release();
      }
    }
    return n;
  });
}

/** The whole source of a stored message, from the server. */
export async function fetchSource(d: ImapDeps, path: string, uid: number): Promise<Buffer> {
  return withClient(d, async (client) => {
    const lock = await client.getMailboxLock(path, { readOnly: true });
    try {
      const msg = await client.fetchOne(String(uid), { source: true }, { uid: true });
      if (!msg || !msg.source) {
        throw new MaildockError('NOT_FOUND', 'The original message is no longer on the server.', {
          path,
          uid,
        });
      }
      return msg.source;
    } finally {
      lock.release();
    }
  });
}
