// Backup archives taken apart and put together again by the tests: entries read, damaged,
// re-packed, with or without a manifest that matches.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { Header, Parser, type ReadEntry } from 'tar';
import { MANIFEST_NAME } from '../../main/core/backup/manifest.js';

export interface Entry {
  path: string;
  data: Buffer;
}

export async function entriesOf(file: string): Promise<Entry[]> {
  const entries: Entry[] = [];
  const parser = new Parser();
  parser.on('entry', (e: ReadEntry) => {
    const chunks: Buffer[] = [];
    e.on('data', (c: Buffer) => chunks.push(c));
    e.on('end', () => entries.push({ path: e.path, data: Buffer.concat(chunks) }));
  });
  await new Promise<void>((resolve, reject) => {
    parser.on('end', resolve);
    parser.on('error', reject);
    readFile(file).then((b) => parser.end(b), reject);
  });
  return entries;
}

export function tarOf(entries: Entry[]): Buffer {
  const parts: Buffer[] = [];
  for (const e of entries) {
    const h = Buffer.alloc(512);
    new Header({
      path: e.path,
      size: e.data.length,
      mode: 0o600,
      mtime: new Date(0),
      type: 'File',
    }).encode(h, 0);
    parts.push(h, e.data, Buffer.alloc((512 - (e.data.length % 512)) % 512));
  }
  parts.push(Buffer.alloc(1024));
  return Buffer.concat(parts);
}

export const flip = (b: Buffer, at: number) => {
  const c = Buffer.from(b);
  c[at] = c[at]! ^ 0xff;
  return c;
};

export function manifestOf(entries: Entry[]) {
  return JSON.parse(entries.find((e) => e.path === MANIFEST_NAME)!.data.toString()) as {
    format: number;
    files: { path: string; size: number; sha256: string }[];
  };
}

export function withManifest(
  entries: Entry[],
  change: (m: ReturnType<typeof manifestOf>) => unknown,
): Entry[] {
  const m = manifestOf(entries);
  const changed = change(m) ?? m;
  return entries.map((e) =>
    e.path === MANIFEST_NAME ? { ...e, data: Buffer.from(JSON.stringify(changed)) } : e,
  );
}

export const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
