// The server profile's probes, made the way a browser or a balancer would: GET /health over
// HTTPS through nginx (reading the certificate it serves, for its expiry), and GET /health
// on each server instance, or through nginx's plain port where the instances are not
// published (a bridge network).
import { request } from 'node:https';
import type { PeerCertificate, TLSSocket } from 'node:tls';
import type { ServedCertificate, StackSettings } from '../../../common/stack.js';
import { serverUpstreams } from './plan.js';
import { timed, type ProbeResult } from './probe-timing.js';

const DAY_MS = 86_400_000;

/** What the health model shows of a served certificate: whole days left, negative once expired. */
export function servedCertificate(
  cert: Pick<PeerCertificate, 'subject' | 'issuer' | 'valid_to'>,
  now = new Date(),
): ServedCertificate {
  const notAfter = new Date(cert.valid_to);
  const name = (n: PeerCertificate['subject'] | undefined) =>
    n
      ? (Object.entries(n)
          .map(([k, v]) => `${k}=${String(v)}`)
          .join(', ') ?? '')
      : '';
  return {
    subject: name(cert.subject),
    issuer: name(cert.issuer),
    notAfter: notAfter.toISOString(),
    daysLeft: Math.floor((notAfter.getTime() - now.getTime()) / DAY_MS),
  };
}

const loopback = (settings: StackSettings) =>
  settings.bind === '0.0.0.0' ? '127.0.0.1' : settings.bind;

/**
 * GET /health over HTTPS through nginx. The certificate is read, not judged: an operator's
 * certificate is for their domain, not for the address probed here, and its expiry is what
 * the health model reports. Nothing secret is sent.
 */
function httpsHealth(
  host: string,
  port: number,
  signal: AbortSignal,
  onCertificate: (cert: PeerCertificate) => void,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host,
        port,
        path: '/health',
        method: 'GET',
        servername: 'localhost',
        rejectUnauthorized: false,
        agent: false,
        signal,
      },
      (res) => {
        const cert = (res.socket as TLSSocket).getPeerCertificate();
        if (cert && cert.valid_to) onCertificate(cert);
        res.resume();
        if (res.statusCode === 200) resolve();
        else reject(new Error(`GET /health answered ${res.statusCode}`));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

async function httpHealth(url: string, signal: AbortSignal): Promise<void> {
  const res = await fetch(url, { signal, redirect: 'manual' });
  await res.body?.cancel();
  if (res.status !== 200) throw new Error(`GET /health answered ${res.status}`);
}

export async function probeNginx(
  settings: StackSettings,
  timeoutMs = 2000,
): Promise<{ probes: ProbeResult[]; certificate: ServedCertificate | null }> {
  const host = loopback(settings);
  const port = settings.ports.https;
  let certificate: ServedCertificate | null = null;
  const probes = await Promise.all([
    timed(`HTTPS GET /health :${port}`, timeoutMs, (signal) =>
      httpsHealth(host, port, signal, (cert) => {
        certificate = servedCertificate(cert);
      }),
    ),
  ]);
  return { probes, certificate };
}

export function probeServer(settings: StackSettings, timeoutMs = 2000): Promise<ProbeResult[]> {
  if (settings.network === 'host')
    return Promise.all(
      serverUpstreams(settings).map((upstream) =>
        timed(`GET /health ${upstream}`, timeoutMs, (signal) =>
          httpHealth(`http://${upstream}/health`, signal),
        ),
      ),
    );
  const port = settings.ports.http;
  return Promise.all([
    timed(`GET /health through nginx :${port}`, timeoutMs, (signal) =>
      httpHealth(`http://${loopback(settings)}:${port}/health`, signal),
    ),
  ]);
}
