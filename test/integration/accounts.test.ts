// Adding an account tests the connection first and names what went wrong.
import { readFile } from 'node:fs/promises';
import net from 'node:net';
import tls from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDovecot, type DovecotServer } from '../support/dovecot.js';
import { accountInput, openService, type TestService } from '../support/service.js';
import { storeFile } from '../../main/core/store/index.js';

let server: DovecotServer;
let t: TestService;

beforeAll(async () => {
  server = await startDovecot();
  t = await openService({ timeoutMs: 1500 });
});
afterAll(async () => {
  await t?.close();
  await server?.stop();
});

async function addError(overrides: Record<string, unknown>) {
  const r = await t.svc.invoke('account.add', accountInput(server, overrides));
  expect(r.ok).toBe(false);
  return r.ok ? null : r.error;
}

/** A loopback TCP server that runs `onSocket` for each client; closed by the returned function. */
async function tcpServer(
  onSocket: (s: net.Socket) => void,
): Promise<{ port: number; close(): void }> {
  const srv = net.createServer(onSocket);
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  return { port: (srv.address() as net.AddressInfo).port, close: () => srv.close() };
}

describe('account.add', () => {
  it('adds an account after a successful test, keeping the password out of the database', async () => {
    const account = await t.call('account.add', accountInput(server));
    expect(account).toMatchObject({
      email: `${server.user}@maildock.test`,
      imap: { port: server.port },
    });
    expect(await t.call('account.list')).toHaveLength(1);
    // The whole database, its write-ahead log included, not only the accounts.
    const file = storeFile(t.dataDir);
    const dump = Buffer.concat([
      await readFile(file),
      await readFile(`${file}-wal`).catch(() => Buffer.alloc(0)),
    ]).toString('latin1');
    expect(dump).not.toContain(server.password);
    const again = await t.svc.invoke('account.add', accountInput(server));
    expect(again.ok ? null : again.error.code).toBe('ALREADY_EXISTS');
    expect(await t.call('account.remove', { id: account.id })).toEqual({ removed: true });
    expect(await t.call('account.list')).toEqual([]);
  });

  it('wrong password → AUTH_FAILED', async () => {
    expect((await addError({ password: 'not-the-password' }))?.code).toBe('AUTH_FAILED');
  });

  it('nothing listening → HOST_UNREACHABLE', async () => {
    const gone = await tcpServer(() => undefined);
    gone.close();
    const e = await addError({
      imap: { host: '127.0.0.1', port: gone.port, security: 'none', user: 'x' },
    });
    expect(e?.code).toBe('HOST_UNREACHABLE');
    expect(e?.message).toContain(String(gone.port));
  });

  it('a server that never greets → TIMEOUT', async () => {
    const silent = await tcpServer(() => undefined);
    try {
      const e = await addError({
        imap: { host: '127.0.0.1', port: silent.port, security: 'none', user: 'x' },
      });
      expect(e?.code).toBe('TIMEOUT');
    } finally {
      silent.close();
    }
  });

  it('TLS to a plaintext IMAP port → TLS_FAILED', async () => {
    const e = await addError({
      imap: { host: '127.0.0.1', port: server.port, security: 'tls', user: server.user },
    });
    expect(e?.code).toBe('TLS_FAILED');
  });

  it('an untrusted certificate → TLS_FAILED', async () => {
    // A throwaway self-signed TLS server: the client must refuse it, not "ignore TLS errors".
    const { execFileSync } = await import('node:child_process');
    const { mkdtempSync, readFileSync } = await import('node:fs');
    const dir = mkdtempSync('/tmp/maildock-tls-');
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-subj',
        '/CN=localhost',
        '-days',
        '1',
        '-keyout',
        `${dir}/k.pem`,
        '-out',
        `${dir}/c.pem`,
      ],
      { stdio: 'ignore' },
    );
    const srv = tls.createServer(
      { key: readFileSync(`${dir}/k.pem`), cert: readFileSync(`${dir}/c.pem`) },
      (s) => s.write('* OK IMAP4rev1 ready\r\n'),
    );
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    try {
      const port = (srv.address() as net.AddressInfo).port;
      const e = await addError({ imap: { host: '127.0.0.1', port, security: 'tls', user: 'x' } });
      expect(e?.code).toBe('TLS_FAILED');
    } finally {
      srv.close();
    }
  });

  // No real server without IMAP4rev1 exists to run here: a scripted peer that speaks
  // just enough protocol to announce only IMAP4rev2 stands in for one.
  it('a server without IMAP4rev1 (scripted peer) → NOT_IMAP4REV1', async () => {
    const peer = await tcpServer((s) => {
      s.write('* OK [CAPABILITY IMAP4rev2 AUTH=PLAIN] ready\r\n');
      s.on('data', (d) => {
        for (const line of d.toString().split('\r\n').filter(Boolean)) {
          const [tag, cmd] = line.split(' ');
          if (/^(LOGIN|AUTHENTICATE)$/i.test(cmd ?? ''))
            s.write(`${tag} OK [CAPABILITY IMAP4rev2] logged in\r\n`);
          else if (/^CAPABILITY$/i.test(cmd ?? ''))
            s.write(`* CAPABILITY IMAP4rev2\r\n${tag} OK done\r\n`);
          else if (/^LOGOUT$/i.test(cmd ?? '')) s.end(`* BYE\r\n${tag} OK bye\r\n`);
          else s.write(`${tag} OK done\r\n`);
        }
      });
    });
    try {
      const e = await addError({
        imap: { host: '127.0.0.1', port: peer.port, security: 'none', user: 'x' },
      });
      expect(e?.code).toBe('NOT_IMAP4REV1');
    } finally {
      peer.close();
    }
  });

  it('bad input is refused before any connection, naming the field', async () => {
    const r = await t.svc.invoke('account.add', {
      ...accountInput(server),
      email: 'not an address',
    });
    expect(r.ok ? null : r.error).toMatchObject({
      code: 'INVALID_INPUT',
      fields: { path: 'email' },
    });
    const port = await t.svc.invoke(
      'account.add',
      accountInput(server, { imap: { host: 'x', port: 70000, security: 'none', user: 'u' } }),
    );
    expect(port.ok ? null : port.error.fields).toEqual({ path: 'imap.port' });
  });
});
