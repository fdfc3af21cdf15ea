// Step 4: likely names, probed. IMAP at imap.<domain>, mail.<domain> and <domain> itself, on
// 993 (TLS) then 143 (STARTTLS); SMTP at smtp.<domain>, mail.<domain> and <domain>, on 465
// (TLS) then 587 (STARTTLS). Every candidate is really connected to and its capabilities read
// (probe-imap.ts, probe-smtp.ts), all at once with short time limits; the first in that order
// that answers is offered. Plain-text ports are never guessed.
import type { DiscoveredServer } from '../../../common/types.js';
import { probeImap } from './probe-imap.js';
import { probeSmtp } from './probe-smtp.js';
import { firstAnswering, missList, type Missed, type Probe, type Step } from './step.js';

interface Guess {
  host: string;
  port: number;
  security: 'tls' | 'starttls';
}

/** The candidates in the order they are preferred: by host, then implicit TLS first. */
export function guesses(domain: string): { imap: Guess[]; smtp: Guess[] } {
  const each = (prefixes: string[], tls: number, starttls: number): Guess[] =>
    prefixes.flatMap((prefix) => [
      { host: `${prefix}${domain}`, port: tls, security: 'tls' as const },
      { host: `${prefix}${domain}`, port: starttls, security: 'starttls' as const },
    ]);
  return {
    imap: each(['imap.', 'mail.', ''], 993, 143),
    smtp: each(['smtp.', 'mail.', ''], 465, 587),
  };
}

/** A probe at the port a well-known one stands for (itself, but in tests). */
const mapped =
  (probe: Probe): Probe =>
  (net, host, port, security) =>
    probe(net, host, net.port(port), security);

const server = (g: Guess, auth: DiscoveredServer['auth'], user: string): DiscoveredServer => ({
  ...g,
  user,
  auth,
});

export const guessStep: Step = async (address, net, tried) => {
  const { imap, smtp } = guesses(address.domain);
  const misses: Missed[] = [];
  const [imapFound, smtpFound] = await Promise.all([
    firstAnswering(net, imap, mapped(probeImap), misses),
    firstAnswering(net, smtp, mapped(probeSmtp), []),
  ]);
  if (!imapFound) {
    tried.push(`likely IMAP hosts probed: ${missList(misses)}`);
    return null;
  }
  const answered = [
    `${imapFound.candidate.host}:${imapFound.candidate.port} answered as IMAP`,
    ...(smtpFound ? [`${smtpFound.candidate.host}:${smtpFound.candidate.port} as SMTP`] : []),
  ];
  const hosts = [...new Set([...imap, ...smtp].map((g) => g.host))];
  return {
    source: 'guess',
    origin: `probed ${hosts.join(', ')}: ${answered.join(', ')}`,
    domain: address.domain,
    mx: null,
    provider: null,
    imap: server(imapFound.candidate, imapFound.auth, address.email),
    smtp: smtpFound && server(smtpFound.candidate, smtpFound.auth, address.email),
    oauth2: null,
  };
};
