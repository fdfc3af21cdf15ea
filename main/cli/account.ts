// `maildock account …`: find an address's servers, add an IMAP account (tested first, the
// password on stdin), list the accounts, edit one (tested first too), remove one with
// everything synced for it.
import type { Command } from 'commander';
import { Option } from 'commander';
import { MaildockError } from '../../common/errors.js';
import type {
  Account,
  AccountUpdate,
  DiscoveredServer,
  Discovery,
  Security,
} from '../../common/types.js';
import { flowOption, signInFlow } from './account-oauth2.js';
import { call, int, lines, readStdin, show, withService } from './run.js';

const SECURITY = ['none', 'starttls', 'tls'];

export interface EditOptions {
  /** A name, or false for --no-name. */
  name?: string | false;
  imapHost?: string;
  imapPort?: number;
  imapSecurity?: Security;
  user?: string;
  smtpHost?: string;
  smtpPort?: number;
  smtpSecurity?: Security;
  /** false for --no-smtp. */
  smtp?: boolean;
}

const invalid = (message: string, option: string) =>
  new MaildockError('INVALID_INPUT', message, { option });

/** A pinned certificate belongs to its server: kept while the host and port stay. */
function keepPin<T extends { host: string; port: number; tlsCert?: string }>(
  before: T,
  after: T,
): T {
  if (before.host === after.host && before.port === after.port) return after;
  const moved = { ...after };
  delete moved.tlsCert;
  return moved;
}

/**
 * The options of `account edit` over the account as stored: what `account.update` takes.
 * The IMAP and SMTP settings go whole, each changed only where an option says so.
 */
export function editInput(account: Account, o: EditOptions): Omit<AccountUpdate, 'password'> {
  const input: Omit<AccountUpdate, 'password'> = { id: account.id };
  if (o.name !== undefined) input.name = o.name === false ? null : o.name;
  const imapGiven = [o.imapHost, o.imapPort, o.imapSecurity, o.user].some((v) => v !== undefined);
  if (imapGiven) {
    input.imap = keepPin(account.imap, {
      ...account.imap,
      ...(o.imapHost !== undefined ? { host: o.imapHost } : {}),
      ...(o.imapPort !== undefined ? { port: o.imapPort } : {}),
      ...(o.imapSecurity !== undefined ? { security: o.imapSecurity } : {}),
      ...(o.user !== undefined ? { user: o.user } : {}),
    });
  }
  const smtpGiven = [o.smtpHost, o.smtpPort, o.smtpSecurity].some((v) => v !== undefined);
  if (o.smtp === false) {
    if (smtpGiven)
      throw invalid(
        '--no-smtp removes the SMTP server: leave out --smtp-host, --smtp-port and --smtp-security.',
        '--no-smtp',
      );
    input.smtp = null;
    return input;
  }
  const before = account.smtp;
  // One login for both servers, as `account add` sets them: a new user name goes to both.
  const smtpUser =
    o.user !== undefined && (!before || before.user === account.imap.user) ? o.user : undefined;
  if (!before) {
    if (!smtpGiven) return input;
    if (o.smtpHost === undefined)
      throw invalid(
        `Account ${account.id} has no SMTP server yet: give --smtp-host to add one.`,
        '--smtp-host',
      );
    const security = o.smtpSecurity ?? 'starttls';
    input.smtp = {
      host: o.smtpHost,
      port: o.smtpPort ?? (security === 'tls' ? 465 : 587),
      security,
      user: smtpUser ?? account.imap.user,
    };
  } else if (smtpGiven || smtpUser !== undefined) {
    input.smtp = keepPin(before, {
      ...before,
      ...(o.smtpHost !== undefined ? { host: o.smtpHost } : {}),
      ...(o.smtpPort !== undefined ? { port: o.smtpPort } : {}),
      ...(o.smtpSecurity !== undefined ? { security: o.smtpSecurity } : {}),
      ...(smtpUser !== undefined ? { user: smtpUser } : {}),
    });
  }
  return input;
}

const AUTH_WORDS = { password: 'password', oauth2: 'OAuth2' } as const;
const SECURITY_WORDS: Record<Security, string> = {
  tls: 'TLS',
  starttls: 'STARTTLS',
  none: 'no encryption',
};

function serverLine(s: DiscoveredServer): string {
  const auth = s.auth.map((a) => AUTH_WORDS[a]).join(', ');
  return `${s.host}:${s.port}, ${SECURITY_WORDS[s.security]}, user ${s.user}, sign-in by ${auth}`;
}

/** What `account discover` prints: where the settings came from, then each server. */
export function discoveryText(d: Discovery): string {
  const rows: [string, string][] = [
    ['source', `${d.source} (${d.tookMs} ms)`],
    ['from', d.origin],
    ...(d.provider ? [['provider', d.provider] as [string, string]] : []),
    ['IMAP', serverLine(d.imap)],
    ['SMTP', d.smtp ? serverLine(d.smtp) : 'none found: add one by hand'],
  ];
  if (d.oauth2) {
    rows.push(['OAuth2', `${d.oauth2.issuer}: authorize at ${d.oauth2.authUrl}`]);
    rows.push(['', `tokens from ${d.oauth2.tokenUrl}`]);
    if (d.oauth2.scopes.length) rows.push(['', `scopes ${d.oauth2.scopes.join(' ')}`]);
  }
  return rows.map(([k, v]) => `${k.padEnd(10)}${v}`.trimEnd()).join('\n') + '\n';
}

