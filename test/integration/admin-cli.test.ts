// `maildock admin` end to end on a real Postgres, with no server running: tenants, users,
// passwords (never on the command line, never printed), the audit log and signing keys.
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadKeyRing, verifyPassword, type People } from '../../main/core/people/index.js';
import { openAdminDatabase } from '../../main/core/store/index.js';
import { runCli, type CliResult } from '../support/cli.js';
import { startPostgres, type PostgresServer } from '../support/postgres.js';
import { freshDatabase } from '../support/postgres-store.js';

let server: PostgresServer;
let url: string;
let env: Record<string, string>;
const outputs: CliResult[] = [];
const FIRST = 'first-password-Zq81';
const SECOND = 'second-password-Kp27';

beforeAll(async () => {
  server = await startPostgres();
  url = await freshDatabase(server);
  env = { MAILDOCK_DATABASE_URL: url, MAILDOCK_LOG_LEVEL: 'debug' };
}, 120_000);

afterAll(async () => {
  await server?.stop();
});

async function admin(args: string[], stdin?: string, extraEnv: Record<string, string> = {}) {
  const result = await runCli(['admin', ...args], { ...env, ...extraEnv }, stdin);
  outputs.push(result);
  return result;
}

async function json<T>(args: string[], stdin?: string): Promise<T> {
  const result = await runCli(['--json', 'admin', ...args], env, stdin);
  outputs.push(result);
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(result.stdout) as T;
}

/** The owner's view of the people, to check what the commands did. */
async function peek<T>(fn: (people: People) => Promise<T>): Promise<T> {
  const db = await openAdminDatabase(url);
  try {
    return await fn(db.people);
  } finally {
    await db.close();
  }
}

const alice = ['--tenant', 'acme', '--email', 'alice@acme.test'];

/**
 * The command on a terminal (a pty from util-linux's `script`), answering each prompt once
 * it shows, as a person would.
 */
function onTerminal(args: string[], answers: [prompt: string, typed: string][]) {
  const entry = path.resolve(import.meta.dirname, '../../main/cli/main.ts');
  const command = [process.execPath, '--import', 'tsx', entry, ...args].join(' ');
  const child = spawn('script', ['-qfec', command, '/dev/null'], {
    cwd: path.resolve(import.meta.dirname, '../..'),
    env: { ...process.env, ...env },
  });
  let screen = '';
  let seen = 0; // where the last answered prompt ended
  let next = 0;
  child.stdout.on('data', (chunk: Buffer) => {
    screen += chunk.toString();
    const answer = answers[next];
    const at = answer ? screen.indexOf(answer[0], seen) : -1;
    if (answer && at >= 0) {
      seen = at + answer[0].length;
      next++;
      child.stdin.write(`${answer[1]}\r`);
    }
  });
  // A prompt that never shows must fail the test, not leave the command waiting.
  const stuck = setTimeout(() => child.kill('SIGKILL'), 40_000);
  child.on('close', () => clearTimeout(stuck));
  return new Promise<{ code: number | null; screen: string }>((resolve) =>
    child.on('close', (code) => resolve({ code, screen })),
  );
}

