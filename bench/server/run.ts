// npm run bench:server -- [--quick] [--messages N] [--seconds S] [--connections C]
//   [--per-account M] [--seed S]
// The server of many people under load: people of several tenants, their mail seeded through
// the store's own repositories, instances of `maildock serve` (compiled, --database, --redis,
// an env file) behind a private nginx; message.list and message.search timed with 1 and 2
// instances (and once without nginx, once with one client, once with the clients paced),
// beside the floors of bare fastify servers (floor.ts); then
// accounts on a private Dovecot synced from scratch by 1 and by 2 instances, with the leases
// each instance held. Every server is private, on 127.0.0.1 (test/support/).
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { generateCorpus } from '../corpus.js';
import { appRolePassword, makeKeyPair } from '../../main/core/people/index.js';
import { startDovecot, type DovecotServer } from '../../test/support/dovecot.js';
import type { MaildirMessage } from '../../test/support/maildir.js';
import { startPostgres, type PostgresServer } from '../../test/support/postgres.js';
import { freePort } from '../../test/support/processes.js';
import { startRedis, type RedisServer } from '../../test/support/redis.js';
import {
  startInstance,
  startNginx,
  writeEnvFile,
  type Instance,
  type InstanceSetup,
  type Nginx,
} from './instances.js';
import { floorPagePhase, floorPhase, floorSearchPhase } from './floor.js';
import { check, load, signIn, type Body, type LoadFigures, type SignedIn } from './load.js';
import { report, type ServerFigures } from './report.js';
import { addPeople, searchQueries, seedMail } from './seed.js';
import { syncAll, type SyncFigures } from './sync.js';

const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    messages: { type: 'string' },
    seconds: { type: 'string' },
    connections: { type: 'string', default: '100' },
    'per-account': { type: 'string' },
    seed: { type: 'string', default: '20240601' },
  },
});
const quick = args.quick;
const N = Number(args.messages ?? (quick ? 10_000 : 100_000));
const SECONDS = Number(args.seconds ?? (quick ? 5 : 20));
const CONNECTIONS = Number(args.connections);
const PER_ACCOUNT = Number(args['per-account'] ?? (quick ? 200 : 1000));
const SEED = Number(args.seed);
/** Requests per second of each client in the paced runs (at random moments: load.ts paced()). */
const PACE = 2;
const TENANTS = 5;
const PEOPLE = 20;
const PASSWORD = 'bench-password-long-enough';
const root = path.resolve(import.meta.dirname, '../..');
const log = (line: string) => process.stderr.write(`${line}\n`);
const work = mkdtempSync(path.join(os.tmpdir(), 'maildock-bench-server-'));

log('Building Maildock (tsc)…');
execFileSync(
  process.execPath,
  [
    path.join(root, 'node_modules/typescript/bin/tsc'),
    '-p',
    path.join(root, 'tsconfig.bench.json'),
  ],
  { stdio: 'inherit' },
);

const encryptionKey = randomBytes(32);
const appPassword = appRolePassword([{ id: 'k1', key: encryptionKey }]);
const envFile = writeEnvFile(work, {
  encryptionKey: encryptionKey.toString('base64'),
  jwtPem: makeKeyPair('EdDSA', 'k1').privateKey,
});

const stops: (() => Promise<void>)[] = [];
/** Stopped at the end whatever happens (newest first), or earlier by stopAll; once either way. */
const later = <T extends { stop(): Promise<void> }>(thing: T): T => {
  const stop = thing.stop.bind(thing);
  let stopping: Promise<void> | undefined;
  thing.stop = () => (stopping ??= stop());
  stops.unshift(() => thing.stop());
  return thing;
};
/** Stops what a phase started, in the order given. */
async function stopAll(things: { stop(): Promise<void> }[]) {
  for (const thing of things) await thing.stop();
}

