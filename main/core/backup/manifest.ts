// A backup's manifest: what the archive holds, each file with its size and SHA-256. It is
// the archive's last entry (the hashes are known only once every file has streamed in), so
// verifying reads the whole archive once and compares at the end.
import { z } from 'zod';
import { MaildockError } from '../../../common/errors.js';

/** The archive format this Maildock writes; it reads this one and every older one. */
export const BACKUP_FORMAT = 1;
export const MANIFEST_NAME = 'manifest.json';

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
