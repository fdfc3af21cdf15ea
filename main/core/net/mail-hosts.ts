// Where the server of many people lets its users' accounts connect. A person there types an
// IMAP or SMTP server's name, and the server connects to it: without a check, anyone signed
// in could make it knock on its own network (Postgres, Redis, the cloud's metadata service,
// other hosts' ports) and read the answers from the error messages. So, once restricted, a
// mail server's name is resolved here, every address it resolves to must be public (or one
// the operator allows with PRIVATE_MAIL_HOSTS), and the connection goes to the address that
// was checked, with the name kept for TLS (SNI and the certificate's name): a name cannot
// resolve to a public address for the check and to a private one for the connection.
// The desktop app and the single-user server are not restricted: their one user is the
// operator, and their mail server is often on loopback (the bundled stack).
import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';
import { MaildockError } from '../../../common/errors.js';

const PRIVATE_V4 = [
  ['0.0.0.0', 8], // "this network"
  ['10.0.0.0', 8],
  ['100.64.0.0', 10], // carrier-grade NAT
  ['127.0.0.0', 8],
  ['169.254.0.0', 16], // link-local, and the cloud's metadata service
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15], // benchmarking
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, and broadcast
] as const;
const PRIVATE_V6 = [
  ['::', 96], // unspecified, loopback, and IPv4 in the deprecated compatible form
  ['64:ff9b::', 96], // NAT64: an IPv4 address behind the gateway
  ['fc00::', 7], // unique local
  ['fe80::', 10], // link-local
  ['ff00::', 8], // multicast
] as const;

const privateNetworks = new BlockList();
for (const [net, prefix] of PRIVATE_V4) privateNetworks.addSubnet(net, prefix, 'ipv4');
for (const [net, prefix] of PRIVATE_V6) privateNetworks.addSubnet(net, prefix, 'ipv6');

/**
 * An IPv6 address that carries an IPv4 one (::ffff:a.b.c.d, or ::ffff:7f00:1 in hex), as that
 * IPv4 address: it is checked as one.
 */
function unmapped(address: string): { address: string; family: 'ipv4' | 'ipv6' } {
  const dotted = /^(?:0{0,4}:){0,4}:?:ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
  if (dotted) return { address: dotted, family: 'ipv4' };
  const hex = /^(?:0{0,4}:){0,4}:?:ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/i.exec(address);
  if (hex) {
    const [hi, lo] = [parseInt(hex[1]!, 16), parseInt(hex[2]!, 16)];
    return { address: [hi >> 8, hi & 255, lo >> 8, lo & 255].join('.'), family: 'ipv4' };
  }
  return { address, family: isIP(address) === 6 ? 'ipv6' : 'ipv4' };
}

export function isPrivateAddress(address: string): boolean {
  const a = unmapped(address);
  return privateNetworks.check(a.address, a.family);
}

export interface MailHostRule {
  /** The entries as given, for the operator's eyes. */
  entries: string[];
  /** Names allowed whatever they resolve to, lower case: on the ports given, or any (null). */
  names: Map<string, Set<number> | null>;
  /** Private addresses allowed: on the ports given, or any (null). */
  addresses: Map<string, Set<number> | null>;
  /** Private networks allowed, on any port. */
  networks: BlockList;
}

const NAME = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/i;

/** An address as the rule keeps it: IPv4-mapped IPv6 as IPv4, IPv6 in lower case. */
const addressKey = (address: string) => unmapped(address).address.toLowerCase();

function allow(map: Map<string, Set<number> | null>, key: string, port: number | null): void {
  const ports = map.get(key);
  if (port === null) map.set(key, null);
  else if (ports !== null) map.set(key, new Set([...(ports ?? []), port]));
}

/**
 * PRIVATE_MAIL_HOSTS's entries: names (`dovecot`), addresses (`10.1.2.3`, `[fd00::25]`),
 * either with a port (`127.0.0.1:1143`: that port only), and networks (`10.1.0.0/16`). An
 * entry that is none of these is refused.
 */
export function mailHostRule(entries: readonly string[]): MailHostRule {
  const rule: MailHostRule = {
    entries: [],
    names: new Map(),
    addresses: new Map(),
    networks: new BlockList(),
  };
  for (const raw of entries) {
    const entry = raw.trim();
    if (!entry) continue;
    rule.entries.push(entry);
    const cidr = /^([^/]+)\/(\d{1,3})$/.exec(entry);
    if (cidr) {
      const family = isIP(cidr[1]!);
      const prefix = Number(cidr[2]);
      if (!family || prefix > (family === 4 ? 32 : 128))
        throw new Error(`${entry} is not a network (address/prefix).`);
      rule.networks.addSubnet(cidr[1]!, prefix, family === 4 ? 'ipv4' : 'ipv6');
      continue;
    }
    const parts = /^\[([^\]]+)\](?::(\d{1,5}))?$/.exec(entry) ??
      /^([^:]+)(?::(\d{1,5}))?$/.exec(entry) ?? [entry, entry, undefined];
    const host = parts[1]!.replace(/\.$/, '');
    const port = parts[2] === undefined ? null : Number(parts[2]);
    if (port !== null && (port < 1 || port > 65_535)) throw new Error(`${entry}: no such port.`);
    if (isIP(host)) allow(rule.addresses, addressKey(host), port);
    else if (NAME.test(host)) allow(rule.names, host.toLowerCase(), port);
    else throw new Error(`${entry} is neither a host name, an address nor a network.`);
  }
  return rule;
}

const allows = (ports: Set<number> | null | undefined, port: number) =>
  ports === null || (ports !== undefined && ports.has(port));

/** null: not restricted (the desktop app, the single-user server). */
let rule: MailHostRule | null = null;

/** The server of many people restricts every mail connection of its process from its start. */
export function restrictMailHosts(next: MailHostRule | null): void {
  rule = next;
}

export interface MailTarget {
  /** What to connect to: the host as given, or the address checked for it. */
  host: string;
  /** The name TLS checks the certificate against, when host is the address checked for it. */
  servername?: string;
}

/**
 * Where to connect for a mail server's host name and port. Throws FORBIDDEN when it resolves to an
 * address inside the server's network that the operator did not allow; a failed lookup
 * throws the resolver's error (ENOTFOUND and the like), which callers report as for a
 * connection.
 */
export async function mailTarget(host: string, port: number): Promise<MailTarget> {
  if (!rule) return { host };
  const r = rule;
  if (allows(r.names.get(host.toLowerCase().replace(/\.$/, '')), port)) return { host };
  const literal = isIP(host) !== 0;
  const found = literal ? [{ address: host }] : await lookup(host, { all: true, verbatim: true });
  const allowed = (address: string) => {
    const a = unmapped(address);
    return (
      !isPrivateAddress(address) ||
      r.networks.check(a.address, a.family) ||
      allows(r.addresses.get(addressKey(address)), port)
    );
  };
  if (!found.length || !found.every((f) => allowed(f.address))) {
    throw new MaildockError(
      'FORBIDDEN',
      `${host}:${port} is inside this server's own network: its operator does not let accounts connect there.`,
      { host, port },
    );
  }
  return literal ? { host } : { host: found[0]!.address, servername: host };
}
