// Reads `maildock --json admin keys new` on stdin, writes its private key into the working
// folder as jwt-<kid>.pem (mode 0600, never over another file) and prints the kid: how the
// entrypoint makes the server's signing key when plain `docker compose up` runs before the app.
import { writeFileSync } from 'node:fs';
import process from 'node:process';

let text = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk) => (text += chunk));
process.stdin.on('end', () => {
  const key = JSON.parse(text);
  if (!/^[A-Za-z0-9._-]{1,64}$/.test(key.kid) || !key.privateKey.includes('PRIVATE KEY'))
    throw new Error('maildock admin keys new gave no key');
  writeFileSync(`jwt-${key.kid}.pem`, key.privateKey, { mode: 0o600, flag: 'wx' });
  process.stdout.write(key.kid);
});
