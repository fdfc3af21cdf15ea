// What is read back from a local folder's messages, which no server holds: their bytes (view
// source, save as .eml, export) and their attachments, from the copy kept in the store.
import { MaildockError } from '../../../common/errors.js';
import { attachmentContent } from '../mime/part.js';
import type { MailboxInfo, Store, StoredAttachment } from '../store/index.js';

/** The local folder a message is in, or null when it is in a folder of the account's server. */
export async function localFolderOf(store: Store, messageId: number): Promise<MailboxInfo | null> {
  const [row] = await store.messages.actionRows([messageId], []);
  const box = row ? await store.mailboxes.info(row.mailboxId) : null;
  return box?.local ? box : null;
}

/** A message's bytes as kept here; a message of a local folder always has them. */
export async function localRaw(store: Store, messageId: number): Promise<Buffer> {
  const raw = await store.bodies.raw(messageId);
  if (!raw)
    throw new MaildockError('NOT_FOUND', `Message ${messageId} has no copy kept here.`, {
      messageId,
    });
  return raw;
}

/** An attachment of a message of a local folder, from its kept bytes. */
export async function localAttachment(
  store: Store,
  a: StoredAttachment,
  maxBytes: number,
): Promise<Buffer> {
  const detail = await store.messages.detail(a.messageId);
  const index = detail?.attachments.findIndex((x) => x.id === a.id) ?? -1;
  if (index < 0)
    throw new MaildockError('NOT_FOUND', `There is no attachment ${a.id}.`, { attachmentId: a.id });
  return attachmentContent(await localRaw(store, a.messageId), index, maxBytes);
}

export interface LocalExportMessage {
  raw: Buffer;
  date: Date;
}

/** Messages read from the store at a time for an export. */
const PAGE = 1000;

/**
 * The messages of a local folder (or those of `ids` in it) with their bytes, in UID order:
 * the order they were imported or moved in, as an export from a server folder goes.
 */
export async function* localMessages(
  store: Store,
  mailboxId: number,
  ids: readonly number[] | null,
): AsyncGenerator<LocalExportMessage> {
  let order: { id: number; uid: number; date: string }[] = [];
  if (ids) {
    order = (await store.messages.summaries(ids)).filter((m) => m.mailboxId === mailboxId);
  } else {
    for (let before: number | undefined; ;) {
      const page = await store.messages.list(mailboxId, PAGE, before);
      order.push(...page);
      if (page.length < PAGE) break;
      before = page.at(-1)!.id;
    }
  }
  order.sort((a, b) => a.uid - b.uid);
  for (const m of order) yield { raw: await localRaw(store, m.id), date: new Date(m.date) };
}
