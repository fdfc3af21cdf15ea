// Reading and changing mail: lists, conversations, search and address completion
// straight from the store (none waits on the network, but a body opened before it was
// fetched), attachments, and the user's actions with their undo.
import { MaildockError, toErrorData } from '../../../common/errors.js';
import type { Api } from '../../../common/api.js';
import { sanitizeMailHtml } from '../html/sanitize.js';
import { getLogger } from '../platform/log.js';
import type { ListPage, Store } from '../store/index.js';
import { changed, type MethodContext } from './context.js';
import { messageSource } from './message-source.js';
import type { MethodsOf } from './table.js';
import { unsubscribe } from './unsubscribe.js';

const log = getLogger('service');

type MessageMethods = MethodsOf<'message.'> &
  Pick<Api, 'address.suggest' | 'sender.remoteContent' | 'attachment.get'> &
  Pick<Api, 'action.undo' | 'operation.list'>;

const remoteKey = (address: string) => `remote.allow.${address.trim().toLowerCase()}`;

/** Whether the user allows remote content in mail from this sender. */
async function remoteContentAllowed(
  store: Store,
  from: readonly { address: string }[],
): Promise<boolean> {
  const sender = from[0]?.address;
  return !!sender && (await store.settings.get(remoteKey(sender))) === '1';
}

/** The folders a list input names by id, once each; null when it names a path. */
function namedMailboxes(input: {
  mailboxId?: number | undefined;
  mailboxIds?: number[] | undefined;
}): number[] | null {
  const ids = input.mailboxIds ?? (input.mailboxId !== undefined ? [input.mailboxId] : null);
  return ids ? [...new Set(ids)] : null;
}

function pageOf(page: ListPage, limit: number) {
  const messages = page.rows;
  return {
    messages,
    nextBefore: messages.length === limit ? messages.at(-1)!.id : null,
    total: page.total,
  };
}

async function mustExist(store: Store, ids: readonly number[]): Promise<void> {
  // info(), not get(): get() counts the folder's messages, which a page does not need.
  const found = await Promise.all(ids.map((id) => store.mailboxes.info(id)));
  const missing = ids.find((_, i) => !found[i]);
  if (missing !== undefined)
    throw new MaildockError('NOT_FOUND', `There is no mailbox ${missing}.`, { mailboxId: missing });
}

/** The folder a list input names by path (in one account, or the only one that has it). */
async function mailboxByPath(
  store: Store,
  input: { accountId?: number | undefined; path?: string | undefined },
): Promise<number[]> {
  const { path, accountId } = input;
  if (!path) throw new MaildockError('INVALID_INPUT', 'Give a mailbox id, a role or a path.');
  let accounts = await store.accounts.list();
  if (accountId !== undefined) {
    accounts = accounts.filter((a) => a.id === accountId);
    if (!accounts.length)
      throw new MaildockError('NOT_FOUND', `There is no account ${accountId}.`, { accountId });
  }
  const found = [];
  for (const a of accounts) {
    const box = await store.mailboxes.byPath(a.id, path);
    if (box) found.push(box);
  }
  if (found.length > 1) {
    throw new MaildockError('INVALID_INPUT', `Several accounts have ${path}: name the account.`, {
      path,
    });
  }
  if (!found[0]) throw new MaildockError('NOT_FOUND', `There is no mailbox ${path}.`, { path });
  return [found[0].id];
}

