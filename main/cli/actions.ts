// Local actions (`message mark|move|delete|junk`, `undo`, `changes`): done at once, carried to
// the server by the next `sync` (or at once by a running `sync --watch`).
import type { Command } from 'commander';
import { Option } from 'commander';
import { MaildockError } from '../../common/errors.js';
import type { Operation } from '../../common/types.js';
import type { Out } from './output.js';
import { call, int, lines, show, withService } from './run.js';

const selection = (ids: string[], o: { thread?: boolean }) => {
  const list = ids.map((v) => int('id')(v));
  return o.thread ? { threadIds: list } : { ids: list };
};

/** A change to messages counts them; one to a folder names it. */
const what = (op: Operation) =>
  op.kind.startsWith('mailbox-')
    ? `${op.kind} ${op.mailbox}`
    : `${op.kind} ${op.count} in ${op.mailbox}`;

const actionDone = (out: Out, r: { description: string }) =>
  show(out, r, (v) => `${v.description}.\n`);

/** `message` is the command the reading commands made: the actions are its subcommands. */
export function addActionCommands(program: Command, message: Command): void {
  message
    .command('mark <ids...>')
    .description('mark messages read, unread, flagged or unflagged')
    .option('--read', 'mark as read')
    .option('--unread', 'mark as unread')
    .option('--flag', 'flag')
    .option('--unflag', 'remove the flag')
    .option('--thread', 'the ids are thread ids: act on whole threads')
    .action(async (ids: string[], o, cmd: Command) =>
      withService(cmd, async (svc, out) => {
        if (o.read && o.unread)
          throw new MaildockError('INVALID_INPUT', 'Give --read or --unread, not both.');
        if (o.flag && o.unflag)
          throw new MaildockError('INVALID_INPUT', 'Give --flag or --unflag, not both.');
        const r = await call(svc, 'message.mark', {
          ...selection(ids, o),
          ...(o.read || o.unread ? { read: !!o.read } : {}),
          ...(o.flag || o.unflag ? { flagged: !!o.flag } : {}),
        });
        actionDone(out, r);
      }),
    );
  message
    .command('move <ids...>')
    .description('move messages to another folder of their account')
    .option('--to <path>', 'the folder')
    .addOption(
      new Option('--to-role <role>', "the account's folder with this role").choices([
        'inbox',
        'archive',
        'trash',
        'junk',
      ]),
    )
    .option('--thread', 'the ids are thread ids: act on whole threads')
    .action(async (ids: string[], o, cmd: Command) =>
      withService(cmd, async (svc, out) => {
        if (!o.to === !o.toRole)
          throw new MaildockError('INVALID_INPUT', 'Give --to PATH or --to-role ROLE.');
        const r = await call(svc, 'message.move', {
          ...selection(ids, o),
          ...(o.to ? { path: o.to } : { role: o.toRole }),
        });
        actionDone(out, r);
      }),
    );
  message
    .command('delete <ids...>')
    .description('move messages to the Trash; those already in the Trash are deleted for good')
    .option('--thread', 'the ids are thread ids: act on whole threads')
    .action(async (ids: string[], o, cmd: Command) =>
      withService(cmd, async (svc, out) =>
        actionDone(out, await call(svc, 'message.delete', selection(ids, o))),
      ),
    );
  message
    .command('junk <ids...>')
    .description('move messages to the Junk folder as junk; with --not, back to the Inbox')
    .option('--not', 'not junk: out of the Junk folder, back to the Inbox')
    .option('--thread', 'the ids are thread ids: act on whole threads')
    .action(async (ids: string[], o, cmd: Command) =>
      withService(cmd, async (svc, out) =>
        actionDone(out, await call(svc, 'message.junk', { ...selection(ids, o), junk: !o.not })),
      ),
    );
  program
    .command('undo')
    .description('take back the last action (mark, move, delete) where the server allows it')
    .action(async (_o, cmd: Command) =>
      withService(cmd, async (svc, out) => {
        const r = await call(svc, 'action.undo', {});
        show(out, r, (v) => `${v.description}.\n`);
        if (!r.undone) process.exitCode = 1;
      }),
    );
  program
    .command('changes')
    .description('local changes waiting for the server, and those it refused')
    .addOption(new Option('--state <state>', 'only these').choices(['pending', 'failed']))
    .action(async (o, cmd: Command) =>
      withService(cmd, async (svc, out) => {
        const list = await call(svc, 'operation.list', o.state ? { state: o.state } : {});
        show(out, list, (l) =>
          lines(
            l,
            (op) => `${op.id}\t${op.state}\t${what(op)}${op.error ? `\t${op.error.message}` : ''}`,
            'No changes waiting.',
          ),
        );
      }),
    );
}
