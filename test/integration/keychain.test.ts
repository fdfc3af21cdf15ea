// The keychain against a real Secret Service (GNOME Keyring on a private session bus,
// unlocked): entries set, read and removed; the move out of the encrypted file, checked and
// done once; a service whose account password lives in the keychain syncing with it.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chooseSecretStore, recordedBackend } from '../../main/core/secrets/choose.js';
import type { MethodName } from '../../common/api.js';
import type { Account, SyncSummary } from '../../common/types.js';
import { EncryptedFileSecretStore, heldSecrets } from '../../main/core/secrets/encrypted-file.js';
import { KEYCHAIN_SERVICE, KeychainSecretStore } from '../../main/core/secrets/keychain.js';
import { MaildockService } from '../../main/core/service.js';
import { accountSecretKey } from '../../main/core/secrets/secret-store.js';
import { startSessionBus, type SessionBus } from '../support/keyring.js';
import { startDovecot } from '../support/dovecot.js';
import { accountInput } from '../support/service.js';
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

    // No choice made: the keychain answers, so it is used, and the file's secrets move.
    const first = await chooseSecretStore({ dataDir: dir, keychain: { service } });
    expect(first).toMatchObject({ backend: 'keychain', reason: 'keychain-answers', migrated: 2 });
    expect(await first.store.get(accountSecretKey(1))).toBe('one');
    expect(await first.store.get(accountSecretKey(7))).toBe('seven');
    expect(await (await EncryptedFileSecretStore.open({ dir })).list()).toEqual([]);
    // The values never reach the file in clear, and are gone from it now.
    expect(await readFile(path.join(dir, 'secrets.json'), 'utf8')).not.toMatch(/one|seven/);
    expect(await recordedBackend(dir)).toBe('keychain');

    const second = await chooseSecretStore({ dataDir: dir, keychain: { service } });
    expect(second.migrated).toBe(0);
    expect(await second.store.list()).toEqual([accountSecretKey(1), accountSecretKey(7)]);
    // An explicit choice, or a key for the file, wins.
    const explicit = await chooseSecretStore({ dataDir: dir, backend: 'file' });
    expect(explicit).toMatchObject({ backend: 'file', reason: 'explicit' });
    const keyed = await dataDir();
    const withKey = await chooseSecretStore({
      dataDir: keyed,
      secretKey: Buffer.alloc(32, 7).toString('base64'),
    });
    expect(withKey).toMatchObject({ backend: 'file', reason: 'secret-key' });
  });

  it('keeps a new account’s password in the keychain, and syncs with it', async () => {
    const server = await startDovecot();
    const dir = await dataDir();
    // The service chooses for itself, as the desktop app's does: no key, no MAILDOCK_SECRETS.
    const svc = await MaildockService.open({ dataDir: dir, timeoutMs: 5000 });
    const call = async (method: MethodName, input: unknown = {}) => {
      const r = await svc.invoke(method, input);
      if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
      return r.value as never;
    };
    const keychain = await KeychainSecretStore.open({ service: KEYCHAIN_SERVICE });
    try {
      await server.append('INBOX', makeMail({ subject: 'kept in the keychain' }));
      const account: Account = await call('account.add', accountInput(server));
      expect(await keychain.get(accountSecretKey(account.id))).toBe(server.password);
      expect(await heldSecrets(dir)).toBe(0);
      expect(await call('app.info')).toMatchObject({ secrets: 'keychain' });
      const summary: SyncSummary = await call('sync.run');
      expect(summary.errors).toEqual([]);
      expect(summary.messages).toBe(1);
      await call('account.remove', { id: account.id });
      expect(await keychain.get(accountSecretKey(account.id))).toBeNull();
    } finally {
      await svc.close();
      await server.stop();
    }
  });
});
