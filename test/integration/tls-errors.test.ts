// A failed TLS handshake told the client OpenSSL's own text ("…:error:0A00010B:SSL
// routines:ssl3_get_record:wrong version number:../deps/openssl/…/ssl3_record.c:350:").
// Now the client gets TLS_FAILED and a sentence it can act on; the log keeps the detail.
// Real servers: a private Dovecot without TLS, a private Postfix with a self-signed one.
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeLogging, initLogging } from '../../main/core/platform/log.js';
import { startDovecot, type DovecotServer } from '../support/dovecot.js';
import { startPostfix, type PostfixServer } from '../support/postfix.js';
import { openService, type TestService } from '../support/service.js';

const DOMAIN = 'maildock.test';
const LIBRARY_TEXT = /SSL routines|error:[0-9A-F]{8}|openssl|\.c:\d+|self[- ]signed certificate$/i;

let dovecot: DovecotServer;
let postfix: PostfixServer;
let t: TestService;
let logDir: string;

async function logText(): Promise<string> {
  await closeLogging();
  const files = await readdir(logDir);
  return (await Promise.all(files.map((f) => readFile(path.join(logDir, f), 'utf8')))).join('');
}

beforeAll(async () => {
  logDir = await mkdtemp(path.join(os.tmpdir(), 'maildock-tls-log-'));
  await initLogging({ dir: logDir, level: 'info' });
  dovecot = await startDovecot({ lmtp: true });
  postfix = await startPostfix({ dovecot, domain: DOMAIN, tls: true });
  t = await openService({ send: { delaySeconds: 0, timeoutMs: 5000 } });
});
afterAll(async () => {
  await closeLogging();
  await t?.close();
  await postfix?.stop();
  await dovecot?.stop();
  await rm(logDir, { recursive: true, force: true });
});

const imap = (security: string) => ({
  host: '127.0.0.1',
  port: dovecot.port,
  security,
  user: dovecot.user,
});

describe('TLS failures as the client sees them', () => {
  it('says that an IMAP port does not speak TLS, without OpenSSL’s text', async () => {
    const result = await t.svc.invoke('account.test', {
      email: `${dovecot.user}@${DOMAIN}`,
      imap: imap('tls'),
      password: dovecot.password,
    });
    expect(result).toMatchObject({ ok: false, error: { code: 'TLS_FAILED' } });
    const message = result.ok ? '' : result.error.message;
    expect(message).not.toMatch(LIBRARY_TEXT);
    expect(message).toContain('security setting');
  });

  it('says an SMTP server’s certificate is self-signed, in the outbox’s reason too', async () => {
    const account = await t.call('account.add', {
      email: `${dovecot.user}@${DOMAIN}`,
      imap: imap('none'),
      smtp: { host: '127.0.0.1', port: postfix.port, security: 'starttls', user: dovecot.user },
      password: dovecot.password,
    });
    const entry = await t.call('outbox.send', {
      accountId: account.id,
      to: [`${dovecot.user}@${DOMAIN}`],
      subject: 'Over TLS',
      text: 'Hello.',
    });
    await t.call('sync.run');
    const failed = (await t.call('outbox.list', {})).find((e) => e.id === entry.id)!;
    expect(failed.state).toBe('failed');
    expect(failed.lastError).toMatchObject({
      code: 'TLS_FAILED',
      message: expect.stringMatching(/self-signed/),
    });
    expect(failed.lastError?.message).not.toMatch(LIBRARY_TEXT);
  });

  it('keeps the library’s detail in the log', async () => {
    const log = await logText();
    expect(log).toMatch(/"msg":"TLS failed"/);
    expect(log).toMatch(/wrong version number/);
    expect(log).toMatch(/self[- ]signed certificate/);
  });
});
