// Step 3: RFC 6186 SRV records: _imaps._tcp and _imap._tcp for IMAP, _submissions._tcp and
// _submission._tcp for sending. Records are tried by priority (RFC 2782's weighted choice
// among equals), implicit TLS first where priorities tie (RFC 6186 §3.4, RFC 8314); a target
// of "." says the service is not offered. Each server named is probed (probe-imap.ts,
// probe-smtp.ts): the records say where, only the server says how to sign in.
import type { SrvRecord } from 'node:dns';
import type { AuthMethod, DiscoveredServer } from '../../../common/types.js';
import { hostName, portNumber } from './config-xml.js';
import type { DiscoveryNet } from './net.js';
import { probeImap } from './probe-imap.js';
import { probeSmtp } from './probe-smtp.js';
import { firstAnswering, missList, type Missed, type Step } from './step.js';

export interface SrvCandidate {
  /** The record's name, for the user (_imaps._tcp.example.com). */
  record: string;
  host: string;
  port: number;
  security: 'tls' | 'starttls';
}

/** A hostile zone could list hundreds of targets: these are plenty for a real one. */
const MAX_CANDIDATES = 4;

/** RFC 2782's order of one priority's records: weighted random, zero weights rarely first. */
function weighted<T extends { weight: number }>(records: T[], random: () => number): T[] {
  const pool = [...records].sort((a, b) => Number(a.weight > 0) - Number(b.weight > 0));
  const out: T[] = [];
  while (pool.length) {
    const sum = pool.reduce((s, r) => s + r.weight, 0);
    const pick = Math.floor(random() * (sum + 1));
    let running = 0;
    const i = pool.findIndex((r) => (running += r.weight) >= pick);
    out.push(...pool.splice(Math.max(i, 0), 1));
  }
  return out;
}

/**
 * The servers of a service's two records (implicit TLS, STARTTLS), in the order to try them.
 * `offered` is false when the records say the service is not offered (a target of ".").
 */
export function srvCandidates(
  tls: { name: string; records: SrvRecord[] },
  starttls: { name: string; records: SrvRecord[] },
  random: () => number = Math.random,
): { candidates: SrvCandidate[]; offered: boolean } {
  const all = [
    ...tls.records.map((r) => ({ ...r, record: tls.name, security: 'tls' as const })),
    ...starttls.records.map((r) => ({
      ...r,
      record: starttls.name,
      security: 'starttls' as const,
    })),
  ];
  const usable = all.flatMap((r) => {
    const host = hostName(r.name);
    const port = portNumber(r.port);
    return host && port ? [{ ...r, host, port }] : [];
  });
  const priorities = [...new Set(usable.map((r) => r.priority))].sort((a, b) => a - b);
  const candidates = priorities.flatMap((priority) => {
    const same = usable.filter((r) => r.priority === priority);
    return [
      ...weighted(
        same.filter((r) => r.security === 'tls'),
        random,
      ),
      ...weighted(
        same.filter((r) => r.security === 'starttls'),
        random,
      ),
    ];
  });
  const notOffered = all.length > 0 && all.every((r) => r.name === '' || r.name === '.');
  return {
    candidates: candidates
      .slice(0, MAX_CANDIDATES)
      .map(({ record, host, port, security }) => ({ record, host, port, security })),
    offered: !notOffered,
  };
}

async function records(net: DiscoveryNet, name: string): Promise<SrvRecord[]> {
  try {
    return await net.srv(name);
  } catch {
    // No such record, or no answer: either way nothing to try here.
    return [];
  }
}

const server = (c: SrvCandidate, auth: AuthMethod[], user: string): DiscoveredServer => ({
  host: c.host,
  port: c.port,
  security: c.security,
  user,
  auth,
});

export const srvStep: Step = async (address, net, tried) => {
  const d = address.domain;
  const names = [
    `_imaps._tcp.${d}`,
    `_imap._tcp.${d}`,
    `_submissions._tcp.${d}`,
    `_submission._tcp.${d}`,
  ];
  const [imaps, imap, submissions, submission] = await Promise.all(
    names.map((n) => records(net, n)),
  );
  const imapSrv = srvCandidates(
    { name: names[0]!, records: imaps! },
    { name: names[1]!, records: imap! },
  );
  if (!imapSrv.candidates.length) {
    tried.push(
      imapSrv.offered
        ? `SRV: no records ${names[0]}, ${names[1]}`
        : `SRV: ${names[0]} and ${names[1]} say ${d} offers no IMAP`,
    );
    return null;
  }
  const smtpSrv = srvCandidates(
    { name: names[2]!, records: submissions! },
    { name: names[3]!, records: submission! },
  );
  const misses: Missed[] = [];
  const [imapFound, smtpFound] = await Promise.all([
    firstAnswering(net, imapSrv.candidates, probeImap, misses),
    firstAnswering(net, smtpSrv.candidates, probeSmtp, []),
  ]);
  if (!imapFound) {
    tried.push(`SRV: the IMAP servers its records name, ${missList(misses)}`);
    return null;
  }
  const origin = [imapFound, smtpFound]
    .filter((f) => f !== null)
    .map(({ candidate: c }) => `${c.record} → ${c.host}:${c.port}`)
    .join(', ');
  return {
    source: 'srv',
    origin: `SRV records ${origin}`,
    domain: d,
    mx: null,
    provider: null,
    imap: server(imapFound.candidate, imapFound.auth, address.email),
    smtp: smtpFound && server(smtpFound.candidate, smtpFound.auth, address.email),
    oauth2: null,
  };
};
