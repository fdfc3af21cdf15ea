// npm run bench:backup -- [--messages N] [--attachments K] [--runs R] [--seed S] [--json]
// A data folder of N synced messages (headers and bodies, through the service, from a
// private Dovecot) plus K cached attachments of 256 KiB; then, R times each, side by side:
// Maildock's backup (snapshot, archive, then fsync and verification at once: the archive
// read back, every checksum, and the store's integrity_check, which createBackup runs in its
// worker while it writes) beside `tar -cf` of the same files followed by an fsync, `backup verify` of the
// archive on its own, and Maildock's restore (verify, unpack, sync, swap) beside
// `tar -xf` into an empty folder and a sync, and an encrypted backup (--encrypt, verified)
// beside `tar -cf - | gpg --symmetric` (AES-256, no compression) and an fsync. Prints MB/s
// of the data's size for each, the ratios, and the archive's size against the data's; each
// run's timings go to stderr.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createBackup } from '../../main/core/backup/archive.js';
import { verifyBackup } from '../../main/core/backup/verify.js';
import { restoreBackup } from '../../main/core/backup/restore.js';
import { openStore } from '../../main/core/store/index.js';
import { fullSync, imapOf, ROOT, startMailServer } from '../ui/setup.js';

const { values: args } = parseArgs({
  options: {
    messages: { type: 'string', default: '10000' },
    attachments: { type: 'string', default: '100' },
    runs: { type: 'string', default: '3' },
    seed: { type: 'string', default: '20240601' },
    json: { type: 'boolean', default: false },
  },
});
const N = Number(args.messages);
const K = Number(args.attachments);
const R = Number(args.runs);
const log = (s: string) => process.stderr.write(`${s}\n`);
const work = mkdtempSync(path.join(os.tmpdir(), 'maildock-bench-backup-'));
const MB = 1024 * 1024;
const OWNED = ['maildock.db', 'attachments', 'stack'];
const PASSPHRASE = 'a passphrase for the bench';

