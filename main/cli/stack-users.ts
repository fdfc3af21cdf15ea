// `maildock stack user …`: the mailboxes of the stack's local domain, kept in its Postgres.
import type { Command } from 'commander';
import { MaildockError } from '../../common/errors.js';
import { formatBytes } from './output.js';
import { call, lines, readStdin, show, withService } from './run.js';

const UNITS: Record<string, number> = {
  '': 1,
  b: 1,
  k: 2 ** 10,
  m: 2 ** 20,
  g: 2 ** 30,
  t: 2 ** 40,
};

/** "500M", "2G", "1.5g", "750kb", "1048576": bytes, in powers of 1024. */
export function parseSize(text: string): number {
  const parts = /^\s*(\d+(?:\.\d+)?)\s*([kmgt]?)(?:i?b)?\s*$/i.exec(text);
  const bytes = parts ? Math.round(Number(parts[1]) * UNITS[parts[2]!.toLowerCase()]!) : NaN;
  if (!Number.isSafeInteger(bytes) || bytes < 1024)
    throw new MaildockError(
      'INVALID_INPUT',
      `"${text}" is not a size of at least 1K: give bytes, or a number with K, M, G or T.`,
      { size: text },
    );
  return bytes;
}

const quotaText = (bytes: number | null) =>
  bytes === null ? 'no quota' : `quota ${formatBytes(bytes)}`;

export function addStackUserCommands(stack: Command): void {
  const user = stack.command('user').description('mailboxes on the local domain');
  user
    .command('add <name>')
    .description('create a local mailbox and add it to Maildock as an account')
    .option(
      '--password-stdin',
      'read its password from standard input (else one is generated and kept by Maildock)',
    )
    .option('--quota <size>', 'the most mail it may hold, e.g. 500M or 2G (default: no limit)')
    .action(async (name: string, o, cmd: Command) =>
      withService(cmd, async (svc, out) => {
        const r = await call(svc, 'stack.user.add', {
          name,
          ...(o.passwordStdin ? { password: await readStdin() } : {}),
          ...(o.quota ? { quota: parseSize(o.quota) } : {}),
        });
        show(out, r, (v) => `Created ${v.address}; it is account ${v.accountId} in Maildock.\n`);
      }),
    );
  user
    .command('list')
    .description('the local mailboxes')
    .action(async (_o, cmd: Command) =>
      withService(cmd, async (svc, out) => {
        const l = await call(svc, 'stack.user.list', {});
        show(out, l, (v) =>
          lines(
            v,
            (u) =>
              `${u.address}  ${quotaText(u.quotaBytes)}${u.accountId ? `  (account ${u.accountId})` : '  (not in Maildock)'}`,
            'No local mailboxes yet: add one with `maildock stack user add NAME`.',
          ),
        );
      }),
    );
  user
    .command('passwd <name>')
    .description('a new password for a local mailbox, read from standard input')
    .action(async (name: string, _o, cmd: Command) =>
      withService(cmd, async (svc, out) => {
        const r = await call(svc, 'stack.user.passwd', { name, password: await readStdin() });
        show(
          out,
          r,
          (v) =>
            `Changed the password of ${v.address}${v.accountUpdated ? ' and of its account' : ''}.\n`,
        );
      }),
    );
  user
    .command('quota <name> <size>')
    .description('how much mail a local mailbox may hold, e.g. 500M or 2G; "none" for no limit')
    .action(async (name: string, size: string, _o, cmd: Command) =>
      withService(cmd, async (svc, out) => {
        const quota = size.toLowerCase() === 'none' ? null : parseSize(size);
        const r = await call(svc, 'stack.user.quota', { name, quota });
        show(out, r, (v) => `${v.address}: ${quotaText(v.quotaBytes)}.\n`);
      }),
    );
  user
    .command('remove <name>')
    .description(
      'remove a local mailbox’s login and its Maildock account (the mail stays in the stack’s volume)',
    )
    .action(async (name: string, _o, cmd: Command) =>
      withService(cmd, async (svc, out) => {
        const r = await call(svc, 'stack.user.remove', { name });
        show(out, r, (v) => `Removed ${name}${v.accountRemoved ? ' and its account' : ''}.\n`);
      }),
    );
}
