// `maildock identity …`: the addresses an account sends from. Its own address is its primary
// identity (named by the account: `account edit --name`); aliases are added, edited and
// removed here, each with its signature (text from a file, HTML from another).
import type { Command } from 'commander';
import { readFile } from 'node:fs/promises';
import { findIdentity } from '../../common/identities.js';
import { MaildockError } from '../../common/errors.js';
import type { Account, Identity, IdentityInput, Signature } from '../../common/types.js';
import { accountOf, call, int, lines, show, withService } from './run.js';
import type { MaildockService } from '../core/service.js';

interface SignatureOptions {
  signatureFile?: string;
  signatureHtmlFile?: string;
  /** false for --no-signature. */
  signature?: boolean;
}

const identityLine = (i: Identity) =>
  `${i.primary ? '*' : ' '} ${i.name ? `${i.name} <${i.email}>` : i.email}${i.signature ? '  (signature)' : ''}`;

const accountText = (a: Account) =>
  `Account ${a.id}:\n${lines(a.identities, identityLine, 'No identities.')}`;

/**
 * The signature the options give over the one there was: new text and HTML from files,
 * --no-signature for none; undefined when they say nothing of it.
 */
export async function signatureInput(
  before: Signature | null,
  o: SignatureOptions,
): Promise<Signature | null | undefined> {
  const files = o.signatureFile !== undefined || o.signatureHtmlFile !== undefined;
  if (o.signature === false) {
    if (files)
      throw new MaildockError(
        'INVALID_INPUT',
        '--no-signature removes the signature: leave out --signature-file and --signature-html-file.',
        { option: '--no-signature' },
      );
    return null;
  }
  if (!files) return undefined;
  return {
    text:
      o.signatureFile !== undefined
        ? await readFile(o.signatureFile, 'utf8')
        : (before?.text ?? ''),
    html:
      o.signatureHtmlFile !== undefined
        ? await readFile(o.signatureHtmlFile, 'utf8')
        : (before?.html ?? null),
  };
}

async function accountById(svc: MaildockService, given: number | undefined): Promise<Account> {
  const id = await accountOf(svc, given);
  return (await call(svc, 'account.list', {})).find((a) => a.id === id)!;
}

const signatureOptions = (c: Command) =>
  c
    .option('--signature-file <file>', 'the signature as text, from a file')
    .option('--signature-html-file <file>', 'the signature as HTML, from a file');

export function addIdentityCommands(program: Command): void {
  const identity = program
    .command('identity')
    .description('the addresses an account sends from (aliases), and their signatures');
  identity
    .command('list')
    .description('the identities of each account (* marks its own address)')
    .option('--account <id>', 'only this account', int('--account'))
    .action(async (o: { account?: number }, cmd: Command) =>
      withService(cmd, async (svc, out) => {
        const accounts = (await call(svc, 'account.list', {})).filter(
          (a) => o.account === undefined || a.id === o.account,
        );
        if (o.account !== undefined && !accounts.length)
          throw new MaildockError('NOT_FOUND', `There is no account ${o.account}.`, {
            accountId: o.account,
          });
        show(out, accounts, (l) =>
          l.length
            ? l.map(accountText).join('\n')
            : 'No accounts yet: add one with `maildock account add`.\n',
        );
      }),
    );
  signatureOptions(
    identity
      .command('add <address>')
      .description('add an address the account sends from (its server must accept it)')
      .option('--account <id>', 'the account (needed when there are several)', int('--account'))
      .option('--name <name>', 'the name shown with it'),
  ).action(
    async (address: string, o: SignatureOptions & { account?: number; name?: string }, cmd) =>
      withService(cmd as Command, async (svc, out) => {
        const account = await accountById(svc, o.account);
        if (findIdentity(account, address))
          throw new MaildockError(
            'ALREADY_EXISTS',
            `Account ${account.id} has the identity ${address} already: change it with \`maildock identity edit\`.`,
            { email: address },
          );
        const signature = await signatureInput(null, o);
        const saved = await call(svc, 'identity.save', {
          accountId: account.id,
          email: address,
          ...(o.name !== undefined ? { name: o.name } : {}),
          ...(signature !== undefined ? { signature } : {}),
        } satisfies IdentityInput);
        show(out, saved, accountText);
      }),
  );
  signatureOptions(
    identity
      .command('edit <address>')
      .description("change an identity's name or signature")
      .option('--account <id>', 'the account (needed when there are several)', int('--account'))
      .option('--name <name>', 'the name shown with it')
      .option('--no-name', 'the address alone')
      .option('--no-signature', 'no signature'),
  ).action(
    async (
      address: string,
      o: SignatureOptions & { account?: number; name?: string | false },
      cmd,
    ) =>
      withService(cmd as Command, async (svc, out) => {
        const account = await accountById(svc, o.account);
        const before = findIdentity(account, address);
        if (!before)
          throw new MaildockError(
            'NOT_FOUND',
            `Account ${account.id} has no identity ${address}: add it with \`maildock identity add\`.`,
            { accountId: account.id },
          );
        const signature = await signatureInput(before.signature, o);
        if (o.name === undefined && signature === undefined)
          throw new MaildockError(
            'INVALID_INPUT',
            'Nothing to change: give --name or --no-name, --signature-file, --signature-html-file or --no-signature.',
            { option: 'address' },
          );
        const saved = await call(svc, 'identity.save', {
          accountId: account.id,
          email: before.email,
          ...(o.name !== undefined ? { name: o.name === false ? null : o.name } : {}),
          ...(signature !== undefined ? { signature } : {}),
        } satisfies IdentityInput);
        show(out, saved, accountText);
      }),
  );
  identity
    .command('remove <address>')
    .description('remove an alias (the account keeps its own address)')
    .option('--account <id>', 'the account (needed when there are several)', int('--account'))
    .action(async (address: string, o: { account?: number }, cmd: Command) =>
      withService(cmd, async (svc, out) => {
        const accountId = await accountOf(svc, o.account);
        const saved = await call(svc, 'identity.remove', { accountId, email: address });
        show(out, saved, accountText);
      }),
    );
}
