// `message.source`: a message exactly as the server has it, for "view source" and "save
// as .eml". Nothing of it is kept here: each call fetches it from the account's server. A
// local folder's message has no server: its bytes are the copy kept here.
import type { Api } from '../../../common/api.js';
import { MaildockError } from '../../../common/errors.js';
import { localRaw } from '../local/messages.js';
import { emlFilename } from '../mime/eml-filename.js';
import type { MethodContext } from './context.js';

/** As large as an attachment may be: the message travels whole, in base64, in one answer. */
export const MAX_SOURCE_BYTES = 64 * 1024 * 1024;

export function messageSource(ctx: MethodContext): Api['message.source'] {
  return async ({ id }) => {
    const { store } = ctx;
    const [row] = await store.messages.actionRows([id], []);
    const box = row ? await store.mailboxes.info(row.mailboxId) : null;
    if (!row || !box)
      throw new MaildockError('NOT_FOUND', `There is no message ${id}.`, { messageId: id });
    if (box.local) {
      const [summary, data] = await Promise.all([store.messages.summary(id), localRaw(store, id)]);
      return {
        id,
        filename: emlFilename(summary?.subject ?? null),
        size: data.length,
        data: data.toString('base64'),
      };
    }
    // Moved here while offline: the server has it under a UID it has not told us yet.
    if (row.uid <= 0)
      throw new MaildockError(
        'NOT_FOUND',
        `Message ${id} is not on the server in ${box.path} yet: its source is there once its move reaches the server (sync).`,
        { messageId: id, path: box.path, onServer: false },
      );
    const summary = await store.messages.summary(id);
    const sync = await ctx.accountSync(await ctx.account(row.accountId));
    const data = await sync.fetchSource(
      { path: box.path, uid: row.uid, uidValidity: box.uidValidity },
      MAX_SOURCE_BYTES,
    );
    return {
      id,
      filename: emlFilename(summary?.subject ?? null),
      size: data.length,
      data: data.toString('base64'),
    };
  };
}
