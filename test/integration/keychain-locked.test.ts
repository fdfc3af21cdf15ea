// A keyring that is there but locked (GNOME Keyring started without its password, and no
// prompt anyone could answer): a clear error naming the lock, never a silent fallback; the
// encrypted file is left as it was.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { chooseSecretStore } from '../../main/core/secrets/choose.js';
import { EncryptedFileSecretStore } from '../../main/core/secrets/encrypted-file.js';
import { KeychainSecretStore } from '../../main/core/secrets/keychain.js';
import { startSessionBus, type SessionBus } from '../support/keyring.js';

let bus: SessionBus;
let dir: string;

beforeAll(async () => {
  bus = await startSessionBus({ services: false });
  await bus.startKeyring({ unlocked: false });
  bus.use();
  dir = await mkdtemp(path.join(os.tmpdir(), 'maildock-keychain-locked-'));
});

afterAll(async () => {
  await bus?.stop();
  await rm(dir, { recursive: true, force: true });
});

it('a locked keyring is an error that says it is locked, and the file keeps its secrets', async () => {
  await expect(KeychainSecretStore.open({ timeoutMs: 5000 })).rejects.toMatchObject({
    code: 'SECRET_UNAVAILABLE',
    message: expect.stringMatching(/keychain is not available: it is locked/),
  });
  const file = await EncryptedFileSecretStore.open({ dir });
  await file.set('account:1:password', 'stays here');
  const before = await readFile(path.join(dir, 'secrets.json'));
  // Told to use the keychain: the lock is the answer, and the file is not touched.
  await expect(
    chooseSecretStore({ dataDir: dir, backend: 'keychain', keychain: { timeoutMs: 5000 } }),
  ).rejects.toMatchObject({ code: 'SECRET_UNAVAILABLE', message: expect.stringMatching(/locked/) });
  expect((await readFile(path.join(dir, 'secrets.json'))).equals(before)).toBe(true);
  expect(await (await EncryptedFileSecretStore.open({ dir })).get('account:1:password')).toBe(
    'stays here',
  );
  // Not told, and the file holds this machine's passwords: they stay in use there (and
  // move once the keychain answers).
  const chosen = await chooseSecretStore({ dataDir: dir, keychain: { timeoutMs: 5000 } });
  expect(chosen).toMatchObject({ backend: 'file', reason: 'file-holds-secrets', migrated: 0 });
  expect(await chosen.store.get('account:1:password')).toBe('stays here');
});
