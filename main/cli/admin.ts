// `maildock admin …`: the server of many people from the command line, on its Postgres
// database (`--database` or MAILDOCK_DATABASE_URL), with or without a server running:
// tenants, users and their passwords, the audit log, and new signing keys.
import type { Command } from 'commander';
import { Option } from 'commander';
import { MaildockError } from '../../common/errors.js';
import {
  makeKeyPair,
  openPeopleAdmin,
  type AsymmetricAlg,
  type AuditEntry,
  type PeopleAdmin,
  type Person,
  type Role,
  type Tenant,
} from '../core/people/index.js';
import { parseSince, readNewPassword } from './admin-input.js';
import { addWorkAdminCommands } from './admin-work.js';
import { stdio, type Out } from './output.js';
import { int, lines, show, type Globals } from './run.js';

async function withAdmin(
  cmd: Command,
  fn: (admin: PeopleAdmin, out: Out) => Promise<void>,
): Promise<void> {
  const g = cmd.optsWithGlobals<Globals>();
  const out = stdio(!!g.json);
  const url = g.database ?? process.env.MAILDOCK_DATABASE_URL;
  if (!url) {
    throw new MaildockError(
      'INVALID_INPUT',
      "The admin commands work on the server's database: give --database postgres://… or set MAILDOCK_DATABASE_URL.",
      { setting: 'database' },
    );
  }
  const admin = await openPeopleAdmin(url);
  try {
    await fn(admin, out);
  } finally {
    await admin.close();
  }
}

const day = (iso: string) => iso.slice(0, 10);
const tenantLine = (t: Tenant) =>
  `${t.name.padEnd(24)} ${String(t.users).padStart(5)} users  since ${day(t.createdAt)}`;
const userLine = (p: Person) =>
  `${p.tenant.padEnd(16)} ${p.email.padEnd(32)} ${p.role.padEnd(5)}  since ${day(p.createdAt)}`;

function auditLine(e: AuditEntry, tenantNames: Map<number, string>): string {
  const where =
    e.tenantId === null ? '' : ` [${tenantNames.get(e.tenantId) ?? `tenant ${e.tenantId}`}]`;
  const detail = Object.keys(e.detail).length ? ` ${JSON.stringify(e.detail)}` : '';
  return `${e.at.slice(0, 19).replace('T', ' ')}  ${e.action.padEnd(20)} ${e.actor}${where}${e.ip ? ` from ${e.ip}` : ''}${detail}`;
}

interface UserOptions {
  tenant: string;
  email: string;
  passwordStdin?: boolean;
  role: Role;
}

function addTenantCommands(admin: Command): void {
  const tenant = admin.command('tenant').description('add, list and remove tenants');
  tenant
    .command('add <name>')
    .description('add a tenant (lower-case letters, digits, ".", "-", "_")')
    .action(async (name: string, _o, cmd: Command) =>
      withAdmin(cmd, async (a, out) => {
        const added = await a.addTenant(name);
        show(out, added, (t) => `Added tenant ${t.name}.\n`);
      }),
    );
  tenant
    .command('list')
    .description('list tenants with how many users each has')
    .action(async (_o, cmd: Command) =>
      withAdmin(cmd, async (a, out) => {
        const list = await a.listTenants();
        show(out, list, (l) =>
          lines(l, tenantLine, 'No tenants yet: add one with `maildock admin tenant add NAME`.'),
        );
      }),
    );
  tenant
    .command('remove <name>')
    .description('remove a tenant with all its users and everything they stored')
    .action(async (name: string, _o, cmd: Command) =>
      withAdmin(cmd, async (a, out) => {
        const removed = await a.removeTenant(name);
        show(
          out,
          removed,
          (t) => `Removed tenant ${t.name} with its ${t.users} user(s) and their mail.\n`,
        );
      }),
    );
}

