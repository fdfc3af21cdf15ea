import { homedir } from 'node:os';
import { join } from 'node:path';

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
