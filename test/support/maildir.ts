// Mail written straight into a private Dovecot's Maildir folders (LAYOUT=fs), as Dovecot names
// its files and keywords, to load thousands of messages faster than APPEND can; Dovecot takes
// them in at the force-resync that follows. All mail belongs to one non-root owner.
import { chownSync, existsSync, utimesSync, writeFileSync } from 'node:fs';
import { chown, mkdir, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

export interface MaildirMessage {
  raw: Buffer;
  /** IMAP flags: system flags (\Seen, \Answered, \Flagged, \Deleted, \Draft) and up to 26 keywords per folder */
  flags?: string[];
  /** defaults to the message's Date header, else now */
  internalDate?: Date;
}

/** Owner of all mail; need not exist in /etc/passwd, but must not be root (Dovecot refuses). */
export const MAIL_UID = 5000;
export const MAIL_GID = 5000;
const SYSTEM_FLAG_LETTERS: Record<string, string> = {
  '\\draft': 'D',
  '\\flagged': 'F',
  '\\answered': 'R',
  '\\seen': 'S',
  '\\deleted': 'T',
};
const KEYWORD_LETTERS = 'abcdefghijklmnopqrstuvwxyz';

/** Maildir file names may not hold '/' or ':' (the info separator). */
const maildirHost = os.hostname().replace(/\//g, '\\057').replace(/:/g, '\\072') || 'localhost';
let uniqueCounter = 0;

function headerDate(raw: Buffer): Date | undefined {
  const end = raw.indexOf('\r\n\r\n') >= 0 ? raw.indexOf('\r\n\r\n') : raw.indexOf('\n\n');
  const head = raw.subarray(0, end < 0 ? Math.min(raw.length, 64 * 1024) : end).toString('latin1');
  const m = /^date:[ \t]*(.*(?:\r?\n[ \t].*)*)/im.exec(head);
  if (!m?.[1]) return undefined;
  const d = new Date(m[1].replace(/\r?\n/g, ''));
  return Number.isNaN(d.getTime()) ? undefined : d;
}

/** Size of the message with CRLF line endings, which is what IMAP reports (RFC822.SIZE). */
function virtualSize(raw: Buffer): number {
  let bareLf = 0;
  for (let i = raw.indexOf(10); i >= 0; i = raw.indexOf(10, i + 1))
    if (i === 0 || raw[i - 1] !== 13) bareLf++;
  return raw.length + bareLf;
}

/** Writes the messages into the Maildir folder `dir` (which exists: see ensureMaildir). */
export async function writeMaildir(dir: string, messages: MaildirMessage[]): Promise<void> {
  const keywordLetter = await keywordLetters(dir, messages);

  const write = (msg: MaildirMessage): void => {
    const date = msg.internalDate ?? headerDate(msg.raw) ?? new Date();
    const letters = new Set<string>();
    for (const flag of msg.flags ?? []) {
      const letter = SYSTEM_FLAG_LETTERS[flag.toLowerCase()] ?? keywordLetter.get(flag);
      if (letter === undefined) throw new Error(`unsupported flag ${flag}`);
      letters.add(letter);
    }
    const info = [...letters].sort().join('');
    const secs = Math.floor(date.getTime() / 1000);
    // Dovecot sorts new files by the time in the name, then the number after M: UIDs come
    // out in date order, and in call order within one second.
    const name = `${secs}.M${++uniqueCounter}P${process.pid}.${maildirHost},S=${msg.raw.length},W=${virtualSize(msg.raw)}:2,${info}`;
    const file = path.join(dir, 'cur', name);
    writeFileSync(file, msg.raw, { mode: 0o600 });
    chownSync(file, MAIL_UID, MAIL_GID);
    utimesSync(file, date, date);
  };
  // Synchronous writes: for thousands of small files they beat the thread pool's round trips.
  for (const msg of messages) write(msg);
}

/** Auto-created folders (special-use with `auto`) are listed before they exist on disk. */
export async function ensureMaildir(maildir: string, dir: string): Promise<void> {
  const rel = path.relative(maildir, dir);
  if (rel.startsWith('..') || path.isAbsolute(rel)) throw new Error(`${dir} is outside ${maildir}`);
  const dirs: string[] = [];
  let cur = maildir;
  for (const part of rel ? rel.split(path.sep) : []) dirs.push((cur = path.join(cur, part)));
  dirs.push(...['cur', 'new', 'tmp'].map((d) => path.join(dir, d)));
  for (const d of dirs) {
    if (existsSync(d)) continue;
    await mkdir(d, { mode: 0o700 });
    await chown(d, MAIL_UID, MAIL_GID);
  }
}

/** Maps keywords to Maildir letters through the folder's dovecot-keywords file, adding new ones. */
async function keywordLetters(
  dir: string,
  messages: MaildirMessage[],
): Promise<Map<string, string>> {
  const wanted = new Set<string>();
  for (const m of messages) for (const f of m.flags ?? []) if (!f.startsWith('\\')) wanted.add(f);
  const map = new Map<string, string>();
  if (wanted.size === 0) return map;
  const file = path.join(dir, 'dovecot-keywords');
  const byIndex = new Map<number, string>();
  try {
    for (const line of (await readFile(file, 'utf8')).split('\n')) {
      const m = /^(\d+) (.+)$/.exec(line);
      if (m?.[1] && m[2]) byIndex.set(Number(m[1]), m[2]);
    }
  } catch {
    // no keywords yet
  }
  for (const [i, kw] of byIndex) map.set(kw, KEYWORD_LETTERS[i] ?? '');
  let changed = false;
  for (const kw of wanted) {
    if (map.has(kw)) continue;
    let i = 0;
    while (byIndex.has(i)) i++;
    if (i >= KEYWORD_LETTERS.length) throw new Error(`more than 26 keywords in ${dir}`);
    byIndex.set(i, kw);
    map.set(kw, KEYWORD_LETTERS[i] as string);
    changed = true;
  }
  if (changed) {
    const text = [...byIndex].map(([i, kw]) => `${i} ${kw}\n`).join('');
    await writeFile(file, text, { mode: 0o600 });
    await chown(file, MAIL_UID, MAIL_GID);
  }
  return map;
}

/**
 * Streams messages (e.g. from generateCorpus) into their folders with loadMaildir, a batch per
 * folder at a time, so a corpus of any size never sits in memory. Resolves to counts per folder.
 */
export async function loadMessages(
  server: { loadMaildir(folder: string, messages: MaildirMessage[]): Promise<void> },
  messages: Iterable<{ folder: string; raw: Buffer; flags?: string[]; date?: Date }>,
  batchSize = 2000,
): Promise<Map<string, number>> {
  const pending = new Map<string, MaildirMessage[]>();
  const counts = new Map<string, number>();
  const flush = async (folder: string): Promise<void> => {
    const batch = pending.get(folder);
    if (!batch || batch.length === 0) return;
    pending.set(folder, []);
    await server.loadMaildir(folder, batch);
  };
  for (const m of messages) {
    const batch = pending.get(m.folder) ?? [];
    pending.set(m.folder, batch);
    batch.push({ raw: m.raw, flags: m.flags ?? [], ...(m.date ? { internalDate: m.date } : {}) });
    counts.set(m.folder, (counts.get(m.folder) ?? 0) + 1);
    if (batch.length >= batchSize) await flush(m.folder);
  }
  for (const folder of pending.keys()) await flush(folder);
  return counts;
}
