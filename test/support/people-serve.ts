// The server of many people as an operator runs it: real `maildock serve` processes over one
// private Postgres and one private Redis, configured by one env file, with people added by
// `maildock admin`; and the browser's side of it: sign-in, calls with the access token, the
// refresh cookie.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { makeKeyPair } from '../../main/core/people/index.js';
import { runCli, startCli } from './cli.js';
import { startPostgres, type PostgresServer } from './postgres.js';
import { freshDatabase } from './postgres-store.js';
import { tempRoot, waitFor } from './processes.js';
import { startRedis, type RedisServer } from './redis.js';

export interface ServeInstance {
  /** http://127.0.0.1:PORT/ */
  base: string;
  /** Its id among the instances on Redis. */
  instanceId: string;
  run: ReturnType<typeof startCli>;
  output(): { stdout: string; stderr: string };
}

export interface SignedIn {
  token: string;
  /** The refresh cookie as a browser would send it back ("name=value"). */
  cookie: string;
}

export interface PeopleCluster {
  postgres: PostgresServer;
  redis: RedisServer;
  databaseUrl: string;
  envFile: string;
  root: string;
  /** `maildock admin ...` against the cluster's database. */
  admin(args: string[], stdin?: string): ReturnType<typeof runCli>;
  addPerson(tenant: string, email: string, password: string): Promise<void>;
  start(name: string, extraEnv?: Record<string, string>): Promise<ServeInstance>;
  stop(): Promise<void>;
}

/** Settings besides the database, Redis and keys: limits a test can reach. */
export async function peopleCluster(settings: string[] = []): Promise<PeopleCluster> {
  const [postgres, redis] = await Promise.all([startPostgres(), startRedis()]);
  const root = await tempRoot('maildock-people-');
  const started: ServeInstance[] = [];
  try {
    const databaseUrl = await freshDatabase(postgres);
    const key = makeKeyPair('EdDSA', 'k1');
    await writeFile(path.join(root, 'k1.pem'), key.privateKey, { mode: 0o600 });
    const envFile = path.join(root, 'server.env');
    await writeFile(
      envFile,
      [
        `DATABASE_URL=${databaseUrl}`,
        `REDIS_URL=${redis.url}`,
        `ENCRYPTION_KEY=k1:${randomBytes(32).toString('base64')}`,
        'JWT_PRIVATE_KEYS=k1:k1.pem',
        'LOG_LEVEL=info',
        // The tests' mail servers are on loopback, which the server refuses unless allowed.
        ...(settings.some((s) => s.startsWith('PRIVATE_MAIL_HOSTS='))
          ? []
          : ['PRIVATE_MAIL_HOSTS=127.0.0.1']),
        ...settings,
      ].join('\n'),
      { mode: 0o600 },
    );
    const adminEnv = { MAILDOCK_DATABASE_URL: databaseUrl, MAILDOCK_DATA_DIR: root };
    const admin = (args: string[], stdin?: string) => runCli(['admin', ...args], adminEnv, stdin);
    const tenants = new Set<string>();
    return {
      postgres,
      redis,
      databaseUrl,
      envFile,
      root,
      admin,
      async addPerson(tenant, email, password) {
        if (!tenants.has(tenant)) {
          const made = await admin(['tenant', 'add', tenant]);
          if (made.code !== 0) throw new Error(made.stderr);
          tenants.add(tenant);
        }
        const added = await admin(
          ['user', 'add', '--tenant', tenant, '--email', email, '--password-stdin'],
          `${password}\n`,
        );
        if (added.code !== 0) throw new Error(added.stderr);
      },
      async start(name, extraEnv = {}) {
        const dataDir = await mkdtemp(path.join(root, `${name}-`));
        const run = startCli(['--json', 'serve', '--port', '0', '--env-file', envFile], {
          MAILDOCK_DATA_DIR: dataDir,
          ...extraEnv,
        });
        let stdout = '';
        let stderr = '';
        run.child.stdout!.on('data', (d) => (stdout += d));
        run.child.stderr!.on('data', (d) => (stderr += d));
        let said: { url: string; instance: string } | undefined;
        await waitFor(() => {
          // One JSON object, printed over several lines once the instance listens.
          try {
            said = JSON.parse(stdout) as { url: string; instance: string };
          } catch {
            said = undefined;
          }
          return said !== undefined || run.child.exitCode !== null;
        }, 60_000);
        if (!said) throw new Error(`${name} did not start:\n${stderr}`);
        const instance: ServeInstance = {
          base: said.url,
          instanceId: said.instance,
          run,
          output: () => ({ stdout, stderr }),
        };
        started.push(instance);
        return instance;
      },
      async stop() {
        for (const one of started.splice(0)) {
          if (one.run.child.exitCode === null && one.run.child.signalCode === null)
            one.run.child.kill('SIGKILL');
          await one.run.done;
        }
        await Promise.all([postgres.stop(), redis.stop()]);
        await rm(root, { recursive: true, force: true });
      },
    };
  } catch (err) {
    for (const one of started) one.run.child.kill('SIGKILL');
    await Promise.all([postgres.stop(), redis.stop()]);
    throw err;
  }
}

export interface ApiAnswer {
  status: number;
  body: unknown;
  text: string;
  headers: Headers;
}

export async function call(
  base: string,
  method: string,
  input: unknown,
  token?: string,
  headers: Record<string, string> = {},
): Promise<ApiAnswer> {
  const res = await fetch(`${base}api/${method}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...headers,
    },
    body: JSON.stringify(input),
  });
  const text = await res.text();
  let body: unknown = null;
  try {
    body = JSON.parse(text);
  } catch {
    body = null;
  }
  return { status: res.status, body, text, headers: res.headers };
}

/** The value of a successful call, or a failure naming the method and the answer. */
export async function value<T>(
  base: string,
  method: string,
  input: unknown,
  token: string,
): Promise<T> {
  const answer = await call(base, method, input, token);
  const body = answer.body as { ok?: boolean; value?: T } | null;
  if (answer.status !== 200 || !body?.ok) throw new Error(`${method}: ${answer.text}`);
  return body.value as T;
}

const cookieOf = (headers: Headers): string => {
  const set = headers.getSetCookie();
  const first = set[0];
  if (!first) throw new Error('no refresh cookie was set');
  return first.split(';')[0]!;
};

export async function login(base: string, email: string, password: string): Promise<SignedIn> {
  const answer = await call(base, 'auth.login', { email, password });
  const body = answer.body as { ok?: boolean; value?: { accessToken: string } } | null;
  if (answer.status !== 200 || !body?.value) throw new Error(`sign-in: ${answer.text}`);
  return { token: body.value.accessToken, cookie: cookieOf(answer.headers) };
}