describe('maildock admin', () => {
  it('adds tenants and refuses a duplicate or a reserved name', async () => {
    const added = await admin(['tenant', 'add', 'acme']);
    expect(added.code, added.stderr).toBe(0);
    expect(added.stdout).toBe('Added tenant acme.\n');
    const again = await admin(['tenant', 'add', 'acme']);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/There is a tenant acme already\.\n {2}\(ALREADY_EXISTS/);
    // Through --database this time, with the environment's URL gone.
    const local = await runCli(['--database', url, 'admin', 'tenant', 'add', 'local'], {
      MAILDOCK_DATABASE_URL: '',
    });
    expect(local.code).toBe(1);
    expect(local.stderr).toMatch(/cannot name a tenant.*\n.*INVALID_INPUT/);
    expect(await json<{ name: string; users: number }[]>(['tenant', 'list'])).toEqual([
      expect.objectContaining({ name: 'acme', users: 0 }),
    ]);
  });

  it('adds a user with the password from stdin, and says clearly what it refuses', async () => {
    const person = await json<Record<string, unknown>>(
      ['user', 'add', ...alice, '--role', 'admin', '--password-stdin'],
      `${FIRST}\n`,
    );
    expect(person).toMatchObject({ email: 'alice@acme.test', tenant: 'acme', role: 'admin' });
    expect(JSON.stringify(person)).not.toMatch(/argon2|password/i);

    const refusals: [string[], string | undefined, RegExp][] = [
      [
        ['--tenant', 'nope', '--email', 'x@nope.test', '--password-stdin'],
        FIRST,
        /There is no tenant nope\./,
      ],
      [[...alice, '--password-stdin'], FIRST, /There is a user alice@acme\.test already\./],
      [
        ['--tenant', 'acme', '--email', 'bob@acme.test', '--password-stdin'],
        'short',
        /at least 8 characters/,
      ],
      [
        ['--tenant', 'acme', '--email', 'not-an-address', '--password-stdin'],
        FIRST,
        /not an email address/,
      ],
      // No terminal to ask on, and no --password-stdin.
      [['--tenant', 'acme', '--email', 'bob@acme.test'], undefined, /--password-stdin/],
    ];
    for (const [args, stdin, message] of refusals) {
      const res = await admin(['user', 'add', ...args], stdin);
      expect(res.code, res.stderr).toBe(1);
      expect(res.stderr).toMatch(message);
    }
    // There is no way to give the password as an argument.
    const onLine = await admin(['user', 'add', ...alice, '--password', FIRST]);
    expect(onLine.code).not.toBe(0);
    expect(onLine.stderr).toMatch(/unknown option '--password'/);
    expect(await peek((people) => people.users.list())).toHaveLength(1);
    const stored = await peek(
      async (people) => (await people.users.forSignIn('alice@acme.test'))!.passwordHash,
    );
    expect(stored).toMatch(/^\$argon2id\$/);
    expect(await verifyPassword(stored, FIRST)).toBe(true);
  });

  it('on a terminal asks for the password twice, without showing it', async () => {
    const typed = 'typed-on-a-terminal-Wx4';
    const bob = ['admin', 'user', 'add', '--tenant', 'acme', '--email', 'bob@acme.test'];
    const differ = await onTerminal(bob, [
      ['Password: ', typed],
      ['Again: ', `${typed}x`],
    ]);
    expect(differ.code).toBe(1);
    expect(differ.screen).toMatch(/The two passwords differ/);
    const added = await onTerminal(bob, [
      ['Password: ', typed],
      ['Again: ', typed],
    ]);
    expect(added.code, added.screen).toBe(0);
    expect(added.screen).toMatch(/Added user bob@acme\.test to tenant acme\./);
    for (const run of [differ, added]) expect(run.screen).not.toContain(typed.slice(0, 10));
    const hash = await peek(
      async (people) => (await people.users.forSignIn('bob@acme.test'))!.passwordHash,
    );
    expect(await verifyPassword(hash, typed)).toBe(true);
    await admin(['user', 'remove', '--tenant', 'acme', '--email', 'bob@acme.test']);
  });

  it('passwd sets a new password and ends every session of the user', async () => {
    const sessions = await peek(async (people) => {
      const person = (await people.users.forSignIn('alice@acme.test'))!;
      const ids = [randomUUID(), randomUUID()];
      for (const id of ids) {
        await people.sessions.start({
          tenantId: person.tenantId,
          userId: person.userId,
          id,
          expiresAt: Date.now() + 60_000,
          ip: null,
          tokenHash: Buffer.from(id.replace(/-/g, ''), 'hex'),
        });
      }
      return ids;
    });
    const res = await admin(['user', 'passwd', ...alice, '--password-stdin'], SECOND);
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout).toBe('New password set for alice@acme.test; 2 session(s) signed out.\n');
    const after = await peek(async (people) => {
      const hash = (await people.users.forSignIn('alice@acme.test'))!.passwordHash;
      const revoked = await Promise.all(sessions.map((id) => people.sessions.get(id)));
      return { hash, revoked: revoked.map((s) => s !== null && s.revokedAt !== null) };
    });
    expect(after.revoked).toEqual([true, true]);
    expect(await verifyPassword(after.hash, SECOND)).toBe(true);
    expect(await verifyPassword(after.hash, FIRST)).toBe(false);
    const unknown = await admin(
      ['user', 'passwd', '--tenant', 'acme', '--email', 'zed@acme.test', '--password-stdin'],
      SECOND,
    );
    expect(unknown.stderr).toMatch(/Tenant acme has no user zed@acme\.test\./);
  });

  it('the audit log holds every change, by "admin", and reads by tenant and time', async () => {
    const entries = await json<{ action: string; actor: string; detail: object }[]>([
      'audit',
      '--tenant',
      'acme',
      '--since',
      '1h',
    ]);
    expect(entries.map((e) => e.action)).toEqual([
      'user.passwd',
      'user.remove', // bob, added on a terminal
      'user.add',
      'user.add',
      'tenant.add',
    ]);
    for (const e of entries) expect(e.actor).toBe('admin');
    expect(entries[0]!.detail).toEqual({ email: 'alice@acme.test', sessionsRevoked: 2 });
    const future = await json<unknown[]>(['audit', '--since', '2999-01-01']);
    expect(future).toEqual([]);
    const text = await admin(['audit']);
    expect(text.stdout).toMatch(/user\.passwd +admin \[acme\]/);
    const bad = await admin(['audit', '--since', 'yesterday']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/--since takes an ISO date/);
  });

  it('removes a user, then the tenant, both audited', async () => {
    const user = await admin(['user', 'remove', ...alice]);
    expect(user.stdout).toBe('Removed alice@acme.test from tenant acme.\n');
    expect(await json<unknown[]>(['user', 'list'])).toEqual([]);
    const tenant = await admin(['tenant', 'remove', 'acme']);
    expect(tenant.stdout).toBe('Removed tenant acme with its 0 user(s) and their mail.\n');
    expect((await admin(['tenant', 'remove', 'acme'])).stderr).toMatch(/There is no tenant acme\./);
    expect((await admin(['tenant', 'list'])).stdout).toMatch(/^No tenants yet/);
    const actions = (await peek((people) => people.audit.list({ limit: 2 }))).map((e) => e.action);
    expect(actions).toEqual(['tenant.remove', 'user.remove']);
  });

  it('prints a new signing key that the key ring takes', async () => {
    const key = await json<{ kid: string; alg: string; privateKey: string; publicKey: string }>([
      'keys',
      'new',
      '--alg',
      'ES256',
    ]);
    expect(key.alg).toBe('ES256');
    const ring = loadKeyRing({
      current: key.kid,
      keys: [{ kid: key.kid, alg: 'ES256', privateKey: key.privateKey }],
    });
    expect(ring.current).toBe(key.kid);
  });

  it('says where the database is missing, and never printed a password', async () => {
    const none = await admin(['tenant', 'list'], undefined, { MAILDOCK_DATABASE_URL: '' });
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(/--database postgres:\/\/… or set MAILDOCK_DATABASE_URL/);
    for (const out of outputs) {
      expect(out.stdout + out.stderr).not.toContain(FIRST);
      expect(out.stdout + out.stderr).not.toContain(SECOND);
    }
  });
});
