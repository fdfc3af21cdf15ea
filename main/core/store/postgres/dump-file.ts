// A Postgres store as a pg_dump file, for a backup's verify and restore: read through whole
// (pg_restore turns every entry, data too, into SQL, which it cannot do with a damaged one),
// and restored into a database in one transaction, through psql: the store's tables dropped,
// the dump's created and filled, the migrations since it run. A failure anywhere rolls back
// to the store as it was.
import { once } from 'node:events';
import type { Readable, Writable } from 'node:stream';
import { MaildockError } from '../../../../common/errors.js';
import { MIGRATION_LOCK } from './migrate.js';
import { migrations } from './migrations/index.js';
import { connectionArgs, startProgram } from './programs.js';

/** The table whose rows say the schema's version; its COPY in pg_restore's SQL. */
const VERSION_COPY = 'COPY public.schema_version ';
const COPY_END = '\n\\.\n';

/** What a dump holds, read through whole. */
export interface DumpFacts {
  /** The store's schema version in the dump; null when it has none (not Maildock's). */
  schema: number | null;
  /** The newest schema this Maildock knows. */
  supported: number;
}

/** The versions in the schema_version COPY block of a dump's SQL, once it has gone by. */
class VersionReader {
  private carry = '';
  private block: string | null = null;
  versions: number[] | null = null;

  push(text: string): void {
    if (this.versions) return;
    const seen = this.carry + text;
    if (this.block === null) {
      const at = seen.indexOf(VERSION_COPY);
      if (at < 0) {
        this.carry = seen.slice(-VERSION_COPY.length);
        return;
      }
      this.block = '';
      this.carry = '';
      this.push(seen.slice(at));
      return;
    }
    this.block += text;
    const end = this.block.indexOf(COPY_END);
    if (end < 0) return;
    this.versions = this.block
      .slice(this.block.indexOf('\n') + 1, end)
      .split('\n')
      .map(Number)
      .filter((v) => Number.isInteger(v));
  }
}

/**
 * Reads a dump through: a damaged one fails with pg_restore's own words (STORE_FAILED), a
 * sound one says which schema its store has.
 */
export async function inspectDump(file: string): Promise<DumpFacts> {
  const { child, exited } = startProgram('pg_restore', ['--file=-', file], { stdout: 'pipe' });
  const reader = new VersionReader();
  const stdout = child.stdout as Readable;
  stdout.setEncoding('utf8');
  for await (const chunk of stdout) reader.push(chunk as string);
  await exited;
  const versions = reader.versions ?? [];
  return {
    schema: versions.length ? Math.max(...versions) : null,
    supported: migrations.at(-1)!.version,
  };
}

/**
 * What runs before the dump's SQL: others opening the store wait, its tables and functions go
 * (an extension's own functions stay with it: the dump creates it only if it is not there).
 */
const BEFORE = `SELECT pg_advisory_xact_lock(${MIGRATION_LOCK});
DO $$
DECLARE t record;
BEGIN
  FOR t IN SELECT tablename FROM pg_tables WHERE schemaname = 'public' LOOP
    EXECUTE format('DROP TABLE IF EXISTS public.%I CASCADE', t.tablename);
  END LOOP;
  FOR t IN SELECT p.oid::regprocedure AS fn FROM pg_proc p
             JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = 'public'
               AND NOT EXISTS (SELECT 1 FROM pg_depend d
                                WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid
                                  AND d.deptype = 'e') LOOP
    EXECUTE format('DROP FUNCTION IF EXISTS %s CASCADE', t.fn);
  END LOOP;
END $$;
`;

/** The migrations after `schema`, as the script's end (the dump's SQL empties search_path). */
function after(schema: number): string {
  const pending = migrations.filter((m) => m.version > schema);
  const steps = pending.map(
    (m) =>
      `${m.up}\n;\nDELETE FROM schema_version;\nINSERT INTO schema_version (version) VALUES (${m.version});\n`,
  );
  return `\nRESET search_path;\n${steps.join('')}`;
}

async function write(to: Writable, text: string | Buffer): Promise<void> {
  if (!to.write(text)) await once(to, 'drain');
}

/**
 * Replaces the store in the database at `url` with the dump's (whose schema is `schema`, as
 * inspectDump said), brought to this Maildock's schema: all of it in one transaction, or
 * nothing. Nothing else may be using the store (see postgresInUse).
 */
export async function restoreDump(url: string, file: string, schema: number): Promise<void> {
  if (schema > migrations.at(-1)!.version) {
    throw new MaildockError(
      'STORE_FAILED',
      `The mail store was written by a newer Maildock (schema ${schema}, this one knows ${migrations.at(-1)!.version}).`,
      { schema, supported: migrations.at(-1)!.version },
    );
  }
  const { dbname, env } = connectionArgs(url);
  const psql = startProgram(
    'psql',
    [
      '--no-psqlrc',
      '--quiet',
      '--single-transaction',
      '--set=ON_ERROR_STOP=1',
      '--file=-',
      `--dbname=${dbname}`,
    ],
    { env, stdin: 'pipe' },
  );
  const dump = startProgram('pg_restore', ['--file=-', '--no-owner', '--no-privileges', file], {
    stdout: 'pipe',
  });
  const script = psql.child.stdin as Writable;
  // psql gone early (it refused the connection): its own error says why, not EPIPE.
  script.on('error', () => undefined);
  const feeding = (async () => {
    await write(script, BEFORE);
    for await (const chunk of dump.child.stdout as Readable) await write(script, chunk as Buffer);
    await dump.exited;
    await write(script, after(schema));
    script.end();
  })();
  feeding.catch(() => {
    // A dump that could not be read must not commit: psql rolls back at the cut-off script's end.
    psql.child.kill('SIGTERM');
  });
  const [fed, ran] = await Promise.allSettled([feeding, psql.exited]);
  if (fed.status === 'rejected') {
    dump.child.kill('SIGTERM');
    throw fed.reason;
  }
  if (ran.status === 'rejected') throw ran.reason;
}
