// Step 1: the bundled snapshot of Thunderbird's ISPDB (ispdb-table.ts, generated from
// resources/ispdb at build time). The address's own domain first, without any network; then
// the domain its MX host belongs to, so that a domain of one's own hosted by Google or
// Microsoft is found (MX aspmx.l.google.com → google.com; MX example-com.mail.protection.
// outlook.com → mail.protection.outlook.com, both listed as domains by the ISPDB).
import type { ProviderConfig } from './config-xml.js';
import { ISPDB_PROVIDERS } from './ispdb-table.js';
import { missOf, type DiscoveryNet } from './net.js';
import { answerFrom, type Step } from './step.js';

let byDomain: Map<string, ProviderConfig> | null = null;

/** The ISPDB's provider for a domain, if it lists it. */
export function ispdbProvider(domain: string): ProviderConfig | null {
  if (!byDomain) {
    byDomain = new Map();
    for (const p of ISPDB_PROVIDERS)
      for (const d of p.domains) if (!byDomain.has(d)) byDomain.set(d, p);
  }
  return byDomain.get(domain) ?? null;
}

/**
 * The ISPDB domain an MX host belongs to: the host itself, then each parent with at least two
 * labels (mx1.tiki.ne.jp, l.google.com, google.com).
 */
export function ispdbByHost(host: string): { domain: string; provider: ProviderConfig } | null {
  const labels = host.split('.');
  for (let i = 0; i <= labels.length - 2; i++) {
    const domain = labels.slice(i).join('.');
    const provider = ispdbProvider(domain);
    if (provider) return { domain, provider };
  }
  return null;
}

const entry = (p: ProviderConfig, domain: string) =>
  `Thunderbird's ISPDB entry for ${domain}${p.name ? `: ${p.name}` : ''}`;

export const ispdbStep: Step = async (address, net: DiscoveryNet, tried) => {
  const own = ispdbProvider(address.domain);
  if (own?.imap) {
    return answerFrom(own, address, {
      source: 'ispdb',
      origin: entry(own, address.domain),
      domain: address.domain,
      mx: null,
    });
  }
  let hosts: string[];
  try {
    hosts = await net.mx(address.domain);
  } catch (err) {
    hosts = [];
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'ENODATA' && code !== 'ENOTFOUND') {
      tried.push(
        `the ISPDB has no entry for ${address.domain}, and its MX records could not be read (${missOf(err).message})`,
      );
      return null;
    }
  }
  for (const mx of hosts) {
    const found = ispdbByHost(mx);
    if (!found?.provider.imap) continue;
    return answerFrom(found.provider, address, {
      source: 'ispdb',
      origin: `${entry(found.provider, found.domain)} (through ${address.domain}'s MX host ${mx})`,
      domain: found.domain,
      mx,
    });
  }
  const pop = own && !own.imap ? ' (POP3 only)' : '';
  const mx = hosts.length
    ? `, nor for its MX host ${hosts.join(', ')}`
    : ', which has no MX record';
  tried.push(`Thunderbird's ISPDB: no IMAP entry for ${address.domain}${pop}${mx}`);
  return null;
};
