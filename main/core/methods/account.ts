// account.*: adding (after a test login), listing and removing accounts. A password goes to
// the secret store, never into the store.
import type { AccountInput } from '../../../common/types.js';
import { getLogger } from '../platform/log.js';
import { accountSecretKey } from '../secrets/secret-store.js';
import type { MethodContext } from './context.js';
import type { MethodsOf } from './table.js';

const log = getLogger('service');

async function testConnection(ctx: MethodContext, input: AccountInput): Promise<string[]> {
  const { connect } = await import('../sync/connect.js');
  const client = await connect(input.imap, input.password, {
    timeoutMs: ctx.options.timeoutMs ?? 15_000,
  });
  const caps = [...(client.capabilities as Map<string, unknown>).keys()];
  await client.logout().catch(() => client.close());
  return caps;
}

export function accountMethods(ctx: MethodContext): MethodsOf<'account.'> {
  return {
    'account.test': async (input) => ({ capabilities: await testConnection(ctx, input) }),
    'account.add': async (input) => {
      await testConnection(ctx, input);
      const { password, ...settings } = input;
      const account = await ctx.store.accounts.add(settings);
      try {
        await ctx.secrets.set(accountSecretKey(account.id), password);
      } catch (err) {
        await ctx.store.accounts.remove(account.id);
        throw err;
      }
      log.info({ accountId: account.id }, 'account added');
      await ctx.accountAdded(account);
      return account;
    },
    'account.list': async () => ctx.store.accounts.list(),
    'account.remove': async ({ id }) => {
      await ctx.account(id);
      // Its watcher first: a pass still writing would meet an account that is gone.
      await ctx.unwatch(id);
      const { removed, cachedAttachments } = await ctx.store.accounts.remove(id);
      await ctx.attachments.forget(cachedAttachments);
      await ctx.secrets.delete(accountSecretKey(id));
      ctx.syncErrors.delete(id);
      ctx.syncStates.forget(id);
      ctx.options.leased?.accountsChanged();
      return { removed };
    },
  };
}