async function cluster(
  setup: InstanceSetup,
  names: string[],
): Promise<{ instances: Instance[]; nginx: Nginx }> {
  const instances: Instance[] = [];
  for (const name of names) instances.push(later(await startInstance(setup, name)));
  const dir = path.join(work, `nginx-${names.join('-')}`);
  const nginx = later(
    await startNginx(
      dir,
      instances.map((i) => i.port),
    ),
  );
  return { instances, nginx };
}

async function loadPhase(
  postgres: PostgresServer,
  redis: RedisServer,
): Promise<{ seed: ServerFigures['seed']; load: LoadFigures[] }> {
  const databaseUrl = await postgres.createDatabase('bench_load');
  log(`Seeding ${N} messages over ${PEOPLE} people of ${TENANTS} tenants…`);
  const people = await addPeople(databaseUrl, appPassword, {
    tenants: TENANTS,
    people: PEOPLE,
    password: PASSWORD,
    prefix: 'load',
  });
  // The seeded accounts' server: a loopback port nothing listens on, so no sync adds mail.
  const seeded = await seedMail(databaseUrl, appPassword, people, {
    count: N,
    seed: SEED,
    imap: { host: '127.0.0.1', port: await freePort() },
  });
  log(`Seeded in ${(seeded.figures.totalMs / 1000).toFixed(1)} s.`);
  // Measured as the tables are a minute after such a load, once autovacuum has been: their
  // visibility map set (a count reads the index alone) and their statistics fresh.
  const owner = new pg.Client({ connectionString: databaseUrl });
  await owner.connect();
  try {
    await owner.query('VACUUM (ANALYZE) messages, bodies, mailboxes');
  } finally {
    await owner.end();
  }
  const queries = searchQueries(SEED, N);
  const bodies: Record<string, Body> = {
    'message.list': (p) => ({ mailboxId: (p as SignedIn).inboxId, limit: 50 }),
    'message.search': (_p, n) => ({ query: queries[n % queries.length]!, limit: 50 }),
  };
  const setup: InstanceSetup = { databaseUrl, redisUrl: redis.url, envFile, workDir: work };
  const figures: LoadFigures[] = [];
  const measure = async (
    url: string,
    target: string,
    instances: number,
    signedIn: SignedIn[],
    connections = CONNECTIONS,
    rate?: number,
  ) => {
    for (const [method, body] of Object.entries(bodies)) {
      log(
        `${method} through ${target}, ${instances} instance(s), ${connections} client(s)` +
          `${rate ? `, paced at ${rate} requests/s in all` : ''}…`,
      );
      await check(url, method, signedIn, body);
      figures.push(
        await load({
          url,
          target,
          instances,
          method,
          people: signedIn,
          body,
          connections,
          seconds: SECONDS,
          ...(rate ? { rate } : {}),
        }),
      );
    }
  };

  const one = await cluster(setup, ['load-a']);
  const signedIn = await signIn(one.nginx.url, seeded.people);
  await measure(one.nginx.url, 'nginx', 1, signedIn);
  // One client alone: what a request costs when it waits behind no other.
  await measure(one.nginx.url, 'nginx', 1, signedIn, 1);
  // The same clients paced, as people at work are: each asks for a page or a search every
  // few seconds (here every half second), at moments of their own. The latency of a server
  // that is not saturated, where the unpaced runs measure one that is.
  await measure(one.nginx.url, 'nginx', 1, signedIn, CONNECTIONS, CONNECTIONS * PACE);
  await measure(one.instances[0]!.url, 'direct', 1, signedIn);
  await one.nginx.stop();
  const second = later(await startInstance(setup, 'load-b'));
  const nginx = later(
    await startNginx(path.join(work, 'nginx-load-2'), [one.instances[0]!.port, second.port]),
  );
  await measure(nginx.url, 'nginx', 2, signedIn);
  await stopAll([nginx, one.instances[0]!, second]);
  log(`The floor: a bare fastify answering from one SELECT 1, ${CONNECTIONS} client(s)…`);
  const floor = { connections: CONNECTIONS, seconds: SECONDS, people: signedIn };
  figures.push(await floorPhase(postgres, floor));
  log(`The floor of a page: message.list's statement alone, ${CONNECTIONS} client(s)…`);
  figures.push(await floorPagePhase(databaseUrl, floor));
  log(`The floor of a search: the store's own search alone, ${CONNECTIONS} client(s)…`);
  figures.push(await floorSearchPhase(databaseUrl, queries, floor));
  return { seed: seeded.figures, load: figures };
}

