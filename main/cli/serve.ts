// `maildock serve`: headless server mode. Reads the server's configuration (an env file and
// MAILDOCK_* variables, main/server/config.ts) and prints it with secrets masked. Without a
// database or Redis it serves one person: the data folder's store, one token, the sign-in
// link printed once. With either, it is an instance of the server of many people
// (main/server/people-node.ts). It listens on loopback unless --allow-remote, and on SIGTERM
// or SIGINT stops taking connections, lets running requests (and jobs) finish, and closes.
import type { Command } from 'commander';
import type { Redis } from 'ioredis';
import type { FastifyInstance } from 'fastify';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { MaildockError } from '../../common/errors.js';
import { closeLogging } from '../core/platform/log.js';
import { installDir } from '../core/platform/paths.js';
import { loadOrCreateToken } from '../server/auth.js';
import { describeConfig } from '../server/config-describe.js';
import { loadConfig, type ServerConfig } from '../server/config.js';
import { isLoopbackHost } from '../server/guard.js';
import { connectRedis } from '../server/redis-client.js';
import { startPeopleNode } from '../server/people-node.js';
import { buildServer, SERVER_SERVICE_OPTIONS } from '../server/server.js';
import { printJson, type Out } from './output.js';
import { dataDirOf, int, startLogging, withService, type Globals } from './run.js';

/** After this, connections still open are cut: a stuck request must not keep the server up. */
const SHUTDOWN_GRACE_MS = 30_000;

const urlHost = (host: string) => {
  if (host === '0.0.0.0') return '127.0.0.1';
  if (host === '::' || host === '[::]') return '[::1]';
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
};

interface ServeFlags {
  host: string;
  port: number;
  allowRemote?: boolean;
  sync?: boolean;
  monitorStack?: boolean;
  envFile?: string;
  redis?: string;
  maxAccounts?: number;
}

/** The configuration, a flag over the env file over MAILDOCK_* variables. */
export function loadServeConfig(cmd: Command, o: ServeFlags): ServerConfig {
  const g = cmd.optsWithGlobals<Globals>();
  return loadConfig({
    envFile: o.envFile,
    dataDir: dataDirOf(cmd),
    flags: {
      ...(g.database ? { DATABASE_URL: { value: g.database, flag: '--database' } } : {}),
      ...(o.redis ? { REDIS_URL: { value: o.redis, flag: '--redis' } } : {}),
      ...(o.maxAccounts !== undefined
        ? { MAX_ACCOUNTS: { value: String(o.maxAccounts), flag: '--max-accounts' } }
        : {}),
    },
  });
}

export function addServeCommand(program: Command): void {
  program
    .command('serve')
    .description('headless server mode: the web UI and the API over HTTP, events over WebSocket')
    .option('--host <address>', 'address to listen on', '127.0.0.1')
    .option('--port <port>', 'port to listen on (0: any free port)', int('--port'), 8600)
    .option('--allow-remote', 'allow listening on an address other machines can reach')
    .option(
      '--sync',
      'keep every account in sync while serving (IDLE on the Inbox, the outbox sent)',
    )
    .option(
      '--monitor-stack',
      "probe the local stack's health on its interval, pushing stack.health",
    )
    .option('--env-file <file>', 'read settings from this file (default: .env in the data folder)')
    .option(
      '--redis <url>',
      'Redis of the server of many people (its jobs, leases, events and limits): redis://host:port',
    )
    .option('--max-accounts <n>', 'accounts this instance syncs at most', int('--max-accounts'))
    .action(async (o: ServeFlags, cmd: Command) => {
      if (o.port < 0 || o.port > 65535) {
        cmd.error('error: --port must be between 0 and 65535.', {
          exitCode: 2,
          code: 'commander.invalidArgument',
        });
      }
      const loopback = isLoopbackHost(o.host);
      if (!loopback && !o.allowRemote) {
        cmd.error(
          `error: ${o.host} is not a loopback address: other machines could reach the server. ` +
            'Add --allow-remote to do that on purpose, or use --host 127.0.0.1.',
          { exitCode: 2, code: 'commander.remoteNotAllowed' },
        );
      }
      if (!loopback) {
        process.stderr.write(
          `Warning: listening on ${o.host}: anyone who can reach this port can try to sign in, ` +
            'and plain HTTP carries the token unencrypted. Put a TLS proxy in front of it.\n',
        );
      }
      const config = loadServeConfig(cmd, o);
      process.stderr.write(`${describeConfig(config).join('\n')}\n`);
      // Connected before the store opens: a wrong URL is said at once, with nothing to undo.
      const redis = config.redisUrl ? await connectRedis(config.redisUrl) : undefined;
      try {
        // A database or a Redis (flag, env file or MAILDOCK_*) means the server of many people.
        if (config.databaseUrl || config.redisUrl)
          await servePeople(cmd, o, config, redis, loopback);
        else await serveOneUser(cmd, o, config, loopback);
      } finally {
        redis?.disconnect();
      }
    });
}