export function addAccountCommands(program: Command): void {
  const account = program
    .command('account')
    .description('find, add, list, edit and remove mail accounts');
  account
    .command('discover <email>')
    .description(
      "find an address's IMAP and SMTP servers, as Thunderbird does: its bundled ISPDB (by the domain or its MX), the provider's autoconfig, SRV records, then likely hosts probed",
    )
    .action(async (email: string, _o, cmd: Command) =>
      withService(cmd, async (svc, out) => {
        show(out, await call(svc, 'account.discover', { email }), discoveryText);
      }),
    );
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
    .option('--password-stdin', 'read the password from standard input')
    .option('--oauth2', 'sign in with OAuth2 instead of a password')
    .option('--provider <provider>', 'with --oauth2: google, microsoft, or an issuer URL')
    .option('--flow <flow>', 'with --oauth2: manual (URL, then paste), device, or loopback')
    .option('--smtp-host <host>', 'SMTP server, for sending')
    .option('--smtp-port <port>', 'SMTP port', int('--smtp-port'))
    .addOption(
      new Option('--smtp-security <mode>', 'SMTP security').choices(['none', 'starttls', 'tls']),
    )
    .action(async (o, cmd: Command) =>
      withService(cmd, async (svc, out) => {
        if (!o.passwordStdin === !o.oauth2)
          throw invalid('Give --password-stdin or --oauth2, one of the two.', '--oauth2');
        if (o.oauth2 && !o.provider)
          throw invalid(
            '--oauth2 needs --provider google, microsoft or an issuer URL.',
            '--provider',
          );
        const secret = o.oauth2
          ? {
              oauth2: {
                flowId: await signInFlow(svc, out, {
                  email: o.email,
                  provider: o.provider,
                  flow: flowOption(o.flow),
                }),
              },
            }
          : { password: await readStdin() };
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
          ...secret,
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
              `${String(a.id).padStart(4)}  ${a.email}  imap ${a.imap.security}://${a.imap.host}:${a.imap.port}${
                a.oauth2
                  ? `  oauth2 ${a.oauth2.provider}${a.oauth2.signInRequired ? `  SIGN IN AGAIN: maildock account signin ${a.id}` : ''}`
                  : ''
              }`,
            'No accounts yet: add one with `maildock account add`.',
          ),
        );
      }),
    );
  account
    .command('edit <id>')
    .description(
      'change an account: its name, its IMAP or SMTP server, its password (the result is tested before it is saved)',
    )
    .option('--name <name>', 'your name as others see it')
    .option('--no-name', 'send without a name, the address alone')
    .option('--imap-host <host>', 'IMAP server')
    .option('--imap-port <port>', 'IMAP port', int('--imap-port'))
    .addOption(new Option('--imap-security <mode>', 'IMAP security').choices(SECURITY))
    .option('--user <user>', 'login name (for SMTP too, where it had the same one)')
    .option('--smtp-host <host>', 'SMTP server, for sending (adds one where there was none)')
    .option('--smtp-port <port>', 'SMTP port', int('--smtp-port'))
    .addOption(new Option('--smtp-security <mode>', 'SMTP security').choices(SECURITY))
    .option('--no-smtp', 'remove the SMTP server: this account no longer sends')
    .option('--password-stdin', 'a new password, read from standard input')
    .action(async (idText: string, o: EditOptions & { passwordStdin?: boolean }, cmd: Command) =>
      withService(cmd, async (svc, out) => {
        const id = int('id')(idText);
        const account = (await call(svc, 'account.list', {})).find((a) => a.id === id);
        if (!account)
          throw new MaildockError('NOT_FOUND', `There is no account ${id}.`, { accountId: id });
        const input: AccountUpdate = editInput(account, o);
        if (o.passwordStdin) input.password = await readStdin();
        if (Object.keys(input).length === 1)
          throw invalid(
            'Nothing to change: give --name or --no-name, --imap-… or --smtp-… options, --no-smtp, or --password-stdin.',
            'id',
          );
        const updated = await call(svc, 'account.update', input);
        show(
          out,
          updated,
          (a) =>
            `Updated account ${a.id}: ${a.email} (imap ${a.imap.host}:${a.imap.port}, ${
              a.smtp ? `smtp ${a.smtp.host}:${a.smtp.port}` : 'no smtp'
            })\n`,
        );
      }),
    );
  account
    .command('signin <id>')
    .description(
      'sign an OAuth2 account in again (after its sign-in was revoked or expired), or move an account from its password to OAuth2',
    )
    .option(
      '--provider <provider>',
      'google, microsoft, or an issuer URL (default: the account’s own)',
    )
    .option('--flow <flow>', 'manual (URL, then paste), device, or loopback')
    .action(async (idText: string, o: { provider?: string; flow?: string }, cmd: Command) =>
      withService(cmd, async (svc, out) => {
        const id = int('id')(idText);
        const account = (await call(svc, 'account.list', {})).find((a) => a.id === id);
        if (!account)
          throw new MaildockError('NOT_FOUND', `There is no account ${id}.`, { accountId: id });
        const provider = o.provider ?? account.oauth2?.provider;
        if (!provider)
          throw invalid(`Account ${id} signs in by password: give --provider.`, '--provider');
        const flowId = await signInFlow(svc, out, {
          email: account.email,
          provider,
          flow: flowOption(o.flow),
        });
        const signed = await call(svc, 'account.signin', { id, oauth2: { flowId } });
        show(out, signed, (a) => `Signed in again: account ${a.id}, ${a.email}\n`);
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
