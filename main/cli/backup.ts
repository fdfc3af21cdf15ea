// `maildock backup …`: archives of everything through the contract's backup.* methods, with
// progress (bytes, rate, time left) on a terminal. Ctrl-C cancels a backup being made; it
// leaves no half-written archive.
import type { Command } from 'commander';
import { resolve } from 'node:path';
import { MaildockService } from '../core/service.js';
import { counted, progressText, restoredText, sizeText } from '../../common/backup-words.js';
import type { BackupReport, BackupResult } from '../../common/types.js';
import { stdio, type Out } from './output.js';
import { call, dataDirOf, lines, readStdin, show, withService, type Globals } from './run.js';

const readPassphrase = async () => (await readStdin()).replace(/\r?\n$/, '');

function reportProgress(svc: Parameters<Parameters<typeof withService>[1]>[0], out: Out) {
  let shown = false;
  const off = svc.on('backup.progress', (p) => {
    if (out.json || !out.isTTY || p.phase === 'done') return;
    out.err(`\r\x1b[K${progressText(p)}`);
    shown = true;
  });
  return () => {
    off();
    if (shown) out.err('\r\x1b[K');
  };
}

export const resultLine = (b: BackupResult) =>
  `${b.file}  ${sizeText(b.bytes)}  ${b.createdAt}${b.files === null ? '' : `  ${counted(b.files, 'file')}`}${b.encrypted ? '  encrypted' : ''}`;

export function reportText(r: BackupReport): string {
  const notes = r.notes.map((n) => `  note: ${n}\n`).join('');
  if (r.ok) {
    const secrets = r.secrets ? ' It holds account passwords, sealed with a passphrase.' : '';
    const encrypted = r.encrypted ? ' It is encrypted under a passphrase.' : '';
    const stack = r.stack
      ? ' It holds the local mail server’s data (database, cache, mail, queue, TLS).'
      : '';
    return `${r.file}: verified. ${counted(r.files, 'file')}, every checksum matches, the store passes its integrity check (made by Maildock ${r.app} on ${r.createdAt}).${encrypted}${stack}${secrets}\n${notes}`;
  }
  return `${r.file}: NOT usable.\n${r.problems.map((p) => `  - ${p}`).join('\n')}\n${notes}`;
}

export function addBackupCommands(program: Command): void {
  const backup = program
    .command('backup')
    .description('archives of the store, the attachment cache and the local mail server’s data');

  backup
    .command('create')
    .description(
      'make a verified archive (default: DATA_DIR/backups/maildock-<time>.maildock-backup)',
    )
    .option(
      '--to <file>',
      'where to write the archive: in a folder that exists, outside the data folder (or in its backups folder)',
    )
    .option('--overwrite', 'replace an earlier Maildock backup of that name (never another file)')
    .option('--include-secrets', 'account passwords too, sealed with a passphrase')
    .option('--encrypt', 'the whole archive encrypted under a passphrase')
    .option('--passphrase-stdin', 'read that passphrase from stdin')
    .option('--no-stack', 'leave the local mail server’s data (database, mail, queue) out')
    .action(
      async (
        o: {
          to?: string;
          includeSecrets?: boolean;
          encrypt?: boolean;
          passphraseStdin?: boolean;
          stack: boolean;
          overwrite?: boolean;
        },
        cmd: Command,
      ) =>
        withService(cmd, async (svc, out) => {
          const passphrase = o.passphraseStdin ? await readPassphrase() : undefined;
          const done = reportProgress(svc, out);
          const cancel = () => void svc.invoke('backup.cancel', {});
          process.once('SIGINT', cancel);
          process.once('SIGTERM', cancel);
          try {
            const made = await call(svc, 'backup.create', {
              ...(o.to ? { to: o.to } : {}),
              includeSecrets: !!o.includeSecrets,
              encrypt: !!o.encrypt,
              ...(passphrase !== undefined ? { passphrase } : {}),
              stack: o.stack,
              overwrite: !!o.overwrite,
            });
            done();
            show(out, made, (b) => `Backup written: ${resultLine(b)}\n`);
          } finally {
            done();
            process.off('SIGINT', cancel);
            process.off('SIGTERM', cancel);
          }
        }),
    );

  backup
    .command('verify')
    .description('check every checksum and the store’s integrity; changes nothing')
    .argument('<file>')
    .option('--passphrase-stdin', 'also check that this passphrase opens its passwords')
    .action(async (file: string, o: { passphraseStdin?: boolean }, cmd: Command) =>
      withService(cmd, async (svc, out) => {
        const passphrase = o.passphraseStdin ? await readPassphrase() : undefined;
        const done = reportProgress(svc, out);
        const r = await call(svc, 'backup.verify', {
          file,
          ...(passphrase !== undefined ? { passphrase } : {}),
        });
        done();
        show(out, r, reportText);
        if (!r.ok) process.exitCode = 1;
      }),
    );

  backup
    .command('restore')
    .description(
      'replace the store, attachments and the local mail server’s data with a backup’s: verified first, swapped in at once (refused while Maildock runs on this data: restore from its Settings → Backups then); with --database, a Postgres store’s backup goes into that database, in one transaction',
    )
    .argument('<file>')
    .option('--passphrase-stdin', 'the passphrase of the passwords in it, from stdin')
    .action(async (file: string, o: { passphraseStdin?: boolean }, cmd: Command) => {
      const out = stdio(!!cmd.optsWithGlobals<Globals>().json);
      const dataDir = dataDirOf(cmd);
      const database = cmd.optsWithGlobals<Globals>().database ?? process.env.MAILDOCK_DATABASE_URL;
      const passphrase = o.passphraseStdin ? await readPassphrase() : undefined;
      let shown = false;
      const r = await MaildockService.restoreBackup(dataDir, resolve(file), {
        onProgress: (p) => {
          if (out.json || !out.isTTY || p.phase === 'done') return;
          out.err(`\r\x1b[K${progressText(p)}`);
          shown = true;
        },
        ...(passphrase !== undefined ? { passphrase } : {}),
        ...(database ? { database } : {}),
        ...(process.env.MAILDOCK_SECRETS ? { secretsBackend: process.env.MAILDOCK_SECRETS } : {}),
        ...(process.env.MAILDOCK_SECRET_KEY ? { secretKey: process.env.MAILDOCK_SECRET_KEY } : {}),
      });
      if (shown) out.err('\r\x1b[K');
      show(out, { ...r, dataDir }, (v) => `${restoredText(v, v.dataDir)}\n`);
    });

  backup
    .command('list')
    .description('the archives in DATA_DIR/backups, newest first')
    .action(async (_o, cmd: Command) =>
      withService(cmd, async (svc, out) => {
        const all = await call(svc, 'backup.list', {});
        show(out, all, (l) =>
          lines(l, resultLine, 'No backups yet: make one with `maildock backup create`.'),
        );
      }),
    );
}
