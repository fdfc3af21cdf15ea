// Reading: `maildock message list|show|source`, `attachment save` and `search`.
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
  message
    .command('unsubscribe <id>')
    .description(
      "leave the list a message came through: one-click, or a mail to the list; else print the list's link",
    )
    .action(async (id: string, _o, cmd: Command) =>
      withService(cmd, async (svc, out) => {
        const r = await call(svc, 'message.unsubscribe', { id: int('id')(id) });
        show(out, r, (v) =>
          v.method === 'one-click'
            ? 'Unsubscribed: the list accepted the one-click request.\n'
            : v.method === 'mailto'
              ? 'Unsubscribe mail queued in the outbox; it leaves with the next send.\n'
              : `This list unsubscribes on its web page; open it:\n${v.url}\n`,
        );
      }),
    );
  message
    .command('source <id>')
    .description('the message exactly as the server has it (.eml), to stdout or to a file')
    .option('--out <file>', 'write it to this file instead of stdout')
    .option('--force', 'replace a file that exists')
    .action(async (id: string, o, cmd: Command) =>
      withService(cmd, async (svc, out) => {
        const s = await call(svc, 'message.source', { id: int('id')(id) });
        const data = Buffer.from(s.data, 'base64');
        if (o.out) {
          await writeNew(o.out, data, !!o.force);
          show(
            out,
            { id: s.id, file: o.out, filename: s.filename, size: s.size },
            (v) => `Saved ${v.file} (${v.size} bytes).\n`,
          );
        } else if (out.json) {
          printJson(out, s);
        } else {
          // The bytes as they are: no text conversion, no newline added.
          await new Promise<void>((resolve, reject) =>
            process.stdout.write(data, (err) => (err ? reject(err) : resolve())),
          );
        }
      }),
    );
  return message;
}

/** Writes a file that must not exist yet, unless `force` says to replace it. */
async function writeNew(file: string, data: Buffer, force: boolean): Promise<void> {
  try {
    await writeFile(file, data, { flag: force ? 'w' : 'wx', mode: 0o600 });
  } catch (err) {
    if ((err as { code?: string }).code === 'EEXIST')
      throw new MaildockError(
        'ALREADY_EXISTS',
        `${file} exists already: use --force to replace it.`,
        {
          file,
        },
      );
    throw err;
  }
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
        await writeNew(file, Buffer.from(a.data, 'base64'), !!o.force);
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
      'full-text search, newest first, with the count of what it finds. Words (the last one, or word*, as a prefix), "phrase", -term, a OR b, (groups); operators: from: to: cc: bcc: subject: list: filename: in:folder has:attachment has:pdf|image|document|spreadsheet|presentation|archive is:unread|read|flagged|answered larger:/smaller:5M before:/after:YYYY-MM-DD',
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
          if (r.total !== null && r.nextBefore !== null)
            out.write(
              `${r.more ? 'More than ' : ''}${r.total} found; --before ${r.nextBefore} shows the next ones.\n`,
            );
        }
      }),
    );
}
