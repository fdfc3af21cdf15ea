// Reading: `maildock message list|show`, `attachment save` and `search`.
import type { Command } from 'commander';
import { writeFile } from 'node:fs/promises';
import { MaildockError } from '../../common/errors.js';
import type { MessageSummary, SearchHit } from '../../common/types.js';
import { safeFileName } from './files.js';
import { hitLine, messageLine, messageText, printJson } from './output.js';
import { call, int, lines, show, withService } from './run.js';

/** `message` with its reading commands; returns it for the actions. */
export function addMessageCommands(program: Command): Command {
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
        // Text shows no HTML, so it need not wait for the sanitizer; JSON is for other programs.
        const d = await call(svc, 'message.get', { id: int('id')(id), raw: !out.json });
        show(out, d, messageText);
      }),
    );
  return message;
}

export function addAttachmentAndSearchCommands(program: Command): void {
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
}
