// The server of many people: the same contract over HTTP and the same events, but each
// request signed in (a short-lived access token from `auth.login`) and answered by the
// service of the person it names, whose store sees their rows only. What belongs to the
// operator (the bundled stack, backups of the whole database) is not offered here: it is
// `maildock admin` and `maildock stack` on the server's machine.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { MethodName } from '../../common/api.js';
import type { Owner, PersonServices, Role } from '../core/people/index.js';
import { getLogger } from '../core/platform/log.js';
import { baseServer, registerApi, type BaseOptions } from './base.js';
import { pageSender } from './page.js';
import { registerEvents, serviceEvents, type Subscribe } from './events.js';
import { auditOf } from './audited.js';
import type { Limits } from './limits.js';

/** Who a request comes from, as its verified access token says. */
export interface Principal {
  owner: Owner;
  sessionId: string;
  role: Role;
  email: string;
}

export interface PeopleAuth {
  /** The request's signed-in person, or why there is none (a 401's message). */
  authenticate(req: FastifyRequest): Promise<{ principal: Principal } | { refused: string }>;
  /** The sign-in routes: auth.login, auth.refresh, auth.logout, auth.mode. */
  register(app: FastifyInstance, limits: Limits): Promise<void>;
}

export interface PeopleCore {
  /** Each person's service (core/people's PersonServices: opened on use, closed when idle). */
  services: Pick<PersonServices, 'use' | 'hold'>;
  auth: PeopleAuth;
  /** Where a signed-in person's events come from; their own service's, unless given. */
  subscribe?: (principal: Principal) => Subscribe;
  healthy(): Promise<boolean>;
  /** Writes an entry of the audit log for what a signed-in person did. */
  audit?(
    principal: Principal,
    ip: string,
    action: string,
    detail: Record<string, unknown>,
  ): Promise<void>;
}

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal;
  }
}

const log = getLogger('server');

const OPERATOR_ONLY = ['stack.', 'backup.'];
/** Import and export read and write paths on the server's disk, which are not a person's. */
const LOCAL_FILES: readonly MethodName[] = ['mailbox.import', 'mailbox.export', 'transfer.cancel'];

/** Why this server does not offer a method, or null. */
export function operatorOnly(method: MethodName): string | null {
  if (LOCAL_FILES.includes(method))
    return 'Importing and exporting mail reads and writes files on this server’s disk, which are not yours: use the Maildock app or its command line on your own machine.';
  return OPERATOR_ONLY.some((prefix) => method.startsWith(prefix))
    ? 'The mail stack and backups of this server are its operator’s: they are not offered over its API.'
    : null;
}

const principalOf = (req: FastifyRequest): Principal => {
  // The scope's hook sets it before any route of the scope runs.
  if (!req.principal) throw new Error('a request reached the API without a signed-in person');
  return req.principal;
};

export async function buildPeopleServer(
  core: PeopleCore,
  opts: BaseOptions,
): Promise<FastifyInstance> {
  const { app, limits, built } = await baseServer(opts, () => core.healthy());
  const sendPage = pageSender(built ? opts.staticDir : undefined, 'password');
  await core.auth.register(app, limits);

  await app.register(async (scope) => {
    scope.addHook('onRequest', async (req, reply) => {
      const verdict = await core.auth.authenticate(req);
      if ('refused' in verdict) return limits.refuseAuthentication(req, reply, verdict.refused);
      req.principal = verdict.principal;
      req.authenticatedAs = `${verdict.principal.owner.tenantId}:${verdict.principal.owner.userId}`;
    });
    registerApi(
      scope,
      async (req) => {
        const { owner } = principalOf(req);
        return {
          // Held while the call runs: a service is not closed under a request.
          invoke: (method, input) => core.services.use(owner, (s) => s.invoke(method, input)),
        };
      },
      operatorOnly,
      async (req, method, value) => {
        const entry = core.audit && auditOf(method, req.body, value);
        if (!entry) return;
        // The change is made: an audit log that cannot be written is logged, not answered.
        await core.audit!(principalOf(req), req.ip, entry.action, entry.detail).catch(
          (err: unknown) => log.error({ err, action: entry.action }, 'audit entry not written'),
        );
      },
    );
    registerEvents(scope, async (req, emit) => {
      const principal = principalOf(req);
      if (core.subscribe) return core.subscribe(principal)(req, emit);
      // The person's own service, held open for as long as the socket listens to it.
      const { service, release } = await core.services.hold(principal.owner);
      try {
        const off = await serviceEvents(service)(req, emit);
        return () => {
          off();
          release();
        };
      } catch (err) {
        release();
        throw err;
      }
    });
  });

  app.get('/', async (_req, reply) => sendPage(reply));
  return app;
}
