// Thunderbird's autoconfig format (clientConfig 1.1), as its ISPDB and providers' own
// autoconfig files write it: a provider's IMAP and SMTP servers, as templates still holding
// %EMAILADDRESS% and the like, and its OAuth2 endpoints. One reader for the bundled ISPDB
// (scripts/ispdb-table.ts, at build time) and for an autoconfig file fetched from a stranger's
// web server (autoconfig.ts): so it reads with fast-xml-parser under tight limits, takes only
// the few fields it knows, and checks every host name and port it passes on.
import { domainToASCII } from 'node:url';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import type { AuthMethod, DiscoveredServer, Security } from '../../../common/types.js';

/** A server as the file gives it: `host` and `user` may hold placeholders. */
export interface ServerTemplate {
  host: string;
  port: number;
  security: Security;
  user: string;
  auth: AuthMethod[];
}

export interface OAuth2Endpoints {
  issuer: string;
  authUrl: string;
  tokenUrl: string;
  scopes: string[];
}

/** What Maildock keeps of a provider's file. */
export interface ProviderConfig {
  id: string;
  name: string | null;
  domains: string[];
  /** null: the provider offers no IMAP server Maildock can sign in to (POP3 only, say). */
  imap: ServerTemplate | null;
  smtp: ServerTemplate | null;
  oauth2: OAuth2Endpoints | null;
}

/** The address being set up, for the placeholders. */
export interface AddressParts {
  email: string;
  local: string;
  domain: string;
}

const SECURITY: Record<string, Security> = { ssl: 'tls', starttls: 'starttls', plain: 'none' };
/** Best first: RFC 8314 prefers implicit TLS; plain text only where nothing else is offered. */
const SECURITY_RANK: Record<Security, number> = { tls: 0, starttls: 1, none: 2 };
// Thunderbird's names, and its older aliases ("plain", "secure"). Kerberos, NTLM, client
// certificates and "none" are methods Maildock does not sign in with: a server offering only
// those is left out.
const AUTH: Record<string, AuthMethod> = {
  oauth2: 'oauth2',
  'password-cleartext': 'password',
  'password-encrypted': 'password',
  plain: 'password',
  secure: 'password',
};

const LIST_TAGS = new Set([
  'emailProvider',
  'domain',
  'incomingServer',
  'outgoingServer',
  'authentication',
  'oAuth2',
]);

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  // Ports and names stay text: "0993" or "1e3" are not for the parser to reinterpret.
  parseTagValue: false,
  parseAttributeValue: false,
  ignoreDeclaration: true,
  ignorePiTags: true,
  isArray: (name) => LIST_TAGS.has(name),
  // XML's own entities (&amp; in a URL) are read; anything beyond these limits is refused.
  processEntities: {
    enabled: true,
    maxEntityCount: 16,
    maxEntitySize: 1_000,
    maxTotalExpansions: 200,
    maxExpandedLength: 10_000,
  },
  maxNestedTags: 16,
});

const HOST_LABEL = '[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?';
const HOST_NAME = new RegExp(`^${HOST_LABEL}(?:\\.${HOST_LABEL})*$`);

/** A host name in lower case without its final dot, or null when it is not one. */
export function hostName(text: string): string | null {
  const host = text.trim().toLowerCase().replace(/\.$/, '');
  return host.length <= 253 && HOST_NAME.test(host) ? host : null;
}

export function portNumber(text: string | number): number | null {
  const port = typeof text === 'number' ? text : /^\d{1,5}$/.test(text.trim()) ? Number(text) : 0;
  return Number.isInteger(port) && port >= 1 && port <= 65_535 ? port : null;
}

type Node = Record<string, unknown>;

const isNode = (v: unknown): v is Node => typeof v === 'object' && v !== null && !Array.isArray(v);

const MAX_TEXT = 2048;

/**
 * An element's text, whether it came alone, with attributes, or (by mistake) repeated. It
 * ends up in a form and on a terminal: control characters (an escape sequence, say) become
 * spaces, and a text longer than any real value counts as none.
 */
function text(v: unknown): string | null {
  if (Array.isArray(v)) return text(v[0]);
  const raw =
    typeof v === 'string' ? v : isNode(v) && typeof v['#text'] === 'string' ? v['#text'] : null;
  if (raw === null || raw.length > MAX_TEXT) return null;
  return raw.replace(/\p{Cc}+/gu, ' ').trim();
}

const nodes = (v: unknown): Node[] => (Array.isArray(v) ? v : [v]).filter(isNode);
const texts = (v: unknown): string[] =>
  (Array.isArray(v) ? v : v === undefined ? [] : [v]).map(text).filter((t): t is string => !!t);

