// No Secret Service at all (a session bus on which nothing can be activated): a clear error
// that says so and points at the encrypted file, never a silent fallback to it.
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { chooseSecretStore } from '../../main/core/secrets/choose.js';
import { KeychainSecretStore } from '../../main/core/secrets/keychain.js';
import { startSessionBus, type SessionBus } from '../support/keyring.js';

let bus: SessionBus;
let dir: string;

beforeAll(async () => {
  bus = await startSessionBus({ services: false });
  bus.use();
  dir = await mkdtemp(path.join(os.tmpdir(), 'maildock-keychain-absent-'));
});

afterAll(async () => {
  await bus?.stop();
  await rm(dir, { recursive: true, force: true });
});

it('no Secret Service is an error that says so, and nothing is written', async () => {
  await expect(KeychainSecretStore.open({ timeoutMs: 5000 })).rejects.toMatchObject({
    code: 'SECRET_UNAVAILABLE',
    message: expect.stringMatching(/no Secret Service answers.*MAILDOCK_SECRETS=file/),
  });
  await expect(
    chooseSecretStore({ dataDir: dir, backend: 'keychain', keychain: { timeoutMs: 5000 } }),
  ).rejects.toMatchObject({ code: 'SECRET_UNAVAILABLE' });
  // Nothing chosen and nothing held: still an error, naming the way to choose the file.
  await expect(
    chooseSecretStore({ dataDir: dir, keychain: { timeoutMs: 5000 } }),
  ).rejects.toMatchObject({
    code: 'SECRET_UNAVAILABLE',
    message: expect.stringContaining('MAILDOCK_SECRETS=file'),
  });
  // No fallback: no encrypted file, no key, no record of a choice.
  expect(await readdir(dir)).toEqual([]);
});