/** The server of one person: one token, the SQLite store of the data folder. */
async function serveOneUser(
  cmd: Command,
  o: ServeFlags,
  config: ServerConfig,
  loopback: boolean,
): Promise<void> {
  await withService(
    cmd,
    async (svc, out) => {
      const token = await loadOrCreateToken(dataDirOf(cmd));
      const app = await buildServer(svc, {
        token,
        staticDir: join(installDir(), 'dist', 'renderer'),
        loopbackOnly: loopback,
        corsOrigins: config.corsOrigins,
        limits: { rateLimit: config.rateLimit, loginRateLimit: config.loginRateLimit },
      });
      await listen(app, o);
      // After listening: a client that connects at once sees the first events.
      if (o.sync) await svc.watch();
      if (o.monitorStack) await svc.monitorStack();
      const { port } = app.server.address() as AddressInfo;
      const url = `http://${urlHost(o.host)}:${port}/`;
      const signIn = `${url}?token=${token}`;
      if (out.json) printJson(out, { url, signInUrl: signIn });
      else
        out.write(
          `Maildock is serving on ${url}\n` +
            `Open this link to sign in (it holds the access token: keep it to yourself):\n` +
            `  ${signIn}\n`,
        );

      await untilStopped(app, out);
    },
    SERVER_SERVICE_OPTIONS,
    config.logLevel,
  );
}

/** Listens, or says which port is taken. */
async function listen(app: FastifyInstance, o: ServeFlags): Promise<void> {
  try {
    await app.listen({ host: o.host, port: o.port });
  } catch (err) {
    await app.close();
    const code = (err as { code?: string }).code;
    if (code === 'EADDRINUSE') {
      throw new MaildockError(
        'PORT_IN_USE',
        `Port ${o.port} on ${o.host} is taken: choose another with --port.`,
        { port: o.port },
      );
    }
    throw err;
  }
}

/** Until SIGINT or SIGTERM; then no new connections, and the running requests finish. */
async function untilStopped(app: FastifyInstance, out: Out, stop?: () => Promise<void>) {
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  if (!out.json) out.err('Stopping: finishing the requests in progress…\n');
  const cut = setTimeout(() => app.server.closeAllConnections(), SHUTDOWN_GRACE_MS);
  try {
    // No new connections; event sockets closed; waits for requests (and jobs, leases).
    await (stop ? stop() : app.close());
  } finally {
    clearTimeout(cut);
  }
}

/** The server of many people: people sign in; their accounts are shared out over instances. */
async function servePeople(
  cmd: Command,
  o: ServeFlags,
  config: ServerConfig,
  redis: Redis | undefined,
  loopback: boolean,
): Promise<void> {
  const { out, dataDir } = await startLogging(cmd, config.logLevel);

  try {
    const node = await startPeopleNode(config, {
      dataDir,
      staticDir: join(installDir(), 'dist', 'renderer'),
      loopbackOnly: loopback,
      limits: { rateLimit: config.rateLimit, loginRateLimit: config.loginRateLimit, redis },
    });
    try {
      await listen(node.app, o);
    } catch (err) {
      await node.stop();
      throw err;
    }
    const { port } = node.app.server.address() as AddressInfo;
    const url = `http://${urlHost(o.host)}:${port}/`;
    const instance = node.work?.instanceId ?? null;
    if (out.json) printJson(out, { url, mode: 'people', instance });
    else
      out.write(
        `Maildock is serving many people on ${url}\n` +
          (instance
            ? `This instance is ${instance}; accounts are shared out through Redis.\n`
            : '') +
          'People sign in with their address and password (`maildock admin user add`).\n',
      );
    await untilStopped(node.app, out, () => node.stop());
  } finally {
    await closeLogging();
  }
}