function server(node: Node): ServerTemplate | null {
  const host = text(node.hostname);
  const port = portNumber(text(node.port) ?? '');
  const security = SECURITY[(text(node.socketType) ?? '').toLowerCase()];
  const auth = [
    ...new Set(
      texts(node.authentication)
        .map((a) => AUTH[a.toLowerCase()])
        .filter((a): a is AuthMethod => !!a),
    ),
  ];
  // Placeholders are checked once filled in (resolveServer); the rest of the name now.
  if (!host || !hostName(host.replace(/%EMAILDOMAIN%/g, 'example.com'))) return null;
  if (!port || !security || !auth.length) return null;
  return { host, port, security, user: text(node.username) || '%EMAILADDRESS%', auth };
}

/** The provider's best server of a type: by security, then in the file's order. */
function best(list: unknown, type: string): ServerTemplate | null {
  const found = nodes(list)
    .filter((n) => n['@type'] === type)
    .map(server)
    .filter((s): s is ServerTemplate => s !== null);
  found.sort((a, b) => SECURITY_RANK[a.security] - SECURITY_RANK[b.security]);
  return found[0] ?? null;
}

const httpsUrl = (v: string | null): string | null => {
  if (!v) return null;
  try {
    const url = new URL(v);
    return url.protocol === 'https:' ? url.href : null;
  } catch {
    return null;
  }
};

function oauth2(list: unknown): OAuth2Endpoints | null {
  const node = nodes(list)[0];
  if (!node) return null;
  const issuer = text(node.issuer);
  const authUrl = httpsUrl(text(node.authURL));
  const tokenUrl = httpsUrl(text(node.tokenURL));
  if (!issuer || !authUrl || !tokenUrl) return null;
  return {
    issuer,
    authUrl,
    tokenUrl,
    scopes: (text(node.scope) ?? '').split(/\s+/).filter(Boolean).slice(0, 50),
  };
}

/**
 * The provider a clientConfig file describes. Throws, saying why, when the text is not such
 * a file; a file whose servers Maildock cannot use gives imap (or smtp) null.
 */
export function parseClientConfig(xml: string): ProviderConfig {
  // Entities a DOCTYPE declares are how XML bombs are built, and no configuration file has
  // one: refused before the parser sees it (which would not expand them nested anyway).
  if (/<!DOCTYPE/i.test(xml))
    throw new Error('it declares a DOCTYPE, which no configuration file has');
  const valid = XMLValidator.validate(xml);
  if (valid !== true) throw new Error(`not well-formed XML (line ${valid.err.line})`);
  let doc: unknown;
  try {
    doc = parser.parse(xml);
  } catch {
    throw new Error('XML beyond the limits of a configuration file');
  }
  const root = isNode(doc) ? doc.clientConfig : undefined;
  if (!isNode(root)) throw new Error('no <clientConfig> element');
  const provider = nodes(root.emailProvider)[0];
  if (!provider) throw new Error('no <emailProvider> element');
  const domains = texts(provider.domain)
    .map(hostName)
    .filter((d): d is string => d !== null);
  return {
    id: typeof provider['@id'] === 'string' ? provider['@id'] : (domains[0] ?? ''),
    name: text(provider.displayName)?.slice(0, 200) || null,
    domains: [...new Set(domains)],
    imap: best(provider.incomingServer, 'imap'),
    smtp: best(provider.outgoingServer, 'smtp'),
    oauth2: oauth2(root.oAuth2),
  };
}

/** Splits an address into its parts, the domain in lower-case ASCII; null when it is not one. */
export function addressParts(email: string): AddressParts | null {
  const at = email.lastIndexOf('@');
  if (at < 1) return null;
  const domain = hostName(domainToASCII(email.slice(at + 1)));
  return domain ? { email, local: email.slice(0, at), domain } : null;
}

function fill(template: string, a: AddressParts): string {
  return template
    .replace(/%EMAILADDRESS%/g, a.email)
    .replace(/%EMAILLOCALPART%/g, a.local)
    .replace(/%EMAILDOMAIN%/g, a.domain);
}

/** A server template for this address; null when its host is still not a host name. */
export function resolveServer(t: ServerTemplate, a: AddressParts): DiscoveredServer | null {
  const host = hostName(fill(t.host, a));
  if (!host) return null;
  const user = fill(t.user, a);
  return {
    host,
    port: t.port,
    security: t.security,
    // A placeholder Maildock does not know (or a misspelt one), or no user name at all: the
    // address, the usual login.
    user: /%[A-Z]/.test(user) || !user || user.length > 320 ? a.email : user,
    auth: t.auth,
  };
}
