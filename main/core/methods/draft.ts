// draft.*: drafts are saved here first, so typing never waits on the network; the server's
// Drafts gets the newest version now when it answers, else with the next sync. The list
// shows local drafts and those found on the server alike.
import { MaildockError, toErrorData } from '../../../common/errors.js';
import type { Account, ComposeInput, Draft } from '../../../common/types.js';
import { getLogger } from '../platform/log.js';
import type { DraftRecord, Store } from '../store/index.js';
import type { MethodContext } from './context.js';
import type { MethodsOf } from './table.js';

const log = getLogger('send');

/** A draft as the contract shows it. */
export function draftOf(r: DraftRecord, storedMessageId: number | null): Draft {
  return {
    id: r.id,
    storedMessageId,
    accountId: r.accountId,
    messageId: r.messageId,
    subject: r.subject,
    to: r.to,
    updatedAt: new Date(r.updatedAt).toISOString(),
    origin: r.syncedVersion === r.version ? 'synced' : 'local',
  };
}

/** The drafts found in the server's Drafts folders, by Message-ID. */
async function storedDrafts(
  store: Store,
  accountId?: number,
): Promise<Map<string, { id: number; summary: Draft }>> {
  const out = new Map<string, { id: number; summary: Draft }>();
  for (const box of await store.mailboxes.withRole('drafts', accountId)) {
    for (const m of await store.messages.list(box.id, 1000)) {
      const key = m.messageId ?? `stored:${m.id}`;
      out.set(key, {
        id: m.id,
        summary: {
          id: null,
          storedMessageId: m.id,
          accountId: m.accountId,
          messageId: m.messageId,
          subject: m.subject,
          to: m.to.map((a) => (a.name ? `${a.name} <${a.address}>` : a.address)),
          updatedAt: m.date,
          origin: 'server',
        },
      });
    }
  }
  return out;
}

/** A draft keeps the files it names, never a copy of base64 content twice (it is in raw). */
function stripContent(a: ComposeInput['attachments'][number]) {
  const { content: _content, ...rest } = a;
  return rest;
}

export function draftMethods(ctx: MethodContext): MethodsOf<'draft.'> {
  const push = (account: Account) => ctx.sending.pushDrafts(account);
  return {
    'draft.save': async (input) => {
      const { store } = ctx;
      const { id, ...rest } = input;
      const existing = id !== undefined ? await store.drafts.get(id) : null;
      if (id !== undefined && (!existing || existing.deleted)) {
        throw new MaildockError('NOT_FOUND', `There is no draft ${id}.`, { id });
      }
      const accountInput =
        existing && rest.accountId === undefined && !rest.reference
          ? { ...rest, accountId: existing.accountId }
          : rest;
      const { account, composed } = await ctx.sending.build(accountInput, existing?.messageId);
      const record = {
        compose: { ...rest, to: rest.to, attachments: rest.attachments.map(stripContent) },
        subject: composed.subject,
        raw: composed.raw,
      };
      const saved = existing
        ? (await store.drafts.update(existing.id, record))!
        : await store.drafts.add({
            accountId: account.id,
            messageId: composed.messageId,
            ...record,
          });
      // Offline-first: the draft is safe here; the server copy follows now or with the next sync.
      try {
        await push(account);
      } catch (err) {
        log.info({ draftId: saved.id, code: toErrorData(err).code }, 'draft kept locally for now');
      }
      const now = (await store.drafts.get(saved.id)) ?? saved;
      const onServer = (await storedDrafts(store, account.id)).get(now.messageId);
      return draftOf(now, onServer?.id ?? null);
    },
    'draft.list': async ({ accountId }) => {
      const { store } = ctx;
      const stored = await storedDrafts(store, accountId);
      const local = await store.drafts.list(accountId);
      const known = await store.drafts.messageIds(accountId);
      const out: Draft[] = local.map((d) => draftOf(d, stored.get(d.messageId)?.id ?? null));
      for (const [key, s] of stored) if (!known.has(key)) out.push(s.summary);
      return out.sort((a, b) => b.updatedAt.localeCompare(a.updatedAt));
    },
    // A local draft to write on: what was typed, with its attachments' content.
    'draft.get': async ({ id }) => {
      const d = await ctx.store.drafts.get(id);
      if (!d || d.deleted) throw new MaildockError('NOT_FOUND', `There is no draft ${id}.`, { id });
      const { draftInput } = await import('../send/draft-input.js');
      return draftInput(d);
    },
    'draft.delete': async ({ id }) => {
      const d = await ctx.store.drafts.get(id);
      if (!d) throw new MaildockError('NOT_FOUND', `There is no draft ${id}.`, { id });
      const deleted = await ctx.store.drafts.markDeleted(id);
      try {
        await push(await ctx.account(d.accountId));
      } catch (err) {
        log.info({ draftId: id, code: toErrorData(err).code }, 'draft removal waits for a sync');
      }
      return { deleted };
    },
  };
}
