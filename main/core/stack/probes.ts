// What each service is asked to prove it works, the way a client would: Postgres answers
// SELECT 1, Redis PONG, Dovecot greets and lets the probe user log in and NOOP, Postfix
// answers EHLO on its plain port and after STARTTLS on submission. Every probe has a
// deadline, so one hung service cannot stall the round. The server profile's probes (HTTP
// through nginx, and each server instance) are in http-probes.ts.
import { connect as netConnect } from 'node:net';
import { ImapFlow } from 'imapflow';
import SMTPConnection from 'nodemailer/lib/smtp-connection';
import type { StackService, StackSettings } from '../../../common/stack.js';
import { pinnedTls } from '../net/pinned-tls.js';
import { probePostgres } from '../store/index.js';
import { probeNginx, probeServer } from './http-probes.js';
import { timed, type ProbeResult } from './probe-timing.js';

export type { ProbeResult } from './probe-timing.js';

export interface ProbeCredentials {
  postgres: string;
  redis: string;
  probe: string;
  /** The stack's certificate (PEM); TLS probes fail without it. */
  cert: string | null;
}

function postgres(host: string, port: number, password: string, signal: AbortSignal) {
  return probePostgres({ host, port, user: 'maildock', database: 'maildock', password, signal });
}

async function redis(
  host: string,
  port: number,
  password: string,
  signal: AbortSignal,
): Promise<void> {
  const { Redis } = await import('ioredis');
  const client = new Redis({
    host,
    port,
    password,
    lazyConnect: true,
    connectTimeout: 2000,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    enableOfflineQueue: false,
  });
  client.on('error', () => {});
  signal.addEventListener('abort', () => client.disconnect());
  try {
    await client.connect();
    const pong = await client.ping();
    if (pong !== 'PONG') throw new Error(`PING answered ${pong}`);
  } finally {
    client.disconnect();
  }
}

/** The first line a server sends, without logging in: proves it accepts connections. */
function greeting(host: string, port: number, expect: RegExp, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const sock = netConnect({ host, port });
    let buf = '';
    const done = (err?: Error) => {
      sock.destroy();
      if (err) reject(err);
      else resolve();
    };
    signal.addEventListener('abort', () => done(new Error('aborted')));
    sock.on('error', done);
    sock.on('data', (d: Buffer) => {
      buf += d.toString('latin1');
      const nl = buf.indexOf('\n');
      if (nl < 0) return;
      const line = buf.slice(0, nl).trim();
      done(expect.test(line) ? undefined : new Error(`greeting: ${line.slice(0, 120)}`));
    });
  });
}

async function imapLogin(
  host: string,
  port: number,
  user: string,
  password: string,
  cert: string | null,
  signal: AbortSignal,
): Promise<void> {
  if (!cert) throw new Error('no pinned certificate yet: run maildock stack up');
  const client = new ImapFlow({
    host,
    port,
    secure: true,
    tls: pinnedTls(cert),
    auth: { user, pass: password },
    logger: false,
    connectionTimeout: 2000,
    greetingTimeout: 2000,
    socketTimeout: 4000,
    disableAutoIdle: true,
  });
  client.on('error', () => {});
  signal.addEventListener('abort', () => client.close());
  try {
    await client.connect();
    await client.noop();
    await client.logout();
  } finally {
    client.close();
  }
}

function smtpEhlo(
  host: string,
  port: number,
  starttls: boolean,
  cert: string | null,
  signal: AbortSignal,
): Promise<void> {
  if (starttls && !cert)
    return Promise.reject(new Error('no pinned certificate yet: run maildock stack up'));
  const conn = new SMTPConnection({
    host,
    port,
    secure: false,
    requireTLS: starttls,
    ignoreTLS: !starttls,
    ...(starttls && cert ? { tls: pinnedTls(cert) } : {}),
    name: 'maildock-probe.localhost',
    connectionTimeout: 2000,
    greetingTimeout: 2000,
    socketTimeout: 4000,
    logger: false,
  });
  return new Promise<void>((resolve, reject) => {
    conn.once('error', reject);
    signal.addEventListener('abort', () => conn.close());
    conn.connect(() => {
      conn.quit();
      resolve();
    });
  }).finally(() => conn.close());
}

/** Every probe of one service, run side by side. */
export function probeService(
  service: StackService,
  settings: StackSettings,
  creds: ProbeCredentials,
  timeoutMs = 2000,
): Promise<ProbeResult[]> {
  // Published ports are on `bind`; a wildcard bind is reached on loopback.
  const host = settings.bind === '0.0.0.0' ? '127.0.0.1' : settings.bind;
  const p = settings.ports;
  const probe = `maildock-probe@${settings.domain}`;
  switch (service) {
    case 'postgres':
      return Promise.all([
        timed('SELECT 1', timeoutMs, (s) => postgres(host, p.postgres, creds.postgres, s)),
      ]);
    case 'redis':
      return Promise.all([timed('PING', timeoutMs, (s) => redis(host, p.redis, creds.redis, s))]);
    case 'dovecot':
      return Promise.all([
        timed(`IMAP greeting :${p.imap}`, timeoutMs, (s) => greeting(host, p.imap, /^\* OK/, s)),
        timed(`IMAPS login + NOOP :${p.imaps}`, timeoutMs, (s) =>
          imapLogin(host, p.imaps, probe, creds.probe, creds.cert, s),
        ),
        timed(`POP3 greeting :${p.pop3}`, timeoutMs, (s) => greeting(host, p.pop3, /^\+OK/, s)),
      ]);
    case 'postfix':
      return Promise.all([
        timed(`SMTP EHLO :${p.smtp}`, timeoutMs, (s) => smtpEhlo(host, p.smtp, false, null, s)),
        timed(`submission STARTTLS + EHLO :${p.submission}`, timeoutMs, (s) =>
          smtpEhlo(host, p.submission, true, creds.cert, s),
        ),
      ]);
    case 'maildock-server':
      return probeServer(settings, timeoutMs);
    case 'nginx':
      return probeNginx(settings, timeoutMs).then((r) => r.probes);
  }
}
