// `maildock account …`: add an IMAP account (tested first, the password on stdin), list
// the accounts, remove one with everything synced for it.
import type { Command } from 'commander';
import { Option } from 'commander';
import { call, int, lines, readStdin, show, withService } from './run.js';

export function addAccountCommands(program: Command): void {
  const account = program.command('account').description('add, list and remove mail accounts');
  account
    .command('add')
    .description(
      'add an IMAP account (the connection is tested first); the password comes on stdin',
    )
    .requiredOption('--email <address>', "the account's email address")
    .option('--name <name>', 'your name as others see it')
    .requiredOption('--imap-host <host>', 'IMAP server')
    .requiredOption('--imap-port <port>', 'IMAP port', int('--imap-port'))
    .addOption(
      new Option('--imap-security <mode>', 'IMAP security')
        .choices(['none', 'starttls', 'tls'])
        .default('tls'),
    )
    .option('--user <user>', 'login name (default: the email address)')
    .requiredOption('--password-stdin', 'read the password from standard input')
    .option('--smtp-host <host>', 'SMTP server, for sending')
    .option('--smtp-port <port>', 'SMTP port', int('--smtp-port'))
    .addOption(
      new Option('--smtp-security <mode>', 'SMTP security').choices(['none', 'starttls', 'tls']),
    )
    .action(async (o, cmd: Command) =>
      withService(cmd, async (svc, out) => {
        const password = await readStdin();
        const input = {
          email: o.email,
          ...(o.name ? { name: o.name } : {}),
          imap: {
            host: o.imapHost,
            port: o.imapPort,
            security: o.imapSecurity,
            user: o.user ?? o.email,
          },
          ...(o.smtpHost
            ? {
                smtp: {
                  host: o.smtpHost,
                  port: o.smtpPort ?? (o.smtpSecurity === 'tls' ? 465 : 587),
                  security: o.smtpSecurity ?? 'starttls',
                  user: o.user ?? o.email,
                },
              }
            : {}),
          password,
        };
        const added = await call(svc, 'account.add', input);
        show(
          out,
          added,
          (a) => `Added account ${a.id}: ${a.email} (${a.imap.host}:${a.imap.port})\n`,
        );
      }),
    );
  account
    .command('list')
    .description('list accounts')
    .action(async (_o, cmd: Command) =>
      withService(cmd, async (svc, out) => {
        const list = await call(svc, 'account.list', {});
        show(out, list, (l) =>
          lines(
            l,
            (a) =>
              `${String(a.id).padStart(4)}  ${a.email}  imap ${a.imap.security}://${a.imap.host}:${a.imap.port}`,
            'No accounts yet: add one with `maildock account add`.',
          ),
        );
      }),
    );
  account
    .command('remove <id>')
    .description('remove an account and everything synced for it')
    .action(async (id: string, _o, cmd: Command) =>
      withService(cmd, async (svc, out) => {
        const r = await call(svc, 'account.remove', { id: int('id')(id) });
        show(out, r, () => `Removed account ${id}.\n`);
      }),
    );
}
