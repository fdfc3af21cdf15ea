// Postgres's client programs (pg_dump, pg_restore, psql), run with the password in their
// environment, never on their command line, where any user of the machine could read it.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';
import { MaildockError } from '../../../../common/errors.js';

const VERSIONS = '/usr/lib/postgresql';

export type PgProgram = 'pg_dump' | 'pg_restore' | 'psql';

/**
 * A client program: beside MAILDOCK_PG_DUMP when that is set, else the newest of Debian's
 * (/usr/bin/pg_dump is a wrapper that may pick an older one), else the one on the PATH.
 * One folder for all of them: pg_restore reads what its own pg_dump writes.
 */
export function pgProgram(name: PgProgram): string {
  const chosen = process.env.MAILDOCK_PG_DUMP;
  if (chosen) {
    if (name === 'pg_dump') return chosen;
    return isAbsolute(chosen) ? join(dirname(chosen), name) : name;
  }
  const versions = existsSync(VERSIONS)
    ? readdirSync(VERSIONS)
        .filter((v) => /^\d+$/.test(v) && existsSync(`${VERSIONS}/${v}/bin/${name}`))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  return versions.length ? `${VERSIONS}/${versions[0]}/bin/${name}` : name;
}

/** The URL without its password, and the environment that carries the password instead. */
export function connectionArgs(url: string): { dbname: string; env: NodeJS.ProcessEnv } {
  const shown = new URL(url);
  const password = decodeURIComponent(shown.password);
  shown.password = '';
  return {
    dbname: shown.href,
    env: { ...process.env, ...(password ? { PGPASSWORD: password } : {}) },
  };
}

/** A program started, with the last of what it says on stderr kept for its error. */
export function startProgram(
  name: PgProgram,
  args: string[],
  opts: { env?: NodeJS.ProcessEnv; stdin?: 'pipe' | 'ignore'; stdout?: 'pipe' | 'ignore' } = {},
): { child: ChildProcess; program: string; exited: Promise<void> } {
  const program = pgProgram(name);
  const child = spawn(program, args, {
    env: opts.env ?? process.env,
    stdio: [opts.stdin ?? 'ignore', opts.stdout ?? 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-4000);
  });
  const exited = new Promise<void>((resolve, reject) => {
    child.once('error', (e: NodeJS.ErrnoException) =>
      reject(
        new MaildockError(
          'STORE_FAILED',
          `${name} could not be run (${e.code ?? 'error'}): a Postgres store is backed up and restored with it.`,
          { program },
          { cause: e },
        ),
      ),
    );
    child.once('close', (code) => {
      if (code === 0) return resolve();
      const said = stderr.trim().split('\n').at(-1) ?? '';
      reject(
        new MaildockError('STORE_FAILED', `${name} failed: ${said || `exit code ${code}`}`, {
          program,
          exitCode: code,
        }),
      );
    });
  });
  exited.catch(() => undefined);
  return { child, program, exited };
}
