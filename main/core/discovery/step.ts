// What each step of discovery is (ISPDB, autoconfig, SRV, guess): given the address, it
// answers with settings, or notes in `tried` what it looked at and why that gave nothing.
import type { AuthMethod, Discovery } from '../../../common/types.js';
import { resolveServer, type AddressParts, type ProviderConfig } from './config-xml.js';
import { missOf, type DiscoveryNet } from './net.js';

/** An answer, but for the time it took (the orchestrator adds it). */
export type Answer = Omit<Discovery, 'tookMs'>;

export type Step = (
  address: AddressParts,
  net: DiscoveryNet,
  tried: string[],
) => Promise<Answer | null>;

/** A provider's file (ISPDB or autoconfig) as an answer; null when its IMAP server is unusable. */
export function answerFrom(
  p: ProviderConfig,
  address: AddressParts,
  meta: Pick<Answer, 'source' | 'origin' | 'domain' | 'mx'>,
): Answer | null {
  const imap = p.imap && resolveServer(p.imap, address);
  if (!imap) return null;
  return {
    ...meta,
    provider: p.name,
    imap,
    smtp: p.smtp && resolveServer(p.smtp, address),
    oauth2: p.oauth2,
  };
}

/** A candidate that gave nothing, and why. */
export interface Missed {
  where: string;
  why: string;
}

/** Misses grouped by why: "a:993, b:993 (nothing listens), c:143 (no such host)". */
export function missList(misses: Missed[]): string {
  const byWhy = new Map<string, string[]>();
  for (const m of misses) byWhy.set(m.why, [...(byWhy.get(m.why) ?? []), m.where]);
  return [...byWhy].map(([why, where]) => `${where.join(', ')} (${why})`).join(', ');
}

export type Probe = (
  net: DiscoveryNet,
  host: string,
  port: number,
  security: 'tls' | 'starttls',
) => Promise<AuthMethod[]>;

interface Candidate {
  host: string;
  port: number;
  security: 'tls' | 'starttls';
}

/**
 * The first candidate, in order, whose server answers the probe, with how it signs in. All
 * are probed at once; an earlier one is waited for before a later one is taken. `misses`
 * gets why each one before the answer gave nothing.
 */
export async function firstAnswering<C extends Candidate>(
  net: DiscoveryNet,
  candidates: C[],
  probe: Probe,
  misses: Missed[],
): Promise<{ candidate: C; auth: AuthMethod[] } | null> {
  const probes = candidates.map((c) => probe(net, c.host, c.port, c.security));
  // The ones after the answer run on to their end (or deadline), and nobody waits for them.
  for (const p of probes) p.catch(() => undefined);
  for (const [i, candidate] of candidates.entries()) {
    try {
      return { candidate, auth: await probes[i]! };
    } catch (err) {
      misses.push({ where: `${candidate.host}:${candidate.port}`, why: missOf(err).message });
    }
  }
  return null;
}
