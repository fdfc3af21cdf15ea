// Self-signed certificates for localhost with chosen dates (openssl ca -selfsign takes any
// start and end, so a test can have one that expires in days, or one that has expired),
// written the way Let's Encrypt names them: fullchain.pem and privkey.pem.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const openssl = (args: string[]) => execFileSync('openssl', args, { stdio: 'pipe' });
const stamp = (d: Date) => `${d.toISOString().replace(/[-:T]/g, '').slice(0, 14)}Z`;

/** Writes fullchain.pem and privkey.pem into `dir` (replacing both); returns the certificate. */
export function writeCertificate(dir: string, notBefore: Date, notAfter: Date): string {
  const work = mkdtempSync(join(tmpdir(), 'maildock-cert-'));
  try {
    mkdirSync(join(work, 'new'));
    writeFileSync(join(work, 'index.txt'), '');
    writeFileSync(join(work, 'serial'), `${Date.now().toString(16).padStart(16, '0')}\n`);
    writeFileSync(
      join(work, 'ca.cnf'),
      [
        '[ca]',
        'default_ca = self',
        '[self]',
        `database = ${join(work, 'index.txt')}`,
        `new_certs_dir = ${join(work, 'new')}`,
        `serial = ${join(work, 'serial')}`,
        'default_md = sha256',
        'policy = any',
        'copy_extensions = copy',
        '[any]',
        'commonName = supplied',
        '',
      ].join('\n'),
    );
    openssl([
      'req',
      '-new',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-subj',
      '/CN=localhost',
      '-addext',
      'subjectAltName=DNS:localhost,IP:127.0.0.1',
      '-keyout',
      join(work, 'key.pem'),
      '-out',
      join(work, 'req.csr'),
    ]);
    openssl([
      'ca',
      '-batch',
      '-notext',
      '-config',
      join(work, 'ca.cnf'),
      '-selfsign',
      '-keyfile',
      join(work, 'key.pem'),
      '-in',
      join(work, 'req.csr'),
      '-startdate',
      stamp(notBefore),
      '-enddate',
      stamp(notAfter),
      '-out',
      join(work, 'cert.pem'),
    ]);
    // Key first, then the certificate, each put in place whole: nginx never sees half a pair.
    writeFileSync(join(work, 'privkey.tmp'), readFileSync(join(work, 'key.pem')), { mode: 0o600 });
    renameSync(join(work, 'privkey.tmp'), join(dir, 'privkey.pem'));
    const cert = readFileSync(join(work, 'cert.pem'), 'utf8');
    writeFileSync(join(work, 'fullchain.tmp'), cert);
    renameSync(join(work, 'fullchain.tmp'), join(dir, 'fullchain.pem'));
    return cert;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
