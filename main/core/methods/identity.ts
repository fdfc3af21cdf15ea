// identity.*: the addresses an account sends from. Its own address is its primary identity
// (named by the account's name, never removed); aliases are added, renamed and removed here,
// each with a signature of its own. Nothing is tested against the server: whether it lets the
// account send as an alias shows when the first message goes.
import { MAX_IDENTITIES } from '../../../common/identities.js';
import { MaildockError } from '../../../common/errors.js';
import type { Account, Identity, IdentityInput } from '../../../common/types.js';
import { getLogger } from '../platform/log.js';
import type { MethodContext } from './context.js';
import type { MethodsOf } from './table.js';

const log = getLogger('service');

const same = (a: string, b: string) => a.trim().toLowerCase() === b.trim().toLowerCase();

async function save(
  ctx: MethodContext,
  account: Account,
  name: string | null,
  identities: Identity[],
): Promise<Account> {
  const saved = await ctx.store.accounts.setIdentities(account.id, name, identities);
  if (!saved) {
    throw new MaildockError('NOT_FOUND', `There is no account ${account.id}.`, {
      accountId: account.id,
    });
  }
  // As account.list shows it: with how it signs in.
  return ctx.oauth2.describe(saved);
}

async function saveIdentity(ctx: MethodContext, input: IdentityInput): Promise<Account> {
  const account = await ctx.account(input.accountId);
  const at = account.identities.findIndex((i) => same(i.email, input.email));
  const before = at >= 0 ? account.identities[at]! : null;
  if (!before && account.identities.length >= MAX_IDENTITIES) {
    throw new MaildockError(
      'INVALID_INPUT',
      `Account ${account.id} has ${MAX_IDENTITIES} identities, as many as it can have: remove one first.`,
      { accountId: account.id, path: 'email' },
    );
  }
  const identity: Identity = {
    // An alias keeps the address as it was first written; a new one as given.
    email: before?.email ?? input.email,
    name: input.name === undefined ? (before?.name ?? null) : input.name,
    signature: input.signature === undefined ? (before?.signature ?? null) : input.signature,
    primary: before?.primary ?? false,
  };
  const identities = [...account.identities];
  if (at >= 0) identities[at] = identity;
  else identities.push(identity);
  const name = identity.primary ? identity.name : account.name;
  log.info({ accountId: account.id, added: !before, primary: identity.primary }, 'identity saved');
  return save(ctx, account, name, identities);
}

export function identityMethods(ctx: MethodContext): MethodsOf<'identity.'> {
  return {
    'identity.save': (input) => saveIdentity(ctx, input),
    'identity.remove': async ({ accountId, email }) => {
      const account = await ctx.account(accountId);
      const found = account.identities.find((i) => same(i.email, email));
      if (!found) {
        throw new MaildockError('NOT_FOUND', `Account ${accountId} has no identity ${email}.`, {
          accountId,
          email,
        });
      }
      if (found.primary) {
        throw new MaildockError(
          'INVALID_INPUT',
          `${found.email} is the account's own address: it cannot be removed.`,
          { accountId, path: 'email' },
        );
      }
      log.info({ accountId }, 'identity removed');
      return save(
        ctx,
        account,
        account.name,
        account.identities.filter((i) => i !== found),
      );
    },
  };
}
