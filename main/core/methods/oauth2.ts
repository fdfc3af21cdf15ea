// oauth2.*: starting an OAuth2 sign-in, finishing it or cancelling it (oauth2/flows.ts). What a finished
// sign-in holds is never answered: account.add or account.signin takes it from memory.
import { MaildockError } from '../../../common/errors.js';
import type { MethodContext } from './context.js';
import type { MethodsOf } from './table.js';

/**
 * The server of many people does not sign in with OAuth2 yet: a sign-in waits in one
 * instance's memory, and its listener would be on the server's loopback, not the person's.
 */
export function refuseWhereShared(ctx: MethodContext): void {
  if (ctx.secrets.kind === 'database') {
    throw new MaildockError(
      'FORBIDDEN',
      'OAuth2 sign-in is not offered by the server of many people yet: add the account with a password (an app password, where the provider gives one).',
      { field: 'oauth2' },
    );
  }
}

export function oauth2Methods(ctx: MethodContext): MethodsOf<'oauth2.'> {
  return {
    'oauth2.start': async (input) => {
      refuseWhereShared(ctx);
      return (await ctx.oauth2Flows()).start(input);
    },
    'oauth2.finish': async (input) => {
      refuseWhereShared(ctx);
      return (await ctx.oauth2Flows()).finish(input);
    },
    'oauth2.cancel': async ({ flowId }) => {
      refuseWhereShared(ctx);
      return { cancelled: (await ctx.oauth2Flows()).cancel(flowId) };
    },
  };
}
