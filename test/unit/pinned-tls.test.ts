// A pinned self-signed certificate: trusted for this connection alone, and only that one.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import tls from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pinnedTls } from '../../main/core/net/pinned-tls.js';

function selfSigned(dir: string, name: string): { cert: string; key: string } {
  const cert = join(dir, `${name}.pem`);
  const key = join(dir, `${name}.key`);
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-days',
      '2',
      '-subj',
      '/CN=localhost',
      '-addext',
      'subjectAltName=DNS:localhost,IP:127.0.0.1',
      '-keyout',
      key,
      '-out',
      cert,
    ],
    { stdio: 'ignore' },
  );
  return { cert: readFileSync(cert, 'utf8'), key: readFileSync(key, 'utf8') };
}

const dir = mkdtempSync(join(tmpdir(), 'maildock-pin-'));
const served = selfSigned(dir, 'served');
// Same name, same kind of key: only the fingerprint tells them apart.
const other = selfSigned(dir, 'other');
// A certificate the pinned one signed: its chain checks out, its fingerprint does not.
function issuedBy(ca: string, caKeyName: string): { cert: string; key: string } {
  const key = join(dir, 'leaf.key');
  const ext = join(dir, 'leaf.ext');
  execFileSync('sh', ['-c', `printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\\n' > ${ext}`]);
  execFileSync(
    'openssl',
    [
      'req',
      '-new',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-subj',
      '/CN=localhost',
      '-keyout',
      key,
      '-out',
      join(dir, 'leaf.csr'),
    ],
    { stdio: 'ignore' },
  );
  execFileSync(
    'openssl',
    [
      'x509',
      '-req',
      '-in',
      join(dir, 'leaf.csr'),
      '-CA',
      join(dir, ca),
      '-CAkey',
      join(dir, caKeyName),
      '-CAcreateserial',
      '-days',
      '2',
      '-extfile',
      ext,
      '-out',
      join(dir, 'leaf.pem'),
    ],
    { stdio: 'ignore' },
  );
  return { cert: readFileSync(join(dir, 'leaf.pem'), 'utf8'), key: readFileSync(key, 'utf8') };
}
const leaf = issuedBy('served.pem', 'served.key');
let server: tls.Server;
let leafServer: tls.Server;
let port: number;

beforeAll(async () => {
  server = tls.createServer({ cert: served.cert, key: served.key }, (s) => s.end('hello\n'));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as { port: number }).port;
  leafServer = tls.createServer({ cert: leaf.cert, key: leaf.key }, (s) => s.end('leaf\n'));
  await new Promise<void>((r) => leafServer.listen(0, '127.0.0.1', r));
});
afterAll(() => {
  server.close();
  leafServer.close();
});

function connect(pem: string, to = port): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = tls.connect({ host: '127.0.0.1', port: to, ...pinnedTls(pem) }, () =>
      s.once('data', (d) => resolve(String(d))),
    );
    s.once('error', reject);
  });
}

describe('pinnedTls', () => {
  it('connects to the server presenting the pinned certificate', async () => {
    expect(await connect(served.cert)).toBe('hello\n');
  });

  it('refuses a server presenting any other certificate, however alike', async () => {
    await expect(connect(other.cert)).rejects.toThrow(/certificate|self-signed|signature/i);
  });

  it('refuses a certificate the pinned one signed: the fingerprint must match too', async () => {
    const leafPort = (leafServer.address() as { port: number }).port;
    await expect(connect(served.cert, leafPort)).rejects.toMatchObject({
      code: 'ERR_TLS_CERT_PIN_MISMATCH',
    });
  });
});
