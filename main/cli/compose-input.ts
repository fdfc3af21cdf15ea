// What `send`, `outbox edit` and `draft save` share: the options that write a message, and
// their values turned into the contract's compose input (files read, paths made absolute);
// for `send` and `draft save`, the signature of the identity it goes from under the text.
import type { Command } from 'commander';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { MaildockError } from '../../common/errors.js';
import { sendingIdentity, signatureBlock, signatureHtml } from '../../common/identities.js';
import type { ComposeInput } from '../../common/types.js';
import type { MaildockService } from '../core/service.js';
import { accountOf, call, int } from './run.js';

const collect = (v: string, prev: string[]) => [...prev, v];

export const composeOptions = (c: Command) =>
  c
    .option('--account <id>', 'the account it goes from', int('--account'))
    .option(
      '--from <address>',
      "the identity it goes from (see `maildock identity list`); a reply's default is the one it was sent to",
    )
    .option('--to <address>', 'recipient (repeat for more)', collect, [])
    .option('--cc <address>', 'copy to (repeat for more)', collect, [])
    .option('--bcc <address>', 'blind copy to (repeat for more)', collect, [])
    .option('--subject <text>', 'subject (a reply or forward makes one from the original)')
    .option('--body-file <file>', 'the text, from a file')
    .option('--body-stdin', 'the text, from standard input')
    .option('--html-file <file>', 'an HTML version, from a file')
    .option('--attach <file>', 'attach a file (repeat for more)', collect, [])
    .option(
      '--inline <file=cid>',
      'an image the HTML shows as cid:CID (repeat for more)',
      collect,
      [],
    )
    .option('--reply <id>', 'reply to this stored message', int('--reply'))
    .option('--reply-all <id>', 'reply to everyone on this stored message', int('--reply-all'))
    .option('--forward <id>', 'forward this stored message inline', int('--forward'))
    .option(
      '--forward-as-attachment <id>',
      'forward this stored message as an attachment',
      int('--forward-as-attachment'),
    );

export const composeInput = async (o: Record<string, unknown>) => {
  if (o.bodyFile && o.bodyStdin)
    throw new MaildockError('INVALID_INPUT', 'Give --body-file or --body-stdin, not both.');
  const refs = (
    [
      ['reply', o.reply],
      ['reply-all', o.replyAll],
      ['forward', o.forward],
      ['forward-attachment', o.forwardAsAttachment],
    ] as const
  ).filter(([, v]) => v !== undefined);
  if (refs.length > 1)
    throw new MaildockError('INVALID_INPUT', 'Reply to or forward one message at a time.');
  let text: string | undefined;
  if (o.bodyFile) text = await readFile(String(o.bodyFile), 'utf8');
  else if (o.bodyStdin) {
    const chunks: Buffer[] = [];
    for await (const c of process.stdin) chunks.push(c as Buffer);
    text = Buffer.concat(chunks).toString('utf8');
  }
  const inline = (o.inline as string[]).map((v) => {
    const at = v.lastIndexOf('=');
    if (at <= 0 || at === v.length - 1)
      throw new MaildockError('INVALID_INPUT', `--inline wants FILE=CID, not "${v}".`);
    return { path: resolve(v.slice(0, at)), contentId: v.slice(at + 1) };
  });
  return {
    ...(o.account !== undefined ? { accountId: o.account } : {}),
    ...(o.from !== undefined ? { from: String(o.from) } : {}),
    to: o.to,
    cc: o.cc,
    bcc: o.bcc,
    ...(o.subject !== undefined ? { subject: o.subject } : {}),
    ...(text !== undefined ? { text } : {}),
    ...(o.htmlFile ? { html: await readFile(String(o.htmlFile), 'utf8') } : {}),
    attachments: [...(o.attach as string[]).map((f) => ({ path: resolve(f) })), ...inline],
    ...(refs[0] ? { reference: { id: refs[0][1], mode: refs[0][0] } } : {}),
  };
};

/** `--no-signature`, for the commands that write a new message. */
export const signatureOption = (c: Command) =>
  c.option('--no-signature', "leave out the identity's signature");

type Input = Awaited<ReturnType<typeof composeInput>> & Pick<ComposeInput, 'from'>;

/**
 * The message with the signature of the identity it goes from under its text (and its HTML),
 * as the app's editor puts it there: the identity the core will pick, found the same way.
 */
export async function signed(svc: MaildockService, input: Input): Promise<Input> {
  const ref = input.reference;
  const original = ref ? (await call(svc, 'message.get', { id: ref.id })).message : undefined;
  const accountId = original?.accountId ?? input.accountId;
  const account = (await call(svc, 'account.list', {})).find((a) => a.id === accountId);
  // No such account: the core says so when the message is queued.
  if (!account) return input;
  const { signature } = sendingIdentity(account, input.from, original);
  if (!signature) return input;
  const text = `${(input.text ?? '').replace(/\s+$/, '')}${signatureBlock(signature)}`;
  if (input.html === undefined) return { ...input, text };
  const block = `<div class="maildock-signature">-- <br>${signatureHtml(signature)}</div>`;
  const end = input.html.search(/<\/body>/i);
  const html =
    end >= 0 ? `${input.html.slice(0, end)}${block}${input.html.slice(end)}` : input.html + block;
  return { ...input, text, html };
}

/** A new message names its account: the one given, else the only one there is. */
export async function withAccount(svc: MaildockService, input: Input): Promise<Input> {
  if (input.reference || input.accountId !== undefined) return input;
  return { ...input, accountId: await accountOf(svc, undefined) };
}
