import { randomBytes } from 'node:crypto';
import { chmod, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MaildockError } from '../../common/errors.js';
import { EncryptedFileSecretStore } from '../../main/core/secrets/encrypted-file.js';
import { accountSecretKey, type SecretStore } from '../../main/core/secrets/secret-store.js';
import { migrateSecrets, parseBackend } from '../../main/core/secrets/choose.js';
import { keychainReason } from '../../main/core/secrets/keychain.js';

const PASSWORD = 'hunter2-correct-horse-battery';
const TOKEN = 'ya29.a0AfH6SMBx-refresh-me';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'maildock-secrets-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const secretsFile = () => join(dir, 'secrets.json');
const keyFile = () => join(dir, 'secret.key');
const mode = async (path: string) => (await stat(path)).mode & 0o777;

interface Doc {
  version: number;
  entries: Record<string, { iv: string; tag: string; data: string }>;
}
const readDoc = async (): Promise<Doc> => JSON.parse(await readFile(secretsFile(), 'utf8')) as Doc;
const writeDoc = (doc: Doc) => writeFile(secretsFile(), JSON.stringify(doc));

/** The SECRET_UNAVAILABLE error a promise rejects with, checked not to leak any value. */
async function refusal(promise: Promise<unknown>): Promise<MaildockError> {
  const err = await promise.then(
    () => expect.fail('expected SECRET_UNAVAILABLE'),
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(MaildockError);
  const m = err as MaildockError;
  expect(m.code).toBe('SECRET_UNAVAILABLE');
  const text = m.message + JSON.stringify(m.fields);
  expect(text).not.toContain(PASSWORD);
  expect(text).not.toContain(TOKEN);
  return m;
}

describe('accountSecretKey', () => {
  it('names the password of an account', () => {
    expect(accountSecretKey(7)).toBe('account:7:password');
    expect(() => accountSecretKey(0)).toThrow(MaildockError);
    expect(() => accountSecretKey(1.5)).toThrow(MaildockError);
  });
});

describe('EncryptedFileSecretStore', () => {
  it('sets, gets, lists and deletes', async () => {
    const store = await EncryptedFileSecretStore.open({ dir });
    expect(store.kind).toBe('encrypted-file');
    expect(await store.get('account:1:password')).toBeNull();
    await store.set('account:1:password', PASSWORD);
    await store.set('account:2:token', TOKEN);
    await store.set('unicode', 'pässwörd ✉︎');
    expect(await store.get('account:1:password')).toBe(PASSWORD);
    expect(await store.get('unicode')).toBe('pässwörd ✉︎');
    expect(await store.list()).toEqual(['account:1:password', 'account:2:token', 'unicode']);
    await store.set('account:1:password', 'changed');
    expect(await store.get('account:1:password')).toBe('changed');
    expect(await store.delete('account:1:password')).toBe(true);
    expect(await store.delete('account:1:password')).toBe(false);
    expect(await store.get('account:1:password')).toBeNull();
    expect(await store.list()).toEqual(['account:2:token', 'unicode']);
  });

  it('keeps every write when several are started at once', async () => {
    const store = await EncryptedFileSecretStore.open({ dir });
    await Promise.all(Array.from({ length: 20 }, (_, i) => store.set(`k${i}`, `v${i}`)));
    expect(await store.list()).toHaveLength(20);
    expect(await store.get('k13')).toBe('v13');
  });

  it('persists across reopen', async () => {
    const first = await EncryptedFileSecretStore.open({ dir });
    await first.set('account:1:password', PASSWORD);
    const second = await EncryptedFileSecretStore.open({ dir });
    expect(await second.get('account:1:password')).toBe(PASSWORD);
    expect(await second.list()).toEqual(['account:1:password']);
  });

  it('writes key and secrets with mode 0600 and leaves no temp files', async () => {
    const store = await EncryptedFileSecretStore.open({ dir: join(dir, 'nested') });
    await store.set('a', PASSWORD);
    dir = join(dir, 'nested');
    expect(await mode(keyFile())).toBe(0o600);
    expect(await mode(secretsFile())).toBe(0o600);
    expect(await mode(dir)).toBe(0o700);
    expect((await readFile(keyFile())).length).toBe(32);
    expect((await readdir(dir)).sort()).toEqual(['secret.key', 'secrets.json']);
  });

  it('stores no plaintext and a fresh IV per write', async () => {
    const store = await EncryptedFileSecretStore.open({ dir });
    await store.set('a', PASSWORD);
    const before = await readDoc();
    await store.set('a', PASSWORD);
    const after = await readDoc();
    const raw = await readFile(secretsFile());
    expect(raw.includes(Buffer.from(PASSWORD))).toBe(false);
    expect(raw.toString('latin1')).not.toContain(
      Buffer.from(PASSWORD).toString('base64').slice(0, 12),
    );
    expect(before.version).toBe(1);
    expect(after.entries.a!.iv).not.toBe(before.entries.a!.iv);
    expect(after.entries.a!.data).not.toBe(before.entries.a!.data);
  });

  it('refuses a secrets file with one flipped bit, at open and at get', async () => {
    const store = await EncryptedFileSecretStore.open({ dir });
    await store.set('a', PASSWORD);
    await store.set('b', TOKEN);
    const doc = await readDoc();
    const data = Buffer.from(doc.entries.a!.data, 'base64');
    data[3]! ^= 0x01;
    doc.entries.a!.data = data.toString('base64');
    await writeDoc(doc);

    const err = await refusal(store.get('a'));
    expect(err.message).toMatch(/altered/);
    expect(await store.get('b')).toBe(TOKEN); // the untouched entry still opens
    await refusal(EncryptedFileSecretStore.open({ dir }));
  });

  it('refuses a secrets file damaged at the byte level', async () => {
    const store = await EncryptedFileSecretStore.open({ dir });
    await store.set('a', PASSWORD);
    const raw = await readFile(secretsFile());
    raw[raw.indexOf('"data"') + 12]! ^= 0x20; // a base64 letter changes case, or becomes junk
    await writeFile(secretsFile(), raw);
    await refusal(store.get('a'));

    await writeFile(secretsFile(), '{"version":1,"entries":');
    await refusal(store.get('a'));
    await refusal(EncryptedFileSecretStore.open({ dir }));
  });

  it('refuses a truncated authentication tag', async () => {
    const store = await EncryptedFileSecretStore.open({ dir });
    await store.set('a', PASSWORD);
    const doc = await readDoc();
    doc.entries.a!.tag = Buffer.from(doc.entries.a!.tag, 'base64')
      .subarray(0, 4)
      .toString('base64');
    await writeDoc(doc);
    await refusal(store.get('a'));
  });

  it('detects two entries whose ciphertexts were swapped', async () => {
    const store = await EncryptedFileSecretStore.open({ dir });
    await store.set('account:1:password', PASSWORD);
    await store.set('account:2:password', TOKEN);
    const doc = await readDoc();
    const one = doc.entries['account:1:password']!;
    doc.entries['account:1:password'] = doc.entries['account:2:password']!;
    doc.entries['account:2:password'] = one;
    await writeDoc(doc);
    await refusal(store.get('account:1:password'));
    await refusal(store.get('account:2:password'));
    await refusal(EncryptedFileSecretStore.open({ dir }));
  });

  it('uses a key given in base64 and creates no key file', async () => {
    const key = randomBytes(32).toString('base64');
    const store = await EncryptedFileSecretStore.open({ dir, key });
    await store.set('a', PASSWORD);
    expect((await readdir(dir)).sort()).toEqual(['secrets.json']);
    const again = await EncryptedFileSecretStore.open({ dir, key: `${key}\n` });
    expect(await again.get('a')).toBe(PASSWORD);
  });

  it('refuses a wrong key', async () => {
    const store = await EncryptedFileSecretStore.open({
      dir,
      key: randomBytes(32).toString('base64'),
    });
    await store.set('a', PASSWORD);
    const err = await refusal(
      EncryptedFileSecretStore.open({ dir, key: randomBytes(32).toString('base64') }),
    );
    expect(err.message).toMatch(/key is not the one/);
  });

  it('refuses a key of the wrong length or not in base64', async () => {
    await refusal(EncryptedFileSecretStore.open({ dir, key: randomBytes(16).toString('base64') }));
    await refusal(EncryptedFileSecretStore.open({ dir, key: '' }));
    await refusal(
      EncryptedFileSecretStore.open({ dir, key: 'not base64 at all, but 44 characters long....' }),
    );
    await writeFile(keyFile(), randomBytes(31), { mode: 0o600 });
    await refusal(EncryptedFileSecretStore.open({ dir }));
  });

  it('refuses a key file that others can read, and leaves it alone', async () => {
    const store = await EncryptedFileSecretStore.open({ dir });
    await store.set('a', PASSWORD);
    await chmod(keyFile(), 0o644);
    const err = await refusal(EncryptedFileSecretStore.open({ dir }));
    expect(err.message).toMatch(/0644/);
    expect(err.message).toContain('chmod 600');
    expect(await mode(keyFile())).toBe(0o644);
    await chmod(keyFile(), 0o640);
    await refusal(EncryptedFileSecretStore.open({ dir }));
  });

  it('refuses to make a new key while secrets from the lost one remain', async () => {
    const store = await EncryptedFileSecretStore.open({ dir });
    await store.set('a', PASSWORD);
    await rm(keyFile());
    const err = await refusal(EncryptedFileSecretStore.open({ dir }));
    expect(err.message).toMatch(/missing/);
    expect(await readdir(dir)).toEqual(['secrets.json']);
  });

  it('ends with one key when several stores open an empty folder at once', async () => {
    // Staggered starts so that some opens find no key while others are creating it.
    for (let round = 0; round < 20; round++) {
      const folder = join(dir, `round-${round}`);
      const stores = await Promise.all(
        Array.from({ length: 6 }, async (_, i) => {
          await new Promise((resolve) => setTimeout(resolve, (i * round) % 5));
          return EncryptedFileSecretStore.open({ dir: folder });
        }),
      );
      expect(await readdir(folder)).toEqual(['secret.key']);
      for (const [i, writer] of stores.entries()) {
        await writer.set(`from-${i}`, `${PASSWORD}-${i}`);
        for (const reader of stores) expect(await reader.get(`from-${i}`)).toBe(`${PASSWORD}-${i}`);
      }
    }
  });

  it('rejects bad key names as invalid input', async () => {
    const store = await EncryptedFileSecretStore.open({ dir });
    await expect(store.set('', 'x')).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await expect(store.get('x'.repeat(513))).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  });
});

describe('moving secrets into the keychain (migrateSecrets, between two real encrypted files)', () => {
  let base: string;
  beforeEach(async () => {
    base = await mkdtemp(join(tmpdir(), 'maildock-migrate-'));
  });
  afterEach(async () => {
    await rm(base, { recursive: true, force: true });
  });

  it('writes each secret, reads it back, compares, then removes it from the source; once', async () => {
    const from = await EncryptedFileSecretStore.open({ dir: join(base, 'from') });
    const to = await EncryptedFileSecretStore.open({ dir: join(base, 'to') });
    await from.set(accountSecretKey(1), 'one');
    await from.set(accountSecretKey(2), 'two');
    expect(await migrateSecrets(from, to)).toBe(2);
    expect(await from.list()).toEqual([]);
    expect(await to.get(accountSecretKey(1))).toBe('one');
    expect(await to.get(accountSecretKey(2))).toBe('two');
    expect(await migrateSecrets(from, to)).toBe(0);
  });

  it('stops and keeps the secret where it was when it does not come back intact', async () => {
    const from = await EncryptedFileSecretStore.open({ dir: join(base, 'from') });
    const real = await EncryptedFileSecretStore.open({ dir: join(base, 'to') });
    await from.set(accountSecretKey(1), 'one');
    // Stands in for a keychain that mangles what it is given.
    const mangling: SecretStore = {
      kind: 'keychain',
      get: async (k) => `${await real.get(k)}!`,
      set: (k, v) => real.set(k, v),
      delete: (k) => real.delete(k),
      list: () => real.list(),
    };
    await expect(migrateSecrets(from, mangling)).rejects.toMatchObject({
      code: 'SECRET_UNAVAILABLE',
      message: expect.stringContaining('stays in the encrypted file'),
    });
    expect(await from.get(accountSecretKey(1))).toBe('one');
  });

  it('reads MAILDOCK_SECRETS as keychain or file, and refuses anything else clearly', () => {
    expect(parseBackend(undefined)).toBeUndefined();
    expect(parseBackend('')).toBeUndefined();
    expect(parseBackend('keychain')).toBe('keychain');
    expect(parseBackend('file')).toBe('file');
    expect(() => parseBackend('Keychain')).toThrow(/"keychain" or "file", not "Keychain"/);
  });
});

describe('the keychain’s errors, as sentences', () => {
  it('names a locked keychain, a missing one, a missing default keyring and a silent prompt', () => {
    expect(keychainReason(new Error('Cannot create an item in a locked collection'))).toMatch(
      /^it is locked\./,
    );
    expect(keychainReason(new Error('Cannot autolaunch D-Bus without X11 $DISPLAY'))).toMatch(
      /^no Secret Service answers.*MAILDOCK_SECRETS=file/,
    );
    expect(
      keychainReason(
        new Error('The name org.freedesktop.secrets was not provided by any .service files'),
      ),
    ).toMatch(/^no Secret Service answers/);
    expect(
      keychainReason(
        new Error('Object does not exist at path “/org/freedesktop/secrets/collection/login”'),
      ),
    ).toMatch(/^it has no default keyring/);
    expect(keychainReason(new Error('timed out'))).toMatch(/did not answer in time/);
    expect(keychainReason(new Error('Something else'))).toBe('Something else');
  });
});