function addUserCommands(admin: Command): void {
  const user = admin.command('user').description('add, list and remove users, set a password');
  const who = (c: Command) =>
    c
      .requiredOption('--tenant <name>', 'the tenant')
      .requiredOption('--email <address>', 'the address the user signs in with');
  const password = (c: Command) =>
    c.option('--password-stdin', 'read the password from standard input (else asked twice)');

  password(who(user.command('add')))
    .description('add a user to a tenant; the password comes on stdin or is asked for')
    .addOption(
      new Option('--role <role>', 'what the user may do')
        .choices(['admin', 'user'])
        .default('user'),
    )
    .action(async (o: UserOptions, cmd: Command) =>
      withAdmin(cmd, async (a, out) => {
        await a.tenant(o.tenant); // an unknown tenant is said before the password is asked
        const added = await a.addUser({ ...o, password: await readNewPassword(!!o.passwordStdin) });
        show(out, added, (p) => `Added ${p.role} ${p.email} to tenant ${p.tenant}.\n`);
      }),
    );
  user
    .command('list')
    .description('list users, of one tenant or of all')
    .option('--tenant <name>', 'only this tenant')
    .action(async (o: { tenant?: string }, cmd: Command) =>
      withAdmin(cmd, async (a, out) => {
        const list = await a.listUsers(o.tenant);
        show(out, list, (l) =>
          lines(l, userLine, 'No users yet: add one with `maildock admin user add`.'),
        );
      }),
    );
  who(user.command('remove'))
    .description('remove a user with everything they stored; their sessions end')
    .action(async (o: UserOptions, cmd: Command) =>
      withAdmin(cmd, async (a, out) => {
        const removed = await a.removeUser(o);
        show(out, removed, (p) => `Removed ${p.email} from tenant ${p.tenant}.\n`);
      }),
    );
  password(who(user.command('passwd')))
    .description("set a user's password; every session of theirs ends")
    .action(async (o: UserOptions, cmd: Command) =>
      withAdmin(cmd, async (a, out) => {
        await a.user(o);
        const done = await a.setPassword({
          ...o,
          password: await readNewPassword(!!o.passwordStdin),
        });
        show(
          out,
          done,
          (d) => `New password set for ${o.email}; ${d.sessionsRevoked} session(s) signed out.\n`,
        );
      }),
    );
}

export function addAdminCommands(program: Command): void {
  const admin = program
    .command('admin')
    .description('the server of many people: tenants, users, the audit log, signing keys');
  addTenantCommands(admin);
  addUserCommands(admin);
  addWorkAdminCommands(admin);
  admin
    .command('audit')
    .description('the audit log, newest first: sign-ins, revocations, admin changes')
    .option('--tenant <name>', 'only this tenant')
    .option('--since <when>', 'an ISO date, or a span back from now: 30m, 1h, 7d, 2w')
    .option('--limit <n>', 'at most this many entries', int('--limit'), 1000)
    .action(async (o: { tenant?: string; since?: string; limit: number }, cmd: Command) =>
      withAdmin(cmd, async (a, out) => {
        const since = o.since === undefined ? undefined : parseSince(o.since);
        const entries = await a.audit({
          ...(o.tenant !== undefined ? { tenant: o.tenant } : {}),
          ...(since ? { since } : {}),
          limit: o.limit,
        });
        const names = new Map((await a.listTenants()).map((t) => [t.id, t.name]));
        show(out, entries, (l) => lines(l, (e) => auditLine(e, names), 'Nothing audited.'));
      }),
    );
  admin
    .command('keys')
    .description('signing keys of access tokens')
    .command('new')
    .description('print a new key pair (PEM) with a new key id, to add to the key ring')
    .addOption(
      new Option('--alg <alg>', 'the algorithm').choices(['EdDSA', 'ES256']).default('EdDSA'),
    )
    .action(async (o: { alg: AsymmetricAlg }, cmd: Command) => {
      const out = stdio(!!cmd.optsWithGlobals<Globals>().json);
      show(
        out,
        makeKeyPair(o.alg),
        (k) =>
          `kid: ${k.kid}\nalg: ${k.alg}\n\n${k.privateKey}\n${k.publicKey}\n` +
          'Keep the private key secret. Sign with the new kid once every instance knows its public key; keep the old public key until the last token it signed has expired.\n',
      );
    });
}
