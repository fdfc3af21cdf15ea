// account.*: adding (after a test login), listing, editing (after a test of what would result)
// and removing accounts, and finding an address's servers (discovery/). A password goes to
// the secret store, never into the store; so does an OAuth2 account's refresh token, taken
// from a finished sign-in (oauth2/flows.ts), which account.signin also renews.
import { MaildockError } from '../../../common/errors.js';
import type { Account, AccountInput, AccountUpdate } from '../../../common/types.js';
import type { Grant } from '../oauth2/tokens.js';
import type { AccessTokens, MailSecret } from '../secrets/mail-secret.js';
import { getLogger } from '../platform/log.js';
import { accountSecretKey } from '../secrets/secret-store.js';
import { reachesSameMailbox, sameImapAddress, testImap, testSmtp } from './account-check.js';
import type { MethodContext } from './context.js';
import { refuseWhereShared } from './oauth2.js';
import type { MethodsOf } from './table.js';

const log = getLogger('service');

type Settings = Pick<Account, 'name' | 'imap' | 'smtp'>;

const settingsOf = (a: Account): Settings => ({ name: a.name, imap: a.imap, smtp: a.smtp });

const timeoutOf = (ctx: MethodContext) => ctx.options.timeoutMs ?? 15_000;

/** A finished sign-in's token, for the test login before the account exists. */
const grantTokens = (grant: Grant): AccessTokens => ({
  kind: 'oauth2',
  accessToken: async () => grant.accessToken,
});

/** What the new account signs in with: its password, or the grant of a finished sign-in. */
async function secretOf(
  ctx: MethodContext,
  input: AccountInput,
): Promise<{ secret: MailSecret; grant: Grant | null }> {
  if (input.password !== undefined) return { secret: input.password, grant: null };
  refuseWhereShared(ctx);
  const flowId = input.oauth2?.flowId ?? '';
  const grant = (await ctx.oauth2Flows()).grant(flowId, input.email);
  return { secret: grantTokens(grant), grant };
}

/**
 * Signs an account in again with a finished sign-in for its address (or moves an account
 * from its password to OAuth2): tested first; then the grant is kept, the password (if any)
 * dropped, "sign in again" cleared, and the account's sync starts anew.
 */
async function signIn(ctx: MethodContext, id: number, flowId: string): Promise<Account> {
  refuseWhereShared(ctx);
  const account = await ctx.account(id);
  const flows = await ctx.oauth2Flows();
  const grant = flows.grant(flowId, account.email);
  await testImap(account.imap, grantTokens(grant), timeoutOf(ctx));
  await ctx.oauth2.save(account.id, grant);
  flows.take(flowId, account.email);
  await ctx.secrets.delete(accountSecretKey(account.id));
  log.info({ accountId: id, provider: grant.provider }, 'account signed in again');
  ctx.syncErrors.delete(id);
  await ctx.accountChanged(account).catch((err: unknown) => {
    log.warn({ err, accountId: id }, 'the account is not watched anew');
  });
  return ctx.oauth2.describe(account);
}

/**
 * Edits an account. What is given replaces what is stored (`imap` and `smtp` whole, `smtp:
 * null` removes sending, `name: null` clears the name); the result is tested before anything
 * is saved: IMAP when its settings or the password change, SMTP when it is added, changed,
 * or the password changes (a name alone needs no server). A failed test saves nothing and
 * answers with the test's error, as adding does.
 *
 * The IMAP server. The mail, folders and local changes the account holds belong to one
 * mailbox: the same host (whatever its case), port and user keep them, whatever else changes
 * (security, certificate, password). Another host, port or user is accepted only where the
 * test login shows the same mailbox there (a stored message at its UID, under its
 * UIDVALIDITY, with its Message-ID: a server's new name, its other port). Any other mailbox
 * is refused (INVALID_INPUT, field imap) and nothing changes: its UIDs would be read as the
 * old one's, and the user's mail would vanish from this account without a word. Another
 * mailbox is another account: add it, and remove this one if it is no longer wanted. An
 * account that has selected no folder yet holds nothing to mix up and may move anywhere.
 *
 * Saving. The settings first, then the password; when the password cannot be stored the old
 * settings are put back, so a failure leaves the account as it worked before (with its old
 * password, which nothing overwrote). Then the account's watcher starts again with the new
 * settings, here or on the instance that holds its lease.
 */
