import {
  chmodSync,
  closeSync,
  existsSync,
  mkdirSync,
  readdirSync,
  openSync,
  readFileSync,
  statSync,
} from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { getLogger } from './log.js';

const log = getLogger('paths');

/** Where Maildock keeps its data: --data-dir, then MAILDOCK_DATA_DIR, then the OS's place for app data. */
export function defaultDataDir(
  env: NodeJS.ProcessEnv = process.env,
  platform = process.platform,
): string {
  if (env.MAILDOCK_DATA_DIR) return env.MAILDOCK_DATA_DIR;
  const home = homedir();
  if (platform === 'darwin') return join(home, 'Library', 'Application Support', 'Maildock');
  if (platform === 'win32')
    return join(env.APPDATA ?? join(home, 'AppData', 'Roaming'), 'Maildock');
  return join(env.XDG_DATA_HOME || join(home, '.local', 'share'), 'maildock');
}

function maildockPackage(dir: string): { version: string } | null {
  const file = join(dir, 'package.json');
  if (!existsSync(file)) return null;
  try {
    const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
    return pkg.name === 'maildock' && typeof pkg.version === 'string'
      ? { version: pkg.version }
      : null;
  } catch {
    return null;
  }
}

/**
 * The folder Maildock is installed in (its package.json), found by walking up from this
 * file: the same from the sources, from the compiled dist/ and from the desktop app's asar.
 */
export function installDir(from: string = dirname(fileURLToPath(import.meta.url))): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (maildockPackage(dir)) return dir;
    if (dirname(dir) === dir)
      throw new Error(`Maildock's install folder was not found above ${from}`);
  }
}

/**
 * The stack's definitions (compose.yml and its services): stack/ of the install folder, or
 * MAILDOCK_STACK_DIR, which the desktop app sets to its unpacked resources.
 */
export function stackDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.MAILDOCK_STACK_DIR || join(installDir(), 'stack');
}

let version: string | undefined;
/** Maildock's version, from its package.json. */
export function appVersion(): string {
  version ??= maildockPackage(installDir())!.version;
  return version;
}

const PRIVATE_FOLDER = 0o700;
const PRIVATE_FILE = 0o600;
const OPEN_TO_OTHERS = 0o077;

/**
 * Makes the data folder, or tightens it, so that only its owner reaches the mail in it: no
 * access for group or others to the folder or any file directly in it (0700, 0600), whatever
 * existed before (an earlier version, a folder made by hand, a loose umask). A folder found
 * open to others has its whole content tightened, since anything in it may have been
 * readable; that is logged. Explicit modes, not the process umask, which would change every
 * file the process makes.
 */
export function makePrivateFolder(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: PRIVATE_FOLDER });
  if (!ownFolder(dir)) {
    // Everyone's folder (/tmp) or the home folder: not Maildock's to close or to walk; the
    // store's own files are still made and kept 0600.
    log.warn({ dir }, 'the data folder is shared with other files; only the store is made private');
    return;
  }
  const tightened: string[] = [];
  tighten(dir, false, tightened);
  if (tightened.length) {
    log.warn(
      { dir, tightened: tightened.length, first: tightened.slice(0, 10) },
      'parts of the data folder were open to other users; their access was removed',
    );
  }
}

/** A folder Maildock may make private: not one with the sticky bit (/tmp), not the home folder. */
function ownFolder(dir: string): boolean {
  const STICKY = 0o1000;
  if ((statSync(dir).mode & STICKY) !== 0) return false;
  return resolve(dir) !== resolve(homedir()) && dirname(resolve(dir)) !== resolve(dir);
}

/** `deep`: a folder above was open to others, so everything below is suspect. */
function tighten(dir: string, deep: boolean, tightened: string[]): void {
  const walkAll = tightenOne(dir, tightened) || deep;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      // Below a private folder, a subfolder's content is walked only when it was open itself.
      if (walkAll || tightenOne(path, tightened)) tighten(path, true, tightened);
    } else if (entry.isFile()) {
      tightenOne(path, tightened);
    }
  }
}

/**
 * Takes the group's and others' permissions away when the entry has any; whether it had.
 * The owner's stay as they are (a script in the folder keeps its execute bit).
 */
function tightenOne(path: string, tightened: string[]): boolean {
  try {
    const mode = statSync(path).mode & 0o7777;
    if ((mode & OPEN_TO_OTHERS) === 0) return false;
    chmodSync(path, mode & ~OPEN_TO_OTHERS);
    tightened.push(path);
    return true;
  } catch (err) {
    // Not ours to change (a container's file), or gone meanwhile: the folder still guards it.
    log.warn({ path, err }, 'could not tighten the mode of a data folder entry');
    return false;
  }
}

/** Sets a private file's mode when it exists and is open to others (SQLite's -wal and -shm). */
export function tightenFile(path: string): void {
  const tightened: string[] = [];
  if (existsSync(path)) tightenOne(path, tightened);
  if (tightened.length) log.warn({ path }, 'a store file was readable by other users; set to 0600');
}

/**
 * Makes an empty file with mode 0600 unless one exists. Never opens an existing file: closing
 * any descriptor of a file drops every POSIX lock this process holds on it, SQLite's too.
 */
export function createPrivateFile(path: string): void {
  try {
    closeSync(openSync(path, 'wx', PRIVATE_FILE));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
}