function sizeOf(p: string): number {
  const s = statSync(p);
  if (!s.isDirectory()) return s.size;
  return readdirSync(p).reduce((n, name) => n + sizeOf(path.join(p, name)), 0);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function timed(fn: () => Promise<unknown> | unknown): Promise<number> {
  const t = performance.now();
  await fn();
  return performance.now() - t;
}

function fsyncFile(file: string): void {
  execFileSync('sync', ['--data', file]);
}

log('Building Maildock (tsc)…');
execFileSync(
  process.execPath,
  [path.join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.bench.json'],
  { cwd: ROOT, stdio: 'inherit' },
);
log(`Generating and loading ${N} messages…`);
const dovecot = await startMailServer(N, 0, Number(args.seed));
try {
  const dataDir = path.join(work, 'data');
  const secretKey = randomBytes(32).toString('base64');
  log('Syncing them into a data folder (headers and bodies)…');
  await fullSync(
    dataDir,
    secretKey,
    imapOf(dovecot, { user: 'bench', password: 'bench-password' }),
  );
  mkdirSync(path.join(dataDir, 'attachments'), { recursive: true });
  for (let i = 0; i < K; i++) {
    writeFileSync(
      path.join(dataDir, 'attachments', randomBytes(32).toString('hex')),
      randomBytes(256 * 1024),
    );
  }
  mkdirSync(path.join(dataDir, 'stack', 'services', 'postfix'), { recursive: true });
  writeFileSync(path.join(dataDir, 'stack', 'settings.json'), '{"project":"maildock"}\n');

  // The store closed once: its WAL folded in, so tar copies a consistent file too.
  await (await openStore({ dataDir })).close();
  const dataBytes = OWNED.reduce((n, name) => n + sizeOf(path.join(dataDir, name)), 0);
  log(
    `Data: ${(dataBytes / MB).toFixed(1)} MB (store ${(sizeOf(path.join(dataDir, 'maildock.db')) / MB).toFixed(1)} MB, ${K} attachments).`,
  );

  const results = {
    backup: [] as number[],
    verifyPart: [] as number[],
    verifyAlone: [] as number[],
    tarCreate: [] as number[],
    restore: [] as number[],
    tarExtract: [] as number[],
    sealed: [] as number[],
    gpg: [] as number[],
  };
  const gnupg = path.join(work, 'gnupg');
  mkdirSync(gnupg, { mode: 0o700 });
  let archiveBytes = 0;
  let tarBytes = 0;
  for (let r = 0; r < R; r++) {
    log(`Run ${r + 1} of ${R}…`);
    const archive = path.join(work, `run-${r}.maildock-backup`);
    const store = await openStore({ dataDir });
    let verifyMs = 0;
    // When each phase of createBackup began, for the log.
    const phases: string[] = [];
    const t0 = performance.now();
    const backupMs = await timed(async () => {
      // As Maildock's backups are made: the snapshot's integrity_check runs in a worker while
      // the archive is written; the verification reads the archive back while it is synced
      // and checks every entry's SHA-256, the store's against the one that was checked.
      await createBackup({
        dataDir,
        store,
        to: archive,
        app: 'bench',
        check: true,
        verify: async (file, storeCheck) => {
          phases.push(`verify ${(performance.now() - t0).toFixed(0)}`);
          verifyMs = await timed(async () => {
            const report = await verifyBackup(file, { storeCheck: storeCheck! });
            if (!report.ok) throw new Error(report.problems.join(' '));
          });
        },
        onProgress: (p) => {
          if (!phases.some((s) => s.startsWith(p.phase)))
            phases.push(`${p.phase} ${(performance.now() - t0).toFixed(0)}`);
        },
      });
    });
    // `backup verify` of an archive on its own: the store copied out and checked again.
    const aloneMs = await timed(async () => {
      const report = await verifyBackup(archive);
      if (!report.ok) throw new Error(report.problems.join(' '));
    });
    // The whole archive under a passphrase: two scrypt keys (writing, verifying) included.
    const sealedFile = path.join(work, `run-${r}-sealed.maildock-backup`);
    const sealedMs = await timed(async () => {
      await createBackup({
        dataDir,
        store,
        to: sealedFile,
        app: 'bench',
        check: true,
        encryptWith: PASSPHRASE,
        verify: async (file, storeCheck) => {
          const report = await verifyBackup(file, {
            storeCheck: storeCheck!,
            passphrase: PASSPHRASE,
          });
          if (!report.ok) throw new Error(report.problems.join(' '));
        },
      });
    });
    await store.close();
    const gpgFile = path.join(work, `run-${r}.tar.gpg`);
    const gpgMs = await timed(() => {
      execFileSync(
        'sh',
        [
          '-c',
          'd=$1; p=$2; o=$3; shift 3; tar -cf - -C "$d" "$@" | gpg --batch --yes --quiet --pinentry-mode loopback --passphrase "$p" --symmetric --cipher-algo AES256 --compress-algo none -o "$o"',
          'sh',
          dataDir,
          PASSPHRASE,
          gpgFile,
          ...OWNED,
        ],
        { env: { ...process.env, GNUPGHOME: gnupg } },
      );
      fsyncFile(gpgFile);
    });
    archiveBytes = statSync(archive).size;
    const tarFile = path.join(work, `run-${r}.tar`);
    const tarMs = await timed(() => {
      execFileSync('tar', ['-cf', tarFile, '-C', dataDir, ...OWNED]);
      fsyncFile(tarFile);
    });
    tarBytes = statSync(tarFile).size;

    const into = path.join(work, `restore-${r}`);
    const restoreMs = await timed(() => restoreBackup({ dataDir: into, file: archive }));
    const untar = path.join(work, `untar-${r}`);
    mkdirSync(untar);
    const untarMs = await timed(() => {
      execFileSync('tar', ['-xf', tarFile, '-C', untar]);
      execFileSync('sync', ['-f', untar]);
    });
    results.backup.push(backupMs);
    results.verifyPart.push(verifyMs);
    results.verifyAlone.push(aloneMs);
    results.tarCreate.push(tarMs);
    results.restore.push(restoreMs);
    results.tarExtract.push(untarMs);
    results.sealed.push(sealedMs);
    results.gpg.push(gpgMs);
    log(
      `  backup ${backupMs.toFixed(0)} ms (${phases.join(', ')}; verify ${verifyMs.toFixed(0)}), verify alone ${aloneMs.toFixed(0)}, tar ${tarMs.toFixed(0)}; restore ${restoreMs.toFixed(0)}, untar ${untarMs.toFixed(0)}; encrypted ${sealedMs.toFixed(0)}, gpg ${gpgMs.toFixed(0)}`,
    );
    for (const p of [archive, tarFile, into, untar, sealedFile, gpgFile])
      rmSync(p, { recursive: true, force: true });
  }
  const rate = (ms: number) => dataBytes / MB / (ms / 1000);
  const b = median(results.backup);
  const t = median(results.tarCreate);
  const rs = median(results.restore);
  const tx = median(results.tarExtract);
  const figures = {
    messages: N,
    attachments: K,
    dataMB: dataBytes / MB,
    runs: R,
    backupMBs: rate(b),
    backupVerifyShare: median(results.verifyPart) / b,
    verifyAloneMBs: rate(median(results.verifyAlone)),
    tarCreateMBs: rate(t),
    backupVsTar: t / b,
    restoreMBs: rate(rs),
    tarExtractMBs: rate(tx),
    restoreVsTar: tx / rs,
    sealedMBs: rate(median(results.sealed)),
    gpgMBs: rate(median(results.gpg)),
    sealedVsGpg: median(results.gpg) / median(results.sealed),
    archiveVsData: archiveBytes / dataBytes,
    tarVsData: tarBytes / dataBytes,
  };
  const row = (m: string, v: string, peer: string, ratio: string) =>
    `| ${m} | ${v} | ${peer} | ${ratio} |`;
  const out = [
    `Backup of ${N.toLocaleString('en')} messages + ${K} attachments: ${(dataBytes / MB).toFixed(1)} MB of data, median of ${R}`,
    '',
    '| measure | Maildock | tar | Maildock / tar |',
    '| --- | --- | --- | --- |',
    row(
      'backup (with verification) vs `tar -cf` + fsync',
      `${figures.backupMBs.toFixed(1)} MB/s (${(b / 1000).toFixed(2)} s, verify ${(figures.backupVerifyShare * 100).toFixed(0)}% of it)`,
      `${figures.tarCreateMBs.toFixed(1)} MB/s (${(t / 1000).toFixed(2)} s)`,
      `${(figures.backupVsTar * 100).toFixed(0)}% of tar's throughput`,
    ),
    row(
      '`backup verify` on its own (store copied out and checked)',
      `${figures.verifyAloneMBs.toFixed(1)} MB/s (${(median(results.verifyAlone) / 1000).toFixed(2)} s)`,
      '',
      '',
    ),
    row(
      'restore (verify, unpack, sync, swap) vs `tar -xf` + sync',
      `${figures.restoreMBs.toFixed(1)} MB/s (${(rs / 1000).toFixed(2)} s)`,
      `${figures.tarExtractMBs.toFixed(1)} MB/s (${(tx / 1000).toFixed(2)} s)`,
      `${(figures.restoreVsTar * 100).toFixed(0)}% of tar's throughput`,
    ),
    row(
      'encrypted backup (with verification) vs `tar -cf - \\| gpg --symmetric` + fsync',
      `${figures.sealedMBs.toFixed(1)} MB/s (${(median(results.sealed) / 1000).toFixed(2)} s)`,
      `${figures.gpgMBs.toFixed(1)} MB/s (${(median(results.gpg) / 1000).toFixed(2)} s)`,
      `${(figures.sealedVsGpg * 100).toFixed(0)}% of gpg's throughput`,
    ),
    row(
      'archive size / data size',
      `${(figures.archiveVsData * 100).toFixed(1)}%`,
      `${(figures.tarVsData * 100).toFixed(1)}%`,
      '',
    ),
  ].join('\n');
  process.stdout.write(`${out}\n`);
  if (args.json) process.stdout.write(`${JSON.stringify(figures)}\n`);
} finally {
  await dovecot.stop();
  if (process.env.MAILDOCK_BENCH_KEEP) log(`Kept ${work}`);
  else rmSync(work, { recursive: true, force: true });
}
