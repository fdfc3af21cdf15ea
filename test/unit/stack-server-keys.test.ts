// The stack's server keys: made once with the stack's other secrets, mode 0600, kept as they
// are on every later `up`, and read by the server's own configuration loader exactly as the
// container's `maildock serve --env-file` reads them.
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SERVER_ENV_FILE } from '../../main/core/stack/server-keys.js';
import { StackFiles } from '../../main/core/stack/stack-files.js';
import { loadConfig } from '../../main/server/config.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function stackFiles(): StackFiles {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'maildock-server-keys-'));
  dirs.push(dir);
  return new StackFiles(dir);
}

const contents = (dir: string) =>
  Object.fromEntries(readdirSync(dir).map((name) => [name, readFileSync(path.join(dir, name))]));

describe("the stack server's keys", () => {
  it('are made with the secrets, readable by their owner only, and kept across ups', () => {
    const files = stackFiles();
    files.ensureSecrets();
    const dir = files.serviceDir('maildock-server');
    const names = readdirSync(dir).sort();
    expect(names).toHaveLength(2);
    expect(names[0]).toMatch(/^jwt-eddsa-[A-Za-z0-9_-]{8}\.pem$/);
    expect(names[1]).toBe(SERVER_ENV_FILE);
    for (const name of names) expect(statSync(path.join(dir, name)).mode & 0o777).toBe(0o600);
    const before = contents(dir);
    files.ensureSecrets();
    files.ensureSecrets();
    expect(contents(dir)).toEqual(before);
  });

  it("are what the server's configuration needs: a 32-byte ENCRYPTION_KEY and an EdDSA key that signs", () => {
    const files = stackFiles();
    files.ensureSecrets();
    const envFile = path.join(files.serviceDir('maildock-server'), SERVER_ENV_FILE);
    const config = loadConfig({ env: {}, envFile });
    expect(config.warnings).toEqual([]);
    expect(config.encryptionKeys).toHaveLength(1);
    expect(config.encryptionKeys[0]!.key).toHaveLength(32);
    expect(config.jwt.signingKeys).toHaveLength(1);
    const [key] = config.jwt.signingKeys;
    expect(key!.alg).toBe('EdDSA');
    expect(key!.privateKey?.asymmetricKeyType).toBe('ed25519');
    expect(path.basename(key!.file)).toBe(`jwt-${key!.kid}.pem`);
  });

  it('differ from one stack to another', () => {
    const [one, two] = [stackFiles(), stackFiles()];
    one.ensureSecrets();
    two.ensureSecrets();
    const envOf = (f: StackFiles) =>
      loadConfig({
        env: {},
        envFile: path.join(f.serviceDir('maildock-server'), SERVER_ENV_FILE),
      });
    const [a, b] = [envOf(one), envOf(two)];
    expect(a.encryptionKeys[0]!.key.equals(b.encryptionKeys[0]!.key)).toBe(false);
    expect(a.jwt.signingKeys[0]!.kid).not.toBe(b.jwt.signingKeys[0]!.kid);
  });
});
