// The contract's reading methods: folders, lists, conversations, search and address
// completion, straight from the local store. None of them waits on the network.
import type { Api } from '../../common/api.js';
import { MaildockError } from '../../common/errors.js';
import type { Store } from './store/index.js';
import type { SearchIndex } from './store/search.js';

type ReadMethods = Pick<
  Api,
  | 'mailbox.list'
  | 'message.list'
  | 'message.thread'
  | 'message.search'
  | 'address.suggest'
  | 'sender.remoteContent'
>;

const remoteKey = (address: string) => `remote.allow.${address.trim().toLowerCase()}`;

/** Whether the user allows remote content in mail from this sender. */
export function remoteContentAllowed(store: Store, from: readonly { address: string }[]): boolean {
  const sender = from[0]?.address;
  return !!sender && store.settings.get(remoteKey(sender)) === '1';
}

export function readMethods(store: Store, search: SearchIndex): ReadMethods {
  /** The folders a list input names: ids, one id, or a path (in one account or the only one). */
  const mailboxesOf = (input: {
    mailboxId?: number | undefined;
    mailboxIds?: number[] | undefined;
    accountId?: number | undefined;
    path?: string | undefined;
  }): number[] => {
    const ids = input.mailboxIds ?? (input.mailboxId !== undefined ? [input.mailboxId] : null);
    if (ids) {
      for (const id of ids) {
        // info(), not get(): get() counts the folder's messages, which a page does not need.
        if (!store.mailboxes.info(id))
          throw new MaildockError('NOT_FOUND', `There is no mailbox ${id}.`, { mailboxId: id });
      }
      return [...new Set(ids)];
    }
    const { path, accountId } = input;
    if (!path) throw new MaildockError('INVALID_INPUT', 'Give a mailbox id or a path.');
    let accounts = store.accounts.list();
    if (accountId !== undefined) {
      accounts = accounts.filter((a) => a.id === accountId);
      if (!accounts.length)
        throw new MaildockError('NOT_FOUND', `There is no account ${accountId}.`, { accountId });
    }
    const found = accounts.flatMap((a) => store.mailboxes.byPath(a.id, path) ?? []);
    if (found.length > 1) {
      throw new MaildockError('INVALID_INPUT', `Several accounts have ${path}: name the account.`, {
        path,
      });
    }
    if (!found[0]) throw new MaildockError('NOT_FOUND', `There is no mailbox ${path}.`, { path });
    return [found[0].id];
  };

  return {
    'mailbox.list': async ({ accountId }) => store.mailboxes.list(accountId),
    'message.list': async ({ limit, before, offset, threads, count, ...where }) => {
      const mailboxIds = mailboxesOf(where);
      const messages = store.lists.page({ mailboxIds, limit, before, offset, threads });
      return {
        messages,
        nextBefore: messages.length === limit ? messages.at(-1)!.id : null,
        total: count ? store.lists.total({ mailboxIds, threads }) : null,
      };
    },
    'message.thread': async ({ id }) => {
      const one = store.messages.summary(id);
      if (!one)
        throw new MaildockError('NOT_FOUND', `There is no message ${id}.`, { messageId: id });
      const messages = one.threadId === null ? [one] : store.lists.thread(id);
      return { messages };
    },
    'message.search': async ({ query, limit, before }) => {
      const found = search.search(query, { limit, ...(before !== undefined ? { before } : {}) });
      const byId = new Map(
        store.messages.summaries(found.hits.map((h) => h.id)).map((m) => [m.id, m]),
      );
      const hits = found.hits.flatMap((h) => {
        const message = byId.get(h.id);
        return message ? [{ message, snippet: h.snippet, highlights: h.highlights }] : [];
      });
      return { hits, nextBefore: found.nextBefore };
    },
    'address.suggest': async ({ query, limit }) => store.contacts.suggest(query, limit),
    'sender.remoteContent': async ({ address, allow }) => {
      const key = remoteKey(address);
      if (allow) store.settings.set(key, '1');
      else store.settings.remove(key);
      return { address: address.toLowerCase(), allow };
    },
  };
}
