#!/usr/bin/env node
// `maildock`: the command line over the core service. Every command goes through
// service.invoke with the contract's schemas; nothing here touches the store or IMAP.
import { Command, Option } from 'commander';
import { readFile, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { MaildockError, toErrorData } from '../../common/errors.js';
import {
  outboxStateSchema,
  type Mailbox,
  type MessageSummary,
  type SearchHit,
} from '../../common/types.js';
import {
  draftLine,
  hitLine,
  mailboxLine,
  messageLine,
  messageText,
  outboxEntryText,
  outboxLine,
  printError,
  printJson,
  progressReporter,
  stdio,
  type Out,
} from './output.js';
import { safeFileName } from './files.js';
import { call, CliFailure, dataDirOf, int, lines, readStdin, show, withService } from './run.js';
import { diagnose, doctorText } from '../core/doctor.js';
import { addBackupCommands } from './backup.js';
import { addServeCommand } from './serve.js';
import { addStackCommands } from './stack.js';

export function buildProgram(): Command {
  const program = new Command('maildock')
    .description('Maildock: your mail, offline, searchable, with its own local mail stack.')
    .option('--data-dir <dir>', 'where Maildock keeps its data (env MAILDOCK_DATA_DIR)')
    .option('--json', 'machine-readable output')
    .option('-v, --verbose', 'show logs on the terminal')
    .showHelpAfterError();

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

  program
    .command('sync')
    .description('sync every account: once, or keep watching (IDLE) until interrupted')
    .option('--once', 'one complete pass, then exit (the default)')
    .option('--watch', 'stay connected and sync as mail arrives')
    .option('--account <id>', 'only this account', int('--account'))
    .action(async (o, cmd: Command) =>
      withService(cmd, async (svc, out) => {
        const bar = progressReporter(out);
        svc.on('sync.progress', (p) => bar.update(p));
        if (o.watch) {
          svc.on('mail.new', (e) => !out.json && out.err(`\r\x1b[K${e.count} new message(s)\n`));
          svc.on('sync.error', (e) => printError(out, e.error));
          await svc.watch();
          out.err('Watching for new mail. Press Ctrl-C to stop.\n');
          await new Promise<void>((resolve) => {
            process.once('SIGINT', resolve);
            process.once('SIGTERM', resolve);
          });
          bar.done();
          return;
        }
        const summary = await call(svc, 'sync.run', o.account ? { accountId: o.account } : {});
        bar.done();
        show(out, summary, (s) => {
          const errs = s.errors
            .map((e) => `  ${e.code}${e.mailbox ? ` in ${e.mailbox}` : ''}: ${e.message}\n`)
            .join('');
          const ops = s.operations;
          const changes =
            ops.pending || ops.failed
              ? `${ops.pending} change(s) waiting for the server, ${ops.failed} refused (see \`maildock changes\`)\n`
              : '';
          return `${s.accounts} account(s), ${s.mailboxes} folder(s), ${s.messages} message(s), ${s.bodies} with bodies\n${changes}${errs}`;
        });
        if (summary.errors.length) process.exitCode = 1;
      }),
    );

  const mailbox = program.command('mailbox').description('folders');
  mailbox
    .command('list')
    .description('list folders with message and unread counts')
    .option('--account <id>', 'only this account', int('--account'))
    .action(async (o, cmd: Command) =>
      withService(cmd, async (svc, out) => {
        const list = await call(svc, 'mailbox.list', o.account ? { accountId: o.account } : {});
        show(out, list, (l: Mailbox[]) =>
          lines(l, mailboxLine, 'No folders yet: run `maildock sync`.'),
        );
      }),
    );

  const message = program.command('message').description('read messages');
  message
    .command('list')
    .description('the newest messages of a folder')
    .requiredOption('--mailbox <path>', 'folder path, e.g. INBOX')
    .option('--account <id>', 'the account, when several have this folder', int('--account'))
    .option('--limit <n>', 'how many', int('--limit'), 50)
    .option('--before <id>', 'the page after this message id', int('--before'))
    .action(async (o, cmd: Command) =>
      withService(cmd, async (svc, out) => {
        const page = await call(svc, 'message.list', {
          path: o.mailbox,
          limit: o.limit,
          ...(o.account ? { accountId: o.account } : {}),
          ...(o.before ? { before: o.before } : {}),
        });
        show(out, page, (p) =>
          lines(p.messages, (m: MessageSummary) => messageLine(m), 'No messages.'),
        );
      }),
    );
  message
    .command('show <id>')
    .description('headers, text and attachments of a message')
    .action(async (id: string, _o, cmd: Command) =>
      withService(cmd, async (svc, out) => {
        const d = await call(svc, 'message.get', { id: int('id')(id) });
        show(out, d, messageText);
      }),
    );

  // Local actions: done at once, carried to the server by the next `sync` (or at once
  // by a running `sync --watch`).
  const selection = (ids: string[], o: { thread?: boolean }) => {
    const list = ids.map((v) => int('id')(v));
    return o.thread ? { threadIds: list } : { ids: list };
  };
  const actionDone = (out: Out, r: { description: string }) =>
    show(out, r, (v) => `${v.description}.\n`);
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
            (op) =>
              `${op.id}\t${op.state}\t${op.kind} ${op.count} in ${op.mailbox}${op.error ? `\t${op.error}` : ''}`,
            'No changes waiting.',
          ),
        );
      }),
    );

  program
    .command('attachment')
    .description('attachments')
    .command('save <id>')
    .description('save an attachment (downloaded on first use, kept for offline use after)')
    .option('--out <file>', 'where to write it (default: its own file name, in this folder)')
    .option('--force', 'replace a file that exists')
    .action(async (id: string, o, cmd: Command) =>
      withService(cmd, async (svc, out) => {
        const a = await call(svc, 'attachment.get', { id: int('id')(id) });
        const file = o.out ?? safeFileName(a.filename);
        try {
          await writeFile(file, Buffer.from(a.data, 'base64'), {
            flag: o.force ? 'w' : 'wx',
            mode: 0o600,
          });
        } catch (err) {
          if ((err as { code?: string }).code === 'EEXIST') {
            throw new MaildockError(
              'ALREADY_EXISTS',
              `${file} exists already: use --force to replace it.`,
              { file },
            );
          }
          throw err;
        }
        const saved = {
          id: a.id,
          file,
          filename: a.filename,
          contentType: a.contentType,
          size: a.size,
        };
        show(out, saved, (v) => `Saved ${v.file} (${v.size} bytes, ${v.contentType}).\n`);
      }),
    );

  program
    .command('search <query>')
    .description(
      'full-text search, newest first. Operators: from: to: subject: in:folder has:attachment is:unread is:flagged before:/after:YYYY-MM-DD "phrase" -term',
    )
    .option('--limit <n>', 'how many', int('--limit'), 20)
    .option('--before <id>', 'the page after this message id', int('--before'))
    .action(async (query: string, o, cmd: Command) =>
      withService(cmd, async (svc, out) => {
        const r = await call(svc, 'message.search', {
          query,
          limit: o.limit,
          ...(o.before ? { before: o.before } : {}),
        });
        if (out.json) {
          printJson(
            out,
            r.hits.map((h: SearchHit) => ({
              id: h.message.id,
              accountId: h.message.accountId,
              mailbox: h.message.mailbox,
              subject: h.message.subject,
              from: h.message.from,
              date: h.message.date,
              flags: h.message.flags,
              snippet: h.snippet,
              highlights: h.highlights,
            })),
          );
        } else {
          out.write(lines(r.hits, (h) => hitLine(h, !!process.stdout.isTTY), 'Nothing found.'));
        }
      }),
    );

  // ---- Sending: outbox and drafts ----
  const collect = (v: string, prev: string[]) => [...prev, v];
  const composeOptions = (c: Command) =>
    c
      .option('--account <id>', 'the account it goes from', int('--account'))
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
  const composeInput = async (o: Record<string, unknown>) => {
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

  composeOptions(
    program
      .command('send')
      .description(
        'put a message in the outbox: it leaves after the undo delay (default 5 s) or at --send-at, with the next `sync` or at once under `sync --watch`',
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
        const entry = await call(svc, 'outbox.send', {
          ...(await composeInput(o)),
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

  const draft = program
    .command('draft')
    .description("drafts, kept here and in the server's Drafts");
  composeOptions(
    draft
      .command('save')
      .description(
        'save a draft (a new one, or a new version of --id); it goes to the server at once when it can, else with the next sync',
      ),
  )
    .option('--id <id>', 'the draft to replace', int('--id'))
    .action(async (o, cmd: Command) =>
      withService(cmd, async (svc, out) => {
        const d = await call(svc, 'draft.save', {
          ...(await composeInput(o)),
          ...(o.id !== undefined ? { id: o.id } : {}),
        });
        show(
          out,
          d,
          (v) =>
            `Draft ${v.id} saved (${v.origin === 'synced' ? 'on the server too' : 'here; the server copy follows with the next sync'}).\n`,
        );
      }),
    );
  draft
    .command('list')
    .description('drafts saved here and those the server has from other clients')
    .option('--account <id>', 'only this account', int('--account'))
    .action(async (o, cmd: Command) =>
      withService(cmd, async (svc, out) => {
        const list = await call(svc, 'draft.list', o.account ? { accountId: o.account } : {});
        show(out, list, (l) => lines(l, draftLine, 'No drafts.'));
      }),
    );
  draft
    .command('delete <id>')
    .description('delete a draft here and on the server')
    .action(async (id: string, _o, cmd: Command) =>
      withService(cmd, async (svc, out) => {
        const r = await call(svc, 'draft.delete', { id: int('id')(id) });
        show(out, r, () => `Draft ${id} deleted.\n`);
      }),
    );

  program
    .command('doctor')
    .description('what this machine has for Maildock: Electron, Docker, a keychain, free ports')
    .action(async (_o, cmd: Command) => {
      const out = stdio(!!cmd.optsWithGlobals<{ json?: boolean }>().json);
      const report = await diagnose({ dataDir: dataDirOf(cmd) });
      if (out.json) printJson(out, report);
      else out.write(doctorText(report));
    });

  addStackCommands(program);
  addBackupCommands(program);
  addServeCommand(program);
  return program;
}

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  program.exitOverride();
  try {
    await program.parseAsync(argv);
    return Number(process.exitCode ?? 0);
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (
      code === 'commander.helpDisplayed' ||
      code === 'commander.version' ||
      code === 'commander.help'
    )
      return 0;
    if (typeof code === 'string' && code.startsWith('commander.')) return 2;
    const json = argv.includes('--json');
    printError(stdio(json), err instanceof CliFailure ? err.error : toErrorData(err));
    return 1;
  }
}

const isEntry = import.meta.url === pathToFileURL(process.argv[1] ?? '').href;
if (isEntry) {
  main(process.argv).then((code) => {
    process.exitCode = code;
  });
}
