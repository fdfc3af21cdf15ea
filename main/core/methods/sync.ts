// sync.*: a pass over every account (or one) now, what the store holds, and each account's
// sync state as the UI shows it.
import { toErrorData } from '../../../common/errors.js';
import type { SyncError, SyncSummary } from '../../../common/types.js';
import type { MethodContext, MethodsOf } from './context.js';

export async function syncSummary(ctx: MethodContext): Promise<SyncSummary> {
  const { store } = ctx;
  const { messages, bodies } = await store.messages.counts();
  return {
    accounts: (await store.accounts.list()).length,
    mailboxes: await store.mailboxes.count(),
    messages,
    bodies,
    errors: [...ctx.syncErrors.values()].flat(),
    operations: await store.operations.counts(),
  };
}

export function syncMethods(ctx: MethodContext): MethodsOf<'sync.'> {
  return {
    'sync.run': async ({ accountId }) => {
      const accounts = accountId ? [await ctx.account(accountId)] : await ctx.store.accounts.list();
      for (const account of accounts) {
        let errors: SyncError[];
        try {
          errors = await (await ctx.accountSync(account)).runOnce();
        } catch (err) {
          errors = [{ ...toErrorData(err), accountId: account.id }];
        }
        // After the IMAP sync: what is due leaves, Sent gets its copies, drafts go up.
        errors = [...errors, ...(await ctx.sending.runAccount(account))];
        ctx.syncErrors.set(account.id, errors);
        ctx.syncStates.finished(account.id, errors);
        for (const e of errors) {
          ctx.events.emit('sync.error', {
            accountId: account.id,
            error: {
              code: e.code,
              message: e.message,
              ...(e.fields ? { fields: e.fields } : {}),
            },
          });
        }
      }
      return syncSummary(ctx);
    },
    'sync.summary': async () => syncSummary(ctx),
    'sync.state': async () =>
      ctx.syncStates.list((await ctx.store.accounts.list()).map((a) => a.id)),
  };
}
