// outbox.*: messages queued to leave (after the undo delay, or later), listed, retried,
// cancelled, edited before they leave, sent again. send/sending.ts sends them.
import { MaildockError } from '../../../common/errors.js';
import { getLogger } from '../platform/log.js';
import { dueAt } from '../send/message-build.js';
import type { MethodContext } from './context.js';
import type { MethodsOf } from './table.js';

const log = getLogger('send');

export function outboxMethods(ctx: MethodContext): MethodsOf<'outbox.'> {
  const { sending } = ctx;
  return {
    'outbox.send': async (input) => {
      const { sendAt, delaySeconds, draftId, ...rest } = input;
      const { account, composed } = await sending.build(rest);
      if (!account.smtp) {
        throw new MaildockError('NO_SMTP', `${account.email} has no outgoing (SMTP) server.`, {
          accountId: account.id,
        });
      }
      const now = Date.now();
      const at = dueAt(composed, sendAt, delaySeconds ?? sending.delaySeconds, now);
      const entry = await ctx.store.transaction(async (tx) => {
        const e = await tx.outbox.add(
          {
            accountId: account.id,
            messageId: composed.messageId,
            from: composed.from,
            recipients: composed.recipients,
            subject: composed.subject,
            raw: composed.raw,
            inReplyTo: composed.inReplyTo,
            references: composed.references,
            sendAt: at,
            sentCopy: (await tx.outbox.serverSavesSent(account.id)) ? 2 : 0,
          },
          now,
        );
        if (draftId !== undefined) await tx.drafts.markDeleted(draftId);
        return e;
      });
      log.info({ outboxId: entry.id, accountId: account.id, size: entry.size }, 'message queued');
      sending.wake();
      return entry;
    },
    'outbox.list': async (input) => ctx.store.outbox.list(input),
    'outbox.retry': async (input) => {
      const id = 'id' in input ? input.id : null;
      if (id !== null && !(await ctx.store.outbox.get(id))) {
        throw new MaildockError('NOT_FOUND', `There is no outbox message ${id}.`, { id });
      }
      const due = await ctx.store.outbox.makeDue(id);
      sending.wake();
      return { due };
    },
    'outbox.cancel': async ({ id }) => ctx.store.outbox.cancel(id),
    'outbox.edit': async (input) => {
      const { id, sendAt, delaySeconds, ...rest } = input;
      const before = await ctx.store.outbox.get(id);
      if (!before)
        throw new MaildockError('NOT_FOUND', `There is no outbox message ${id}.`, { id });
      if (rest.accountId !== undefined && rest.accountId !== before.accountId) {
        throw new MaildockError('INVALID_INPUT', 'A queued message stays with its account.', {
          path: 'accountId',
        });
      }
      const { composed } = await sending.build(
        { ...rest, accountId: before.accountId },
        before.messageId,
      );
      const at = dueAt(composed, sendAt, delaySeconds ?? sending.delaySeconds, Date.now());
      const entry = await ctx.store.outbox.replace(id, {
        from: composed.from,
        recipients: composed.recipients,
        subject: composed.subject,
        raw: composed.raw,
        inReplyTo: composed.inReplyTo,
        references: composed.references,
        sendAt: at,
      });
      log.info({ outboxId: id, size: entry.size }, 'queued message edited');
      sending.wake();
      return entry;
    },
    'outbox.resend': async ({ id }) => {
      const entry = await ctx.store.outbox.resend(id);
      sending.wake();
      return entry;
    },
    'outbox.settings': async (input) => {
      await ctx.account(input.accountId);
      if (input.serverSavesSent !== undefined) {
        await ctx.store.outbox.setServerSavesSent(input.accountId, input.serverSavesSent);
      }
      return {
        accountId: input.accountId,
        serverSavesSent: await ctx.store.outbox.serverSavesSent(input.accountId),
      };
    },
  };
}