async function updateAccount(ctx: MethodContext, input: AccountUpdate): Promise<Account> {
  const before = await ctx.account(input.id);
  const after: Settings = {
    name: input.name === undefined ? before.name : input.name,
    imap: input.imap ?? before.imap,
    smtp: input.smtp === undefined ? before.smtp : input.smtp,
  };
  const newPassword = input.password !== undefined;
  const testsImap = input.imap !== undefined || newPassword;
  const testsSmtp = after.smtp !== null && (!!input.smtp || newPassword);
  if (testsImap || testsSmtp) {
    const password = input.password ?? (await ctx.password(before));
    if (testsImap) {
      const moved = !sameImapAddress(before.imap, after.imap);
      await testImap(after.imap, password, timeoutOf(ctx), async (client) => {
        if (moved && !(await reachesSameMailbox(client, ctx.store, before.id))) {
          throw new MaildockError(
            'INVALID_INPUT',
            `${after.imap.user} at ${after.imap.host}:${after.imap.port} does not hold the mail this account has synced: it is another mailbox, or one that cannot be shown to be the same. Add it as an account of its own (and remove this one if it is no longer wanted).`,
            { accountId: before.id, field: 'imap' },
          );
        }
      });
    }
    if (testsSmtp && after.smtp) await testSmtp(after.smtp, password, timeoutOf(ctx));
  }

  const saved = await ctx.store.accounts.update(before.id, after);
  if (!saved) {
    throw new MaildockError('NOT_FOUND', `There is no account ${input.id}.`, {
      accountId: input.id,
    });
  }
  if (input.password !== undefined) {
    try {
      await ctx.secrets.set(accountSecretKey(before.id), input.password);
      // A password given to an OAuth2 account is how it signs in from now on.
      await ctx.oauth2.forget(before.id);
    } catch (err) {
      await ctx.store.accounts.update(before.id, settingsOf(before)).catch((undo: unknown) => {
        log.error({ err: undo, accountId: before.id }, 'the old account settings not put back');
      });
      throw err;
    }
  }
  log.info(
    {
      accountId: before.id,
      imap: input.imap !== undefined,
      smtp: input.smtp === null ? 'removed' : input.smtp !== undefined,
      password: newPassword,
    },
    'account updated',
  );
  if (input.imap !== undefined || input.smtp !== undefined || newPassword) {
    // The last pass's errors were about the old settings.
    ctx.syncErrors.delete(before.id);
    // Saved is saved: a watcher that cannot start again now is the sync's error, not the edit's.
    await ctx.accountChanged(saved).catch((err: unknown) => {
      log.warn({ err, accountId: before.id }, 'the account is not watched anew');
    });
  }
  return saved;
}

export function accountMethods(ctx: MethodContext): MethodsOf<'account.'> {
  return {
    'account.test': async (input) => ({
      capabilities: await testImap(input.imap, (await secretOf(ctx, input)).secret, timeoutOf(ctx)),
    }),
    'account.add': async (input) => {
      const { secret, grant } = await secretOf(ctx, input);
      await testImap(input.imap, secret, timeoutOf(ctx));
      const { password, oauth2, ...settings } = input;
      const account = await ctx.store.accounts.add(settings);
      try {
        if (grant) await ctx.oauth2.save(account.id, grant);
        else await ctx.secrets.set(accountSecretKey(account.id), password!);
      } catch (err) {
        await ctx.oauth2.forget(account.id).catch(() => undefined);
        await ctx.store.accounts.remove(account.id);
        throw err;
      }
      if (oauth2) (await ctx.oauth2Flows()).take(oauth2.flowId, input.email);
      log.info({ accountId: account.id, auth: grant ? 'oauth2' : 'password' }, 'account added');
      await ctx.accountAdded(account);
      return ctx.oauth2.describe(account);
    },
    'account.signin': async ({ id, oauth2 }) => signIn(ctx, id, oauth2.flowId),
    // Loaded on first use: the ISPDB's table and the XML reader serve this method alone.
    'account.discover': async ({ email }) =>
      (await import('../discovery/discover.js')).discover(email, ctx.options.discovery),
    'account.list': async () =>
      Promise.all((await ctx.store.accounts.list()).map((a) => ctx.oauth2.describe(a))),
    'account.update': async (input) => ctx.oauth2.describe(await updateAccount(ctx, input)),
    'account.remove': async ({ id }) => {
      await ctx.account(id);
      // Its watcher first: a pass still writing would meet an account that is gone.
      await ctx.unwatch(id);
      const { removed, cachedAttachments } = await ctx.store.accounts.remove(id);
      await ctx.attachments.forget(cachedAttachments);
      await ctx.secrets.delete(accountSecretKey(id));
      await ctx.oauth2.forget(id);
      ctx.syncErrors.delete(id);
      ctx.syncStates.forget(id);
      ctx.options.leased?.accountsChanged();
      return { removed };
    },
  };
}
