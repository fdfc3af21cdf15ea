// The stack server's keys go into a backup of the app's data and come back from it as they
// were, mode 0600: restored on a new machine, the server still opens the account passwords
// it sealed and still accepts the tokens it signed.
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBackup } from '../../main/core/backup/archive.js';
import { restoreBackup } from '../../main/core/backup/restore.js';
import { StackFiles } from '../../main/core/stack/stack-files.js';
import type { Store } from '../../main/core/store/index.js';
import { storeWithInbox } from '../support/store.js';

let dir: string;
let store: Store;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'maildock-backup-keys-'));
  ({ store } = await storeWithInbox(path.join(dir, 'data', 'maildock.db')));
});

afterAll(async () => {
  await store?.close();
  await rm(dir, { recursive: true, force: true });
});

async function files(folder: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const name of await readdir(folder)) {
    const file = path.join(folder, name);
    expect((await stat(file)).mode & 0o777, name).toBe(0o600);
    out[name] = await readFile(file, 'utf8');
  }
  return out;
}

describe("the stack server's keys in a backup", () => {
  it('are kept, and a restore elsewhere puts the same ones back', async () => {
    const made = new StackFiles(path.join(dir, 'data'));
    made.ensureSecrets();
    const keys = await files(made.serviceDir('maildock-server'));
    expect(Object.keys(keys)).toHaveLength(2);
    expect(keys['server.env']).toMatch(/^ENCRYPTION_KEY=[A-Za-z0-9+/]{43}=$/m);

    const file = path.join(dir, 'keys.maildock-backup');
    await createBackup({ dataDir: path.join(dir, 'data'), store, to: file, app: '0.1.0' });
    const elsewhere = path.join(dir, 'elsewhere');
    await restoreBackup({ dataDir: elsewhere, file });
    const restored = new StackFiles(elsewhere);
    expect(await files(restored.serviceDir('maildock-server'))).toEqual(keys);
    // An `up` after the restore keeps them: nothing is made anew over them.
    restored.ensureSecrets();
    expect(await files(restored.serviceDir('maildock-server'))).toEqual(keys);
  });
});
