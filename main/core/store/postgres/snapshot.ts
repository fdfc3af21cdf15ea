// A consistent copy of a Postgres store: `pg_dump -Fc` of its database, made while others go
// on writing (pg_dump reads one snapshot of the whole database). The password reaches
// pg_dump through its environment, never its command line, where any user could read it.
import { spawn } from 'node:child_process';
import { rm, stat } from 'node:fs/promises';
import { MaildockError } from '../../../../common/errors.js';
import { createPrivateFile } from '../../platform/paths.js';
import type { SnapshotOptions } from '../repositories.js';
import type { Target } from './connect.js';
import { pgProgram } from './programs.js';

const PROGRESS_EVERY_MS = 250;

/** pg_dump: MAILDOCK_PG_DUMP, else the newest of Debian's, else the one on the PATH. */
export const pgDumpProgram = () => pgProgram('pg_dump');

const cancelled = () =>
  new MaildockError('CANCELLED', 'The backup was cancelled; nothing was written.');

export async function dumpDatabase(
  target: Target,
  file: string,
  total: number,
  opts: SnapshotOptions = {},
): Promise<void> {
  if (opts.signal?.aborted) throw cancelled();
  createPrivateFile(file); // pg_dump would make it with the umask's mode: all the mail, in clear
  const program = pgDumpProgram();
  const url = new URL(target.url);
  const password = decodeURIComponent(url.password);
  url.password = '';
  const env: NodeJS.ProcessEnv = { ...process.env, ...(password ? { PGPASSWORD: password } : {}) };
  const args = ['--format=custom', '--no-password', `--file=${file}`, `--dbname=${url.href}`];
  const child = spawn(program, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-4000);
  });
  const onAbort = () => child.kill('SIGTERM');
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  const progress = setInterval(() => {
    stat(file).then(
      (s) => opts.onProgress?.(Math.min(s.size, total), total),
      () => undefined,
    );
  }, PROGRESS_EVERY_MS);
  try {
    const exit = await new Promise<{ code: number | null; spawnError?: NodeJS.ErrnoException }>(
      (resolve) => {
        child.once('error', (e: NodeJS.ErrnoException) => resolve({ code: null, spawnError: e }));
        child.once('close', (code) => resolve({ code }));
      },
    );
    if (opts.signal?.aborted) throw cancelled();
    if (exit.spawnError) {
      throw new MaildockError(
        'STORE_FAILED',
        `pg_dump could not be run (${exit.spawnError.code ?? 'error'}): a Postgres store is backed up with it.`,
        { program },
        { cause: exit.spawnError },
      );
    }
    if (exit.code !== 0) {
      const said = stderr.trim().split('\n').at(-1) ?? '';
      throw new MaildockError('STORE_FAILED', `pg_dump failed: ${said}`, {
        program,
        exitCode: exit.code,
      });
    }
    opts.onProgress?.(total, total);
  } catch (e) {
    await rm(file, { force: true });
    throw e;
  } finally {
    clearInterval(progress);
    opts.signal?.removeEventListener('abort', onAbort);
  }
}
