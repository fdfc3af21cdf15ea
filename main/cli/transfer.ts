// `maildock import` and `maildock export`: mail from and to files on this machine through the
// contract's mailbox.import and mailbox.export, with progress on a terminal. Ctrl-C cancels
// cleanly: an import keeps what went in (run the same command again to go on, without
// duplicates), an export leaves no file behind.
import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { MaildockError } from '../../common/errors.js';
import type { ExportResult, ImportResult, Mailbox, TransferProgress } from '../../common/types.js';
import type { MaildockService } from '../core/service.js';
import { byPath } from './mailbox.js';
import type { Out } from './output.js';
import { accountOf, call, CliFailure, int, show, withService } from './run.js';

/** A folder by path as `mailbox list` shows it; a local folder also by its path under Local Folders. */
async function folderOf(svc: MaildockService, accountId: number, path: string): Promise<Mailbox> {
  const box = byPath(await call(svc, 'mailbox.list', { accountId }), path);
  if (!box)
    throw new MaildockError(
      'NOT_FOUND',
      `There is no folder ${path}: see \`maildock mailbox list\` (after \`maildock sync\`).`,
      { path },
    );
  return box;
}

/**
 * Shows the transfer's progress on a terminal and turns Ctrl-C (or SIGTERM) into
 * transfer.cancel for it; returns what undoes both.
 */
function watchTransfer(svc: MaildockService, out: Out): () => void {
  let id: number | null = null;
  let cancelWanted = false;
  let shown = false;
  const cancel = () => {
    cancelWanted = true;
    if (id !== null) void svc.invoke('transfer.cancel', { transferId: id });
    if (!out.json) out.err('\r\x1b[KCancelling…\n');
  };
  const off = svc.on('transfer.progress', (p: TransferProgress) => {
    id = p.transferId;
    if (cancelWanted) void svc.invoke('transfer.cancel', { transferId: id });
    if (out.json || !out.isTTY) return;
    const of = p.total === null ? '' : `/${p.total}`;
    out.err(`\r\x1b[K${p.kind} ${p.done}${of} messages, ${Math.round(p.rate)}/s`);
    shown = true;
  });
  process.on('SIGINT', cancel);
  process.on('SIGTERM', cancel);
  return () => {
    off();
    process.off('SIGINT', cancel);
    process.off('SIGTERM', cancel);
    if (shown) out.err('\r\x1b[K');
    shown = false;
  };
}

const counted = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`;

function importText(r: ImportResult, folder: string): string {
  const lines = [
    r.cancelled
      ? `Cancelled: ${counted(r.imported, 'message')} imported into ${folder} so far; run the same command again to go on.`
      : `Imported ${counted(r.imported, 'message')} into ${folder} (${r.format}).`,
  ];
  if (r.duplicates) lines.push(`${counted(r.duplicates, 'message')} already there, not again.`);
  if (r.skipped.length) {
    lines.push(`${counted(r.skipped.length, 'message')} skipped:`);
    for (const s of r.skipped) lines.push(`  ${s.source}: ${s.reason}`);
  }
  return `${lines.join('\n')}\n`;
}

const exportText = (r: ExportResult) =>
  r.cancelled
    ? 'Cancelled: nothing was written.\n'
    : `Exported ${counted(r.messages, 'message')} (${r.bytes} bytes) to ${r.path}.\n`;

const idList = (v: string) => {
  const ids = v.split(',').map((s) => Number(s.trim()));
  if (!ids.length || ids.some((n) => !Number.isInteger(n) || n <= 0))
    throw new InvalidArgumentError('--ids takes message ids separated by commas.');
  return ids;
};

export function addTransferCommands(program: Command): void {
  program
    .command('import')
    .description(
      'bring mail into a folder from an mbox file (Thunderbird’s folders too), a folder of .eml files, or a Maildir; run again after a cancel to go on',
    )
    .argument('<path>', 'the mbox file, or the folder of .eml files, or the Maildir')
    .requiredOption(
      '--mailbox <name>',
      'the folder to import into, as `mailbox list` shows it (a local folder also by its name under Local Folders)',
    )
    .option('--account <id>', 'the account (needed when there are several)', int('--account'))
    .option('--format <format>', 'auto, mbox, eml or maildir', 'auto')
    .action(
      async (
        path: string,
        o: { mailbox: string; account?: number; format: string },
        cmd: Command,
      ) =>
        withService(cmd, async (svc, out) => {
          const accountId = await accountOf(svc, o.account);
          const box = await folderOf(svc, accountId, o.mailbox);
          const stop = watchTransfer(svc, out);
          try {
            const r = await call(svc, 'mailbox.import', {
              path,
              mailboxId: box.id,
              format: o.format,
            });
            stop();
            show(out, r, (v) => importText(v, box.path));
            if (r.cancelled) process.exitCode = 130;
          } finally {
            stop();
          }
        }),
    );

  program
    .command('export')
    .description(
      'write a folder, some messages or a search’s results to an mbox file or .eml files',
    )
    .requiredOption('--to <path>', 'the mbox file, or the folder for .eml files')
    .requiredOption('--format <format>', 'mbox or eml')
    .option(
      '--mailbox <name>',
      'the folder to export, as `mailbox list` shows it (a local folder also by its name under Local Folders)',
    )
    .option('--account <id>', 'the account (needed when there are several)', int('--account'))
    .option('--ids <ids>', 'these messages (ids separated by commas) instead of a folder', idList)
    .option('--query <query>', 'what this search finds instead of a folder')
    .option('--overwrite', 'replace the mbox file, or write into a folder that holds files')
    .action(
      async (
        o: {
          to: string;
          format: string;
          mailbox?: string;
          account?: number;
          ids?: number[];
          query?: string;
          overwrite?: boolean;
        },
        cmd: Command,
      ) =>
        withService(cmd, async (svc, out) => {
          const given = [o.mailbox, o.ids, o.query].filter((v) => v !== undefined).length;
          if (given !== 1)
            throw new MaildockError(
              'INVALID_INPUT',
              'Say what to export: one of --mailbox, --ids or --query.',
            );
          const what = o.mailbox
            ? { mailboxId: (await folderOf(svc, await accountOf(svc, o.account), o.mailbox)).id }
            : o.ids
              ? { ids: o.ids }
              : { query: o.query };
          const stop = watchTransfer(svc, out);
          try {
            const r = await call(svc, 'mailbox.export', {
              to: o.to,
              format: o.format,
              overwrite: !!o.overwrite,
              ...what,
            }).catch((err: unknown) => {
              // The core says what replacing would do; here it is said with this flag.
              if (err instanceof CliFailure && err.error.fields?.replaceable === true) {
                throw new CliFailure({
                  ...err.error,
                  message: `${err.error.message} (--overwrite replaces it)`,
                });
              }
              throw err;
            });
            stop();
            show(out, r, exportText);
            if (r.cancelled) process.exitCode = 130;
          } finally {
            stop();
          }
        }),
    );
}
