import { existsSync } from 'node:fs';
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

/**
 * The folder Maildock is installed in (where package.json and stack/ are), found by walking
 * up from this file: the same from the sources and from the compiled dist/.
 */
export function installDir(from: string = dirname(fileURLToPath(import.meta.url))): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'stack'))) return dir;
    if (dirname(dir) === dir)
      throw new Error(`Maildock's install folder was not found above ${from}`);
  }
}
