// Folders: the list straight from the store, and the user's own folders created, renamed,
// moved and deleted. Each change is done locally at once and replayed to the server once
// (actions/folders.ts), a local folder's here only; the windows that show the folder list
// hear of it (mailbox.changed).
import { FolderActions } from '../actions/folders.js';
import type { MethodContext } from './context.js';
import type { MethodsOf } from './table.js';

/** The folders' own methods; importing and exporting mail is methods/transfer.ts's. */
export function mailboxMethods(
  ctx: MethodContext,
): Omit<MethodsOf<'mailbox.'>, 'mailbox.import' | 'mailbox.export'> {
  // Built per call: a restore gives the service another store.
  const folders = () => new FolderActions(ctx.store);
  /** After a change: replayed at once where the account is watched, and the lists read again. */
  const changed = (box: { accountId: number; local: boolean }) => {
    if (!box.local) ctx.kick();
    ctx.events.emit('mailbox.changed', { accountId: box.accountId });
  };
  return {
    'mailbox.list': async ({ accountId }) => ctx.store.mailboxes.list(accountId),
    'mailbox.create': async (input) => {
      // The account's own error (NOT_FOUND) before anything about the name.
      await ctx.account(input.accountId);
      const { mailbox } = await folders().create(input);
      changed(mailbox);
      return mailbox;
    },
    'mailbox.rename': async (input) => {
      const { mailbox, changed: renamed } = await folders().rename(input);
      if (renamed) changed(mailbox);
      return mailbox;
    },
    'mailbox.delete': async ({ id }) => {
      const local = (await ctx.store.mailboxes.info(id))?.local ?? false;
      const deleted = await folders().delete(id);
      changed({ accountId: deleted.accountId, local });
      return { deleted: true, messages: deleted.messages };
    },
  };
}
