// Passwd-file users keep their Dovecot PBKDF2 hash in Postgres until they sign in: the web
// sign-in checks it exactly as Dovecot does (hashes made by doveadm itself here).
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import {
  dovecotPbkdf2,
  isDovecotPbkdf2,
  verifyDovecotPbkdf2,
} from '../../main/core/stack/pbkdf2-hash.js';

const doveadm = (password: string) =>
  execFileSync('doveadm', ['-c', '/dev/null', 'pw', '-s', 'PBKDF2', '-p', password])
    .toString()
    .trim();

describe('verifyDovecotPbkdf2', () => {
  it('accepts the password of a hash doveadm made, and refuses any other', async () => {
    const hash = doveadm('correct horse battery');
    expect(isDovecotPbkdf2(hash)).toBe(true);
    expect(await verifyDovecotPbkdf2(hash, 'correct horse battery')).toBe(true);
    expect(await verifyDovecotPbkdf2(hash, 'correct horse batterY')).toBe(false);
    expect(await verifyDovecotPbkdf2(hash, '')).toBe(false);
  });

  it('accepts what Maildock wrote into the users file before, at its rounds', async () => {
    const hash = dovecotPbkdf2('pässwörd-1');
    expect(hash).toMatch(/^\{PBKDF2\}\$1\$[A-Za-z0-9_-]{16}\$20000\$[0-9a-f]{40}$/);
    expect(await verifyDovecotPbkdf2(hash, 'pässwörd-1')).toBe(true);
    expect(await verifyDovecotPbkdf2(hash, 'passwörd-1')).toBe(false);
    // Dovecot agrees: the hash is one of its own.
    expect(
      execFileSync('doveadm', ['-c', '/dev/null', 'pw', '-t', hash, '-p', 'pässwörd-1']).toString(),
    ).toMatch(/verified/);
    expect(dovecotPbkdf2('x')).not.toBe(dovecotPbkdf2('x'));
  });

  it('refuses hashes of other forms, and absurd rounds, without checking them', async () => {
    const hash = doveadm('x');
    for (const other of [
      '$argon2id$v=19$m=65536,t=3,p=4$c2FsdA$aGFzaA',
      hash.replace('{PBKDF2}', '{SSHA}'),
      hash.replace(/\$[0-9a-f]{40}$/, '$abc'),
      hash.replace(/^(\{PBKDF2\}\$1\$[^$]+\$)\d+/, '$19999999'),
      hash.replace(/^(\{PBKDF2\}\$1\$[^$]+\$)\d+/, '$10'),
      hash.replace('$1$', '$2$'),
      `${hash}\n`,
    ]) {
      expect(await verifyDovecotPbkdf2(other, 'x'), other).toBe(false);
    }
  });
});
