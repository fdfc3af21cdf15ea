// Where an import reads from: the format detected (or said), and the messages one at a time
// with what the source knows of their flags and dates. An mbox file (or a folder of them, as
// Thunderbird keeps its folders: files without extension, .msf indexes beside them), a folder
// of .eml files, or a Maildir (cur/ and new/; flags in the file names, the date in the mtime).
import { open, readdir, readFile, stat } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import { MaildockError } from '../../../common/errors.js';
import { countMbox, fromLineDate, readMbox } from './mbox-read.js';
import { maildirFlags } from './message-bytes.js';

export type SourceFormat = 'mbox' | 'eml' | 'maildir';

/** One message of a source, as read; its bytes are checked and keyed by the import. */
export interface SourceMessage {
  /** Where it is, for the user: the file, and in an mbox its position (1-based). */
  where: string;
  /** null: larger than `maxBytes`, not read. */
  raw: Buffer | null;
  size: number;
  /** Flags the source gives; an mbox's are in its headers, read by the import. */
  flags: string[];
  /** The date the source gives (an mbox From line, a Maildir file's mtime), else null. */
  date: Date | null;
  /** An mbox message: its flags are in its Status, X-Status or X-Mozilla-Status headers. */
  flagsInHeaders: boolean;
}

export interface ImportSource {
  format: SourceFormat;
  /** How many messages there are, for progress. */
  count(signal?: AbortSignal): Promise<number>;
  messages(opts: { maxBytes: number; signal?: AbortSignal }): AsyncGenerator<SourceMessage>;
}

async function startsWithFrom(file: string): Promise<boolean> {
  const handle = await open(file, 'r');
  try {
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(5), 0, 5, 0);
    return bytesRead === 5 && buffer.toString('latin1') === 'From ';
  } finally {
    await handle.close();
  }
}

const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

async function filesIn(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  return entries
    .filter((e) => e.isFile() && !e.name.startsWith('.'))
    .map((e) => e.name)
    .sort(byName);
}

async function isDir(path: string): Promise<boolean> {
  return (await stat(path).catch(() => null))?.isDirectory() ?? false;
}

/** The mbox files of a folder: Thunderbird's are named like the folder, .msf beside them. */
async function mboxFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const name of await filesIn(dir)) {
    if (extname(name).toLowerCase() === '.msf') continue;
    if (await startsWithFrom(join(dir, name))) out.push(join(dir, name));
  }
  return out;
}

const emlFiles = async (dir: string) =>
  (await filesIn(dir)).filter((n) => extname(n).toLowerCase() === '.eml').map((n) => join(dir, n));

function mboxSource(files: string[]): ImportSource {
  return {
    format: 'mbox',
    async count(signal) {
      let n = 0;
      for (const file of files) n += await countMbox(file, signal);
      return n;
    },
    async *messages(opts) {
      for (const file of files) {
        for await (const m of readMbox(file, opts)) {
          yield {
            where: `${file} #${m.index}`,
            raw: m.raw,
            size: m.size,
            flags: [],
            date: fromLineDate(m.fromLine),
            flagsInHeaders: true,
          };
        }
      }
    },
  };
}

async function readSized(
  file: string,
  maxBytes: number,
): Promise<{ raw: Buffer | null; size: number; mtime: Date }> {
  const s = await stat(file);
  return { raw: s.size > maxBytes ? null : await readFile(file), size: s.size, mtime: s.mtime };
}

function emlSource(files: string[]): ImportSource {
  return {
    format: 'eml',
    count: async () => files.length,
    async *messages(opts) {
      for (const file of files) {
        if (opts.signal?.aborted) return;
        const { raw, size } = await readSized(file, opts.maxBytes);
        yield { where: file, raw, size, flags: [], date: null, flagsInHeaders: false };
      }
    },
  };
}

function maildirSource(dir: string): ImportSource {
  // Maildir names start with the time of delivery: by name is the order mail came in.
  const list = async () => {
    const out: { file: string; seen: boolean }[] = [];
    for (const sub of ['cur', 'new']) {
      if (!(await isDir(join(dir, sub)))) continue;
      for (const name of await filesIn(join(dir, sub)))
        out.push({ file: join(dir, sub, name), seen: sub === 'cur' });
    }
    return out.sort((a, b) => byName(basename(a.file), basename(b.file)));
  };
  return {
    format: 'maildir',
    count: async () => (await list()).length,
    async *messages(opts) {
      for (const { file } of await list()) {
        if (opts.signal?.aborted) return;
        const { raw, size, mtime } = await readSized(file, opts.maxBytes);
        yield {
          where: file,
          raw,
          size,
          flags: maildirFlags(basename(file)),
          date: mtime,
          flagsInHeaders: false,
        };
      }
    },
  };
}

const unusable = (path: string, why: string) =>
  new MaildockError('INVALID_INPUT', `${path}: ${why}`, { path });

/** The source at `path`, its format detected when `format` is auto. */
export async function openSource(
  path: string,
  format: SourceFormat | 'auto',
): Promise<ImportSource> {
  const info = await stat(path).catch(() => null);
  if (!info) throw new MaildockError('NOT_FOUND', `There is no file or folder ${path}.`, { path });
  if (info.isFile()) {
    const isMbox = await startsWithFrom(path);
    if (format === 'mbox' || (format === 'auto' && isMbox)) {
      if (!isMbox)
        throw unusable(path, 'an mbox file starts with a "From " line; this one does not.');
      return mboxSource([path]);
    }
    if (format === 'eml' || (format === 'auto' && extname(path).toLowerCase() === '.eml'))
      return emlSource([path]);
    throw unusable(path, 'this file is neither an mbox file nor an .eml file.');
  }
  if (!info.isDirectory()) throw unusable(path, 'neither a file nor a folder.');
  const maildir = (await isDir(join(path, 'cur'))) || (await isDir(join(path, 'new')));
  if (format === 'maildir' || (format === 'auto' && maildir)) {
    if (!maildir)
      throw unusable(path, 'a Maildir has cur/ and new/ folders; this folder has neither.');
    return maildirSource(path);
  }
  if (format === 'eml' || format === 'auto') {
    const files = await emlFiles(path);
    if (files.length || format === 'eml') return emlSource(files);
  }
  const files = await mboxFiles(path);
  if (files.length) return mboxSource(files);
  throw unusable(
    path,
    format === 'mbox'
      ? 'this folder holds no mbox files.'
      : 'no mail found: neither a Maildir, nor .eml files, nor mbox files.',
  );
}
