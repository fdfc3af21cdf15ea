// The keychain against a real Secret Service (GNOME Keyring on a private session bus,
// unlocked): entries set, read and removed; the move out of the encrypted file, checked and
// done once; a service whose account password lives in the keychain syncing with it.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chooseSecretStore, recordedBackend } from '../../main/core/secrets/choose.js';
import { EncryptedFileSecretStore } from '../../main/core/secrets/encrypted-file.js';
import { KeychainSecretStore } from '../../main/core/secrets/keychain.js';
import { accountSecretKey } from '../../main/core/secrets/secret-store.js';
import { startSessionBus, type SessionBus } from '../support/keyring.js';
import { startDovecot } from '../support/dovecot.js';
import { accountInput, openService } from '../support/service.js';
import { makeMail } from '../support/mail.js';

let bus: SessionBus;
const dirs: string[] = [];
const dataDir = async () => {
  const d = await mkdtemp(path.join(os.tmpdir(), 'maildock-keychain-'));
  dirs.push(d);
  return d;
};

beforeAll(async () => {
  bus = await startSessionBus({ services: false });
  await bus.startKeyring({ unlocked: true });
  bus.use();
});

afterAll(async () => {
  await bus?.stop();
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

describe('the keychain (GNOME Keyring over the Secret Service)', () => {
  it('sets, reads, lists and deletes entries under a service of its own', async () => {
    const store = await KeychainSecretStore.open({ service: 'Maildock-test-basic' });
    expect(store.kind).toBe('keychain');
    expect(await store.get('account:1:password')).toBeNull();
    await store.set('account:1:password', 'p@ss wörd 1');
    await store.set('account:2:password', 'second');
    expect(await store.get('account:1:password')).toBe('p@ss wörd 1');
    // The probe entry open() wrote is gone again.
    expect(await store.list()).toEqual(['account:1:password', 'account:2:password']);
    await store.set('account:1:password', 'changed');
    expect(await store.get('account:1:password')).toBe('changed');
    expect(await store.delete('account:1:password')).toBe(true);
    expect(await store.delete('account:1:password')).toBe(false);
    expect(await store.list()).toEqual(['account:2:password']);
    // Another service name sees none of them.
    const other = await KeychainSecretStore.open({ service: 'Maildock-test-other' });
    expect(await other.list()).toEqual([]);
  });

  it('moves the encrypted file’s secrets into the keychain, checked, and a second run moves nothing', async () => {
    const dir = await dataDir();
    const file = await EncryptedFileSecretStore.open({ dir });
    await file.set(accountSecretKey(1), 'one');
    await file.set(accountSecretKey(7), 'seven');
    const service = 'Maildock-test-migrate';

    const first = await chooseSecretStore({
      dataDir: dir,
      fallback: 'keychain',
      keychain: { service },
    });
    expect(first).toMatchObject({ backend: 'keychain', reason: 'default', migrated: 2 });
    expect(await first.store.get(accountSecretKey(1))).toBe('one');
    expect(await first.store.get(accountSecretKey(7))).toBe('seven');
    expect(await (await EncryptedFileSecretStore.open({ dir })).list()).toEqual([]);
    // The values never reach the file in clear, and are gone from it now.
    expect(await readFile(path.join(dir, 'secrets.json'), 'utf8')).not.toMatch(/one|seven/);
    expect(await recordedBackend(dir)).toBe('keychain');

    const second = await chooseSecretStore({
      dataDir: dir,
      fallback: 'keychain',
      keychain: { service },
    });
    expect(second.migrated).toBe(0);
    expect(await second.store.list()).toEqual([accountSecretKey(1), accountSecretKey(7)]);
    // The command line, with no choice of its own, follows what the app recorded.
    const cli = await chooseSecretStore({
      dataDir: dir,
      fallback: 'recorded',
      keychain: { service },
    });
    expect(cli).toMatchObject({ backend: 'keychain', reason: 'recorded' });
    // An explicit choice wins.
    const explicit = await chooseSecretStore({ dataDir: dir, backend: 'file' });
    expect(explicit).toMatchObject({ backend: 'file', reason: 'explicit' });
  });

  it('keeps a new account’s password in the keychain, and syncs with it', async () => {
    const server = await startDovecot();
    const dir = await dataDir();
    const service = 'Maildock-test-service';
    const chosen = await chooseSecretStore({
      dataDir: dir,
      fallback: 'keychain',
      keychain: { service },
    });
    const t = await openService({ dataDir: dir, secrets: chosen.store });
    try {
      await server.append('INBOX', makeMail({ subject: 'kept in the keychain' }));
      const account = await t.call('account.add', accountInput(server));
      expect(await chosen.store.get(accountSecretKey(account.id))).toBe(server.password);
      expect(await (await EncryptedFileSecretStore.open({ dir })).list()).toEqual([]);
      expect(await t.call('app.info')).toMatchObject({ secrets: 'keychain' });
      const summary = await t.call('sync.run');
      expect(summary.errors).toEqual([]);
      expect(summary.messages).toBe(1);
      await t.call('account.remove', { id: account.id });
      expect(await chosen.store.get(accountSecretKey(account.id))).toBeNull();
    } finally {
      await t.close();
      await server.stop();
    }
  });
});