export function messageMethods(ctx: MethodContext): MessageMethods {
  return {
    'message.list': async ({ limit, before, offset, threads, count, ...where }) => {
      const { store } = ctx;
      const named = namedMailboxes(where);
      if (!named && where.role) {
        const ofRole = await store.mailboxes.withRole(where.role);
        if (!ofRole.length) return { messages: [], nextBefore: null, total: count ? 0 : null };
        const page = await store.messages.page({
          mailboxIds: ofRole.map((m) => m.id),
          limit,
          before,
          offset,
          threads,
          count,
        });
        return pageOf(page, limit);
      }
      const mailboxIds = named ?? (await mailboxByPath(store, where));
      // Several folders named by id are checked while their page is read (over Postgres the
      // statements go out together, in the call's one transaction). One folder with rows on
      // its page is there: a folder that is not the person's has no rows for them to see.
      const several = named !== null && named.length > 1;
      const [, page] = await Promise.all([
        several ? mustExist(store, named) : null,
        store.messages.page({ mailboxIds, limit, before, offset, threads, count }),
      ]);
      if (named && !several && !page.rows.length) await mustExist(store, named);
      return pageOf(page, limit);
    },
    'message.thread': async ({ id }) => {
      const one = await ctx.store.messages.summary(id);
      if (!one)
        throw new MaildockError('NOT_FOUND', `There is no message ${id}.`, { messageId: id });
      const messages = one.threadId === null ? [one] : await ctx.store.threads.messages(id);
      return { messages };
    },
    'message.search': async ({ query, limit, before, count }) => {
      const { store } = ctx;
      const found = await store.search.search(query, {
        limit,
        count,
        ...(before !== undefined ? { before } : {}),
      });
      const summaries = await store.messages.summaries(found.hits.map((h) => h.id));
      const byId = new Map(summaries.map((m) => [m.id, m]));
      const hits = found.hits.flatMap((h) => {
        const message = byId.get(h.id);
        return message ? [{ message, snippet: h.snippet, highlights: h.highlights }] : [];
      });
      return {
        hits,
        nextBefore: found.nextBefore,
        total: found.total?.count ?? null,
        more: found.total?.more ?? false,
      };
    },
    'message.get': async ({ id, raw }) => {
      const { store } = ctx;
      let detail = await store.messages.detail(id);
      if (!detail)
        throw new MaildockError('NOT_FOUND', `There is no message ${id}.`, { messageId: id });
      if (detail.message.bodyState === 'pending') {
        // What the user opens jumps the queue: fetched now on its own connection.
        try {
          const sync = await ctx.accountSync(await ctx.account(detail.message.accountId));
          await sync.fetchBodyNow(id);
          detail = (await store.messages.detail(id)) ?? detail;
        } catch (err) {
          log.warn({ messageId: id, code: toErrorData(err).code }, 'body fetch on open failed');
        }
      }
      const allowRemote = await remoteContentAllowed(store, detail.message.from);
      if (raw === true || detail.html === null)
        return { ...detail, remoteContentAllowed: allowRemote };
      try {
        const { html } = await sanitizeMailHtml(detail.html, { allowRemote });
        return { ...detail, html, remoteContentAllowed: allowRemote };
      } catch (err) {
        // Never the HTML as sent in its place: the text part, and why the HTML is missing.
        const { code, message } = toErrorData(err);
        log.warn({ messageId: id, code }, 'HTML not sanitized');
        const why = `its HTML could not be made safe to show (${message}); ask for it raw to see it as sent`;
        return {
          ...detail,
          html: null,
          parseError: detail.parseError ? `${detail.parseError}; ${why}` : why,
          remoteContentAllowed: allowRemote,
        };
      }
    },
    'address.suggest': async ({ query, limit }) => ctx.store.contacts.suggest(query, limit),
    'sender.remoteContent': async ({ address, allow }) => {
      const key = remoteKey(address);
      if (allow) await ctx.store.settings.set(key, '1');
      else await ctx.store.settings.remove(key);
      return { address: address.toLowerCase(), allow };
    },
    'attachment.get': async ({ id }) => {
      const a = await ctx.store.bodies.attachment(id);
      if (!a)
        throw new MaildockError('NOT_FOUND', `There is no attachment ${id}.`, {
          attachmentId: id,
        });
      const data = await ctx.attachments.content(a);
      return {
        id,
        filename: a.filename,
        contentType: a.contentType,
        size: data.length,
        data: data.toString('base64'),
      };
    },
    'message.mark': async ({ read, flagged, undoable, ...sel }) =>
      changed(
        ctx,
        await ctx.actions.mark(
          sel,
          {
            ...(read !== undefined ? { read } : {}),
            ...(flagged !== undefined ? { flagged } : {}),
          },
          { undoable },
        ),
      ),
    'message.move': async ({ mailboxId, path, role, ...sel }) =>
      changed(
        ctx,
        await ctx.actions.move(sel, {
          ...(mailboxId !== undefined ? { mailboxId } : {}),
          ...(path !== undefined ? { path } : {}),
          ...(role !== undefined ? { role } : {}),
        }),
      ),
    'message.delete': async (sel) => changed(ctx, await ctx.actions.delete(sel)),
    'message.unsubscribe': async ({ id }) => unsubscribe(ctx, id),
    'message.junk': async ({ junk, ...sel }) => changed(ctx, await ctx.actions.junk(sel, junk)),
    'message.source': messageSource(ctx),
    'action.undo': async ({ actionId }) => {
      const r = await ctx.actions.undo(actionId);
      if (r.undone) ctx.kick();
      return r;
    },
    'operation.list': async ({ state, limit }) => ctx.store.operations.list(state, limit),
  };
}
