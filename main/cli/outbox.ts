// `maildock send` and `outbox …`: messages on their way out, taken back, rewritten, retried.
import type { Command } from 'commander';
import { Option } from 'commander';
import { MaildockError } from '../../common/errors.js';
import { outboxStateSchema } from '../../common/types.js';
import {
  composeInput,
  composeOptions,
  signatureOption,
  signed,
  withAccount,
} from './compose-input.js';
import { outboxEntryText, outboxLine } from './output.js';
import { call, int, lines, show, withService } from './run.js';

export function addOutboxCommands(program: Command): void {
  signatureOption(
    composeOptions(
      program
        .command('send')
        .description(
          'put a message in the outbox: it leaves after the undo delay (default 5 s) or at --send-at, with the next `sync` or at once under `sync --watch`',
        ),
    ),
  )
    .option('--send-at <iso>', 'send later, e.g. 2026-12-01T09:00:00+01:00')
    .option('--delay <seconds>', 'undo-send delay (default 5)', int('--delay'))
    .option(
      '--draft <id>',
      'the draft this message was written in (removed once queued)',
      int('--draft'),
    )
    .action(async (o, cmd: Command) =>
      withService(cmd, async (svc, out) => {
        const input = await withAccount(svc, await composeInput(o));
        const entry = await call(svc, 'outbox.send', {
          ...(o.signature ? await signed(svc, input) : input),
          ...(o.sendAt ? { sendAt: o.sendAt } : {}),
          ...(o.delay !== undefined ? { delaySeconds: o.delay } : {}),
          ...(o.draft !== undefined ? { draftId: o.draft } : {}),
        });
        show(out, entry, outboxEntryText);
      }),
    );

  const outbox = program.command('outbox').description('messages on their way out');
  outbox
    .command('list')
    .description('the outbox, newest first, with each state and the last error')
    .option('--account <id>', 'only this account', int('--account'))
    .addOption(new Option('--state <state>', 'only this state').choices(outboxStateSchema.options))
    .option('--limit <n>', 'how many', int('--limit'), 100)
    .action(async (o, cmd: Command) =>
      withService(cmd, async (svc, out) => {
        const list = await call(svc, 'outbox.list', {
          limit: o.limit,
          ...(o.account ? { accountId: o.account } : {}),
          ...(o.state ? { state: o.state } : {}),
        });
        show(out, list, (l) => lines(l, outboxLine, 'The outbox is empty.'));
      }),
    );
  outbox
    .command('retry [id]')
    .description('make a waiting message (or every one, with --all) due now')
    .option('--all', 'every waiting message')
    .action(async (id: string | undefined, o, cmd: Command) =>
      withService(cmd, async (svc, out) => {
        if (!!id === !!o.all) throw new MaildockError('INVALID_INPUT', 'Give an id or --all.');
        const r = await call(svc, 'outbox.retry', id ? { id: int('id')(id) } : { all: true });
        show(out, r, (v) => `${v.due} message(s) due now: they leave with the next sync.\n`);
      }),
    );
  outbox
    .command('cancel <id>')
    .description('take a message back before it leaves (undo send), or drop a failed one')
    .action(async (id: string, _o, cmd: Command) =>
      withService(cmd, async (svc, out) => {
        const e = await call(svc, 'outbox.cancel', { id: int('id')(id) });
        show(out, e, (v) => `Cancelled: ${v.subject || '(no subject)'} will not be sent.\n`);
      }),
    );
  composeOptions(
    outbox
      .command('edit <id>')
      .description(
        'rewrite a message that has not left (failed, waiting, queued, cancelled) and queue it again',
      ),
  )
    .option('--send-at <iso>', 'send later, e.g. 2026-12-01T09:00:00+01:00')
    .option('--delay <seconds>', 'undo-send delay (default 5)', int('--delay'))
    .action(async (id: string, o, cmd: Command) =>
      withService(cmd, async (svc, out) => {
        const entry = await call(svc, 'outbox.edit', {
          ...(await composeInput(o)),
          id: int('id')(id),
          ...(o.sendAt ? { sendAt: o.sendAt } : {}),
          ...(o.delay !== undefined ? { delaySeconds: o.delay } : {}),
        });
        show(out, entry, outboxEntryText);
      }),
    );
  outbox
    .command('resend <id>')
    .description('send a failed or "may have been sent" message again')
    .action(async (id: string, _o, cmd: Command) =>
      withService(cmd, async (svc, out) => {
        const e = await call(svc, 'outbox.resend', { id: int('id')(id) });
        show(out, e, outboxEntryText);
      }),
    );
  outbox
    .command('settings')
    .description("show or change an account's sending settings")
    .requiredOption('--account <id>', 'the account', int('--account'))
    .option('--server-saves-sent', 'the server files sent mail in Sent itself: make no copy')
    .option('--no-server-saves-sent', 'Maildock copies sent mail to Sent (the default)')
    .action(async (o, cmd: Command) =>
      withService(cmd, async (svc, out) => {
        const r = await call(svc, 'outbox.settings', {
          accountId: o.account,
          ...(o.serverSavesSent !== undefined ? { serverSavesSent: o.serverSavesSent } : {}),
        });
        show(
          out,
          r,
          (v) =>
            `Account ${v.accountId}: ${v.serverSavesSent ? 'the server saves sent mail itself' : 'Maildock copies sent mail to Sent'}.\n`,
        );
      }),
    );
}
