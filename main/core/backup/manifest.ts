// A backup's manifest: what the archive holds, each file with its size and SHA-256. It is
// the archive's last entry (the hashes are known only once every file has streamed in), so
// verifying reads the whole archive once and compares at the end.
import { z } from 'zod';
import { MaildockError } from '../../../common/errors.js';
import type { EngineName } from '../store/index.js';

/**
 * The archive format this Maildock writes; it reads this one and every older one. 2: the
 * manifest names the store's engine (1 had only SQLite's).
 */
export const BACKUP_FORMAT = 2;
export const MANIFEST_NAME = 'manifest.json';

/** The store's entry in the archive: SQLite's file, or a Postgres database's `pg_dump -Fc`. */
export const STORE_ENTRIES = {
  sqlite: 'store/maildock.db',
  postgres: 'store/maildock.pgdump',
} as const satisfies Record<EngineName, string>;
export const STORE_ENTRY = STORE_ENTRIES.sqlite;
export const POSTGRES_STORE_ENTRY = STORE_ENTRIES.postgres;

/** The engine whose store a backup holds (format 1 held SQLite's only). */
export const engineOf = (m: Manifest): EngineName => m.engine ?? 'sqlite';

/** What people call an engine in a sentence. */
export const ENGINE_NAMES: Record<EngineName, string> = { sqlite: 'SQLite', postgres: 'Postgres' };

export const backupFileSchema = z.strictObject({
  /** The path inside the archive (and, below its component, inside the data folder). */
  path: z
    .string()
    .min(1)
    .max(1000)
    .refine((p) => !p.startsWith('/') && !p.split('/').includes('..') && !p.includes('\0'), {
      message: 'a relative path inside the archive',
    }),
  size: z.number().int().nonnegative(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
});
export type BackupFile = z.infer<typeof backupFileSchema>;

export const manifestSchema = z.strictObject({
  format: z.number().int().positive(),
  app: z.string(),
  createdAt: z.iso.datetime(),
  engine: z.enum(['sqlite', 'postgres']).optional(),
  files: z.array(backupFileSchema),
});
export type Manifest = z.infer<typeof manifestSchema>;

function refused(message: string, fields: Record<string, string | number> = {}): MaildockError {
  return new MaildockError('INVALID_INPUT', message, fields);
}

/** The manifest's text as a manifest this Maildock can read, or a clear refusal. */
export function parseManifest(text: string): Manifest {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw refused('The backup’s manifest is not valid JSON: the archive is damaged.');
  }
  const format = (doc as { format?: unknown } | null)?.format;
  if (typeof format === 'number' && format > BACKUP_FORMAT) {
    throw refused(
      `This backup was made by a newer Maildock (archive format ${format}; this one reads up to ${BACKUP_FORMAT}). Update Maildock to restore it.`,
      { format, supported: BACKUP_FORMAT },
    );
  }
  const parsed = manifestSchema.safeParse(doc);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw refused(
      `The backup’s manifest is not one Maildock wrote (${issue?.path.join('.') || 'manifest'}: ${issue?.message ?? 'invalid'}).`,
    );
  }
  const seen = new Set<string>();
  for (const f of parsed.data.files) {
    if (seen.has(f.path)) throw refused(`The backup’s manifest lists ${f.path} twice.`);
    seen.add(f.path);
  }
  return parsed.data;
}