async function loadDovecot(): Promise<DovecotServer> {
  const users = Array.from({ length: PEOPLE }, (_, i) => ({
    user: `sync${i + 1}`,
    password: `sync-password-${i + 1}`,
  }));
  const server = later(
    await startDovecot({
      user: users[0]!.user,
      password: users[0]!.password,
      users: users.slice(1),
    }),
  );
  log(`Loading ${PER_ACCOUNT} messages into each of ${PEOPLE} Dovecot accounts…`);
  const batches = users.map((): MaildirMessage[] => []);
  let i = 0;
  for (const m of generateCorpus({ count: PER_ACCOUNT * PEOPLE, seed: SEED + 1 }))
    batches[i++ % PEOPLE]!.push({ raw: m.raw, flags: m.flags, internalDate: m.date });
  for (const [k, user] of users.entries()) {
    await server.forUser(user.user).loadMaildir('INBOX', batches[k]!);
    batches[k] = [];
    await server.doveadm('index', '-u', user.user, 'INBOX');
  }
  return server;
}

async function syncPhase(
  postgres: PostgresServer,
  dovecot: DovecotServer,
  instances: number,
): Promise<SyncFigures> {
  // Stopped after the instances (a graceful stop hands the leases back through it).
  const redis = later(await startRedis());
  const databaseUrl = await postgres.createDatabase(`bench_sync_${instances}`);
  {
    const people = await addPeople(databaseUrl, appPassword, {
      tenants: TENANTS,
      people: PEOPLE,
      password: PASSWORD,
      prefix: `sync${instances}`,
    });
    const setup: InstanceSetup = { databaseUrl, redisUrl: redis.url, envFile, workDir: work };
    const names = Array.from({ length: instances }, (_, i) => `sync${instances}-${i + 1}`);
    const { instances: started, nginx } = await cluster(setup, names);
    const signedIn = await signIn(nginx.url, people);
    log(`Syncing ${PEOPLE} accounts of ${PER_ACCOUNT} messages with ${instances} instance(s)…`);
    const figures = await syncAll({
      url: nginx.url,
      databaseUrl,
      appPassword,
      redisUrl: redis.url,
      instances,
      people: signedIn,
      mailUsers: dovecot.users.map((u) => ({ user: u.user, password: u.password })),
      imapPort: dovecot.port,
      perAccount: PER_ACCOUNT,
      timeoutMs: 15 * 60_000,
    });
    await stopAll([nginx, ...started, redis]);
    return figures;
  }
}

try {
  const postgres = later(await startPostgres({ sharedBuffers: '512MB' }));
  const redis = later(await startRedis());
  const { seed, load: loadFigures } = await loadPhase(postgres, redis);
  const dovecot = await loadDovecot();
  const sync = [await syncPhase(postgres, dovecot, 1), await syncPhase(postgres, dovecot, 2)];
  const figures: ServerFigures = {
    command: `npm run bench:server${process.argv.slice(2).length ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`,
    quick,
    people: PEOPLE,
    tenants: TENANTS,
    connections: CONNECTIONS,
    seed,
    load: loadFigures,
    sync,
  };
  const text = report(figures);
  process.stdout.write(`${text}\n`);
  mkdirSync(path.join(root, '.bench'), { recursive: true });
  const name = `server-${N}`;
  writeFileSync(path.join(root, '.bench', `${name}.md`), `${text}\n`);
  writeFileSync(path.join(root, '.bench', `${name}.json`), JSON.stringify(figures, null, 2));
} catch (err) {
  log(`The bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  process.exitCode = 1;
} finally {
  for (const stop of stops) await stop().catch((err: unknown) => log(`cleanup: ${String(err)}`));
  rmSync(work, { recursive: true, force: true });
}
