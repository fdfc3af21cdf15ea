// One instance of the server of many people, put together from its configuration: the
// database (migrated, its application role set up), each person's service, sign-in, the work
// on Redis when there is one (leases, queue, events, metrics) or this instance holding every
// account when there is none, and the HTTP server in front. `maildock serve` listens and stops it.
import type { FastifyInstance } from 'fastify';
import { MaildockError } from '../../common/errors.js';
import {
  appRolePassword,
  openServerDatabase,
  PersonServices,
  type Owner,
  type SealingKey,
  type ServerDatabase,
} from '../core/people/index.js';
import { restrictMailHosts } from '../core/net/mail-hosts.js';
import type { ServerConfig } from './config.js';
import type { LimitsOptions } from './limits.js';
import { buildPeopleServer } from './people-server.js';
import { SERVER_SERVICE_OPTIONS } from './server.js';
import { passwordAuth } from './signin/people-auth.js';
import { busEvents } from './work/events-socket.js';
import { LocalHolder } from './work/local.js';
import { registerMetrics } from './work/metrics.js';
import { WorkNode } from './work/node.js';

/** What a person's service watches with: IDLE on the Inbox, the other folders on a timer. */
const WATCH = { pollMs: 5 * 60_000 };
/** Without --max-accounts: as many as the instances share out among them. */
const DEFAULT_CAPACITY = 1000;

export interface PeopleNodeOptions {
  dataDir: string;
  staticDir: string;
  loopbackOnly: boolean;
  limits: LimitsOptions;
}

export interface PeopleNode {
  app: FastifyInstance;
  db: ServerDatabase;
  /** Set when the instance works on Redis. */
  work: WorkNode | null;
  /** Graceful: no new requests, running jobs finish, accounts handed over, all closed. */
  stop(): Promise<void>;
}

/** What the server of many people cannot start without, named one by one. */
function required(config: ServerConfig): { url: string; keys: SealingKey[] } {
  const url = config.databaseUrl;
  if (!url) {
    throw new MaildockError(
      'INVALID_INPUT',
      'The server of many people keeps its data in Postgres: give --database postgres://… (or DATABASE_URL).',
      { setting: 'DATABASE_URL' },
    );
  }
  if (!config.encryptionKeys.length) {
    throw new MaildockError(
      'INVALID_INPUT',
      'The server of many people seals account passwords with ENCRYPTION_KEY: set it (32 random bytes, base64).',
      { setting: 'ENCRYPTION_KEY' },
    );
  }
  if (!config.jwt.signingKeys.length && !config.jwt.hs256Secret) {
    throw new MaildockError(
      'INVALID_INPUT',
      'The server of many people signs access tokens with JWT_PRIVATE_KEYS: make a key with `maildock admin keys new`.',
      { setting: 'JWT_PRIVATE_KEYS' },
    );
  }
  return { url, keys: config.encryptionKeys.map((k) => ({ id: k.kid, key: k.key })) };
}

export async function startPeopleNode(
  config: ServerConfig,
  opts: PeopleNodeOptions,
): Promise<PeopleNode> {
  const { url, keys } = required(config);
  // People's accounts connect only outside this server's network, but where the operator says.
  restrictMailHosts(config.privateMailHosts);
  const db = await openServerDatabase(url, { appPassword: appRolePassword(keys) });
  let work: WorkNode | null = null;
  let local: LocalHolder | null = null;
  const announce = (owner: Owner) => ({
    accountsChanged: () => {
      void (work ? work.accountsChanged() : local?.accountsChanged());
    },
    changed: () => {
      void work?.kickPerson(owner);
    },
    accountChanged: (accountId: number) => {
      const ref = { owner, accountId };
      // Lost (Redis away), the old watcher stays until the lease moves; the edit is saved.
      (work ? work.accountChanged(ref) : (local?.restart(ref) ?? Promise.resolve())).catch(
        () => undefined,
      );
    },
  });
  const services = new PersonServices(db, {
    dataDir: opts.dataDir,
    keys,
    service: {
      ...SERVER_SERVICE_OPTIONS,
      send: {
        ...SERVER_SERVICE_OPTIONS.send,
        // With Redis, a claim no live instance owns is taken back within minutes, on any host.
        liveSenders: () => work?.liveSenders() ?? Promise.resolve(null),
      },
    },
    leases: { watch: WATCH, announce },
  });
  try {
    if (config.redisUrl) {
      work = new WorkNode({
        redisUrl: config.redisUrl,
        directory: db.people.directory,
        services,
        capacity: config.maxAccounts ?? DEFAULT_CAPACITY,
      });
    } else {
      local = new LocalHolder(db.people.directory, services);
    }
    const node = work;
    const app = await buildPeopleServer(
      {
        // Through the work node, a person's events also go out on their channel.
        services: node
          ? {
              use: (owner, fn) =>
                services.use(owner, async (service) => {
                  await node.services.get(owner);
                  return fn(service);
                }),
              hold: async (owner) => {
                const held = await services.hold(owner);
                await node.services.get(owner);
                return held;
              },
            }
          : services,
        auth: passwordAuth({ people: db.people, jwt: config.jwt }),
        ...(node ? { subscribe: busEvents(node.bus) } : {}),
        healthy: () => db.ping(),
        audit: (principal, ip, action, detail) =>
          db.people.audit.record({
            tenantId: principal.owner.tenantId,
            userId: principal.owner.userId,
            actor: principal.email,
            action,
            ip,
            detail,
          }),
      },
      {
        staticDir: opts.staticDir,
        loopbackOnly: opts.loopbackOnly,
        corsOrigins: config.corsOrigins,
        limits: opts.limits,
        // nginx in front, on this machine or the stack's network: its X-Forwarded-For holds.
        trustProxy: 'loopback, uniquelocal',
        ...(node ? { metrics: (app: FastifyInstance) => registerMetrics(app, node.metrics) } : {}),
      },
    );
    await (work ?? local)!.start();
    return {
      app,
      db,
      work,
      async stop() {
        await app.close();
        await work?.stop();
        await local?.stop();
        await services.close();
        await db.close();
      },
    };
  } catch (err) {
    await work?.stop().catch(() => undefined);
    await services.close().catch(() => undefined);
    await db.close().catch(() => undefined);
    throw err;
  }
}
