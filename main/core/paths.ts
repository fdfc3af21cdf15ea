import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

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
