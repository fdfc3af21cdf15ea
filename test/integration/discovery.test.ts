// Account discovery (`account.discover`, `maildock account discover`) against real parts on
// loopback: dnsmasq serving the MX, SRV and A records of made-up domains (the resolver
// pointed at it through the test-only `discovery.dnsServers`), an HTTPS server with a test
// certificate serving autoconfig files, Dovecot with TLS on an implicit-TLS port and STARTTLS
// on its plain one, and Postfix with STARTTLS. The well-known ports the guess step probes
// (993, 143, 465, 587, and 443 for HTTPS) are mapped to those servers' ports, or to a port
// where nothing listens. The server of many people's gate is the real one (net/mail-hosts.ts).
import { execFileSync } from 'node:child_process';
import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Discovery } from '../../common/types.js';
import { mailHostRule, restrictMailHosts } from '../../main/core/net/mail-hosts.js';
import type { DiscoveryOptions } from '../../main/core/discovery/net.js';
import { runCli } from '../support/cli.js';
import { startDnsmasq, type DnsmasqServer } from '../support/dnsmasq.js';
import { startDovecot, type DovecotServer } from '../support/dovecot.js';
import { startPostfix, type PostfixServer } from '../support/postfix.js';
import { freePort } from '../support/processes.js';
import { openService } from '../support/service.js';

/** The made-up domains, each for one case; every name under them is in the certificate. */
const DOMAINS = [
  'mx.test',
  'auto.test',
  'wellknown.test',
  'srv.test',
  'tls.test',
  'guess.test',
  'hostile.test',
  'slow.test',
  'nothing.test',
  'corp.test',
];

let dir: string;
let cert: string;
let dns: DnsmasqServer;
let dovecot: DovecotServer;
let imapsPort: number;
let postfix: PostfixServer;
let https: Server;
let httpsPort: number;
/** A loopback port where nothing listens. */
let closedPort: number;
/** Each HTTPS request: its Host header and path. */
const requests: { host: string; path: string }[] = [];

/** A self-signed certificate for every name of the test's domains, as its own CA. */
function makeCertificate(): void {
  const names = DOMAINS.flatMap((d) => [`DNS:${d}`, `DNS:*.${d}`]).join(',');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-days',
      '2',
      '-subj',
      '/CN=Maildock discovery test',
      '-addext',
      `subjectAltName=${names}`,
      '-keyout',
      path.join(dir, 'key.pem'),
      '-out',
      path.join(dir, 'cert.pem'),
    ],
    { stdio: 'pipe' },
  );
  cert = readFileSync(path.join(dir, 'cert.pem'), 'utf8');
}

const config = (id: string, host: string, extra = '') => `<?xml version="1.0" encoding="UTF-8"?>
<clientConfig version="1.1">
  <emailProvider id="${id}">
    <domain>${id}</domain>
    <displayName>${id} mail</displayName>
    <incomingServer type="pop3">
      <hostname>pop.${id}</hostname><port>995</port><socketType>SSL</socketType>
      <username>%EMAILADDRESS%</username><authentication>password-cleartext</authentication>
    </incomingServer>
    <incomingServer type="imap">
      <hostname>${host}</hostname><port>143</port><socketType>STARTTLS</socketType>
      <username>%EMAILLOCALPART%</username><authentication>password-cleartext</authentication>
    </incomingServer>
    <incomingServer type="imap">
      <hostname>${host}</hostname><port>993</port><socketType>SSL</socketType>
      <username>%EMAILLOCALPART%</username>
      <authentication>OAuth2</authentication><authentication>password-encrypted</authentication>
    </incomingServer>
    <outgoingServer type="smtp">
      <hostname>smtp.%EMAILDOMAIN%</hostname><port>587</port><socketType>STARTTLS</socketType>
      <username>%EMAILADDRESS%</username><authentication>password-cleartext</authentication>
    </outgoingServer>
  </emailProvider>
  ${extra}
</clientConfig>`;

const OAUTH2 = `<oAuth2>
    <issuer>login.auto.test</issuer>
    <scope>imap smtp offline_access</scope>
    <authURL>https://login.auto.test/authorize</authURL>
    <tokenURL>https://login.auto.test/token</tokenURL>
  </oAuth2>`;

const BOMB = `<?xml version="1.0"?>
<!DOCTYPE clientConfig [
  <!ENTITY a "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa">
  <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
  <!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
  <!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">
  <!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;">
]>
<clientConfig version="1.1"><emailProvider id="hostile.test"><displayName>&e;</displayName>
<incomingServer type="imap"><hostname>imap.hostile.test</hostname><port>993</port>
<socketType>SSL</socketType><authentication>password-cleartext</authentication></incomingServer>
</emailProvider></clientConfig>`;

/** The autoconfig files served, by host and path. */
function files(): Record<string, string> {
  const first = '/mail/config-v1.1.xml';
  const second = '/.well-known/autoconfig/mail/config-v1.1.xml';
  return {
    [`autoconfig.auto.test${first}`]: config('auto.test', 'imap.auto.test', OAUTH2),
    [`auto.test${second}`]: config('auto.test', 'second.auto.test'),
    [`wellknown.test${second}`]: config('wellknown.test', 'imap.wellknown.test'),
    [`autoconfig.corp.test${first}`]: config('corp.test', 'imap.corp.test'),
    [`hostile.test${second}`]: BOMB,
  };
}

/** What the HTTPS server answers, by host and path. */
function serve(host: string, url: string, res: ServerResponse): void {
  const file = files()[`${host}${url.replace(/\?.*$/, '')}`];
  if (file) {
    res.writeHead(200, { 'content-type': 'text/xml' }).end(file);
  } else if (host === 'autoconfig.hostile.test') {
    // Ten megabytes, in chunks, without a length given first.
    res.writeHead(200, { 'content-type': 'text/xml' });
    const chunk = `<!-- ${'x'.repeat(64 * 1024)} -->\n`;
    let sent = 0;
    const more = () => {
      while (sent < 160 && !res.destroyed) {
        sent++;
        if (!res.write(chunk)) {
          res.once('drain', more);
          return;
        }
      }
      res.end();
    };
    more();
  } else if (host === 'autoconfig.slow.test') {
    // Never answers: the client's time limit ends it.
  } else if (host === 'slow.test') {
    res.writeHead(301, { location: 'https://127.0.0.1/elsewhere.xml' }).end();
  } else {
    res.writeHead(404).end('not here');
  }
}

/** Dovecot with TLS: implicit on its own port, STARTTLS on the plain one; OAuth2 offered too. */
async function startTlsDovecot(): Promise<void> {
  dovecot = await startDovecot();
  imapsPort = await freePort();
  await dovecot.kill();
  appendFileSync(
    dovecot.confPath,
    `
# Added by discovery.test.ts: TLS with the test's certificate.
ssl = yes
ssl_cert = <${path.join(dir, 'cert.pem')}
ssl_key = <${path.join(dir, 'key.pem')}
auth_mechanisms = plain login xoauth2 oauthbearer
service imap-login {
  inet_listener imaps {
    address = 127.0.0.1
    port = ${imapsPort}
    ssl = yes
  }
}
`,
  );
  await dovecot.start();
}

/** Postfix with STARTTLS under the test's certificate in place of its own. */
async function startTlsPostfix(mailDovecot: DovecotServer): Promise<void> {
  postfix = await startPostfix({ dovecot: mailDovecot, tls: true });
  await postfix.stopService();
  const tls = path.join(postfix.root, 'tls');
  execFileSync('cp', [path.join(dir, 'cert.pem'), path.join(tls, 'cert.pem')]);
  execFileSync('cp', [path.join(dir, 'key.pem'), path.join(tls, 'key.pem')]);
  await postfix.startService();
}

let mailDovecot: DovecotServer;

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'maildock-discovery-'));
  makeCertificate();
  closedPort = await freePort();
  await startTlsDovecot();
  // Postfix delivers by LMTP into a Dovecot of its own; what is probed is its submission port.
  mailDovecot = await startDovecot({ lmtp: true });
  await startTlsPostfix(mailDovecot);
  https = createServer({ cert, key: readFileSync(path.join(dir, 'key.pem')) }, (req, res) => {
    const host = (req.headers.host ?? '').replace(/:\d+$/, '');
    requests.push({ host, path: req.url ?? '' });
    serve(host, req.url ?? '', res);
  });
  httpsPort = await new Promise<number>((resolve) =>
    https.listen(0, '127.0.0.1', () => resolve((https.address() as { port: number }).port)),
  );
  const here = (name: string) => ({ name, address: '127.0.0.1' });
  dns = await startDnsmasq({
    local: DOMAINS,
    mx: [
      { name: 'mx.test', host: 'aspmx.l.google.com', preference: 1 },
      { name: 'mx.test', host: 'alt1.aspmx.l.google.com', preference: 5 },
      { name: 'o365.mx.test', host: 'o365-mx-test.mail.protection.outlook.com' },
      { name: 'nothing.test', host: 'mx.nothing.test' },
    ],
    srv: [
      // Not offered with implicit TLS; with STARTTLS on three servers, by priority.
      { name: '_imaps._tcp.srv.test' },
      {
        name: '_imap._tcp.srv.test',
        target: 'backup.srv.test',
        port: dovecot.port,
        priority: 20,
        weight: 100,
      },
      { name: '_imap._tcp.srv.test', target: 'imap.srv.test', port: dovecot.port, priority: 10 },
      { name: '_imap._tcp.srv.test', target: 'down.srv.test', port: closedPort, priority: 5 },
      { name: '_submissions._tcp.srv.test' },
      {
        name: '_submission._tcp.srv.test',
        target: 'smtp.srv.test',
        port: postfix.port,
        priority: 0,
      },
      // The same priority for both: implicit TLS is preferred (RFC 8314).
      { name: '_imap._tcp.tls.test', target: 'imap.tls.test', port: dovecot.port, priority: 1 },
      { name: '_imaps._tcp.tls.test', target: 'imap.tls.test', port: imapsPort, priority: 1 },
    ],
    hosts: [
      here('autoconfig.auto.test'),
      here('auto.test'),
      here('autoconfig.wellknown.test'),
      here('wellknown.test'),
      ...['imap', 'backup', 'down', 'smtp'].map((h) => here(`${h}.srv.test`)),
      here('imap.tls.test'),
      here('mail.guess.test'),
      here('autoconfig.hostile.test'),
      here('hostile.test'),
      here('autoconfig.slow.test'),
      here('slow.test'),
      here('autoconfig.corp.test'),
      here('mail.corp.test'),
    ],
  });
}, 120_000);

afterAll(async () => {
  restrictMailHosts(null);
  https?.closeAllConnections();
  await new Promise((resolve) => https?.close(resolve));
  await dns?.stop();
  await postfix?.stop();
  await mailDovecot?.stop();
  await dovecot?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** The test seams: this DNS server, this CA, the well-known ports mapped as given. */
function seams(ports: Partial<Record<number, number>> = {}): DiscoveryOptions {
  return {
    dnsServers: [dns.server],
    ca: [cert],
    timeoutMs: 2_000,
    dnsTimeoutMs: 1_000,
    ports: {
      443: httpsPort,
      993: imapsPort,
      143: dovecot.port,
      465: closedPort,
      587: postfix.port,
      ...ports,
    },
  };
}

/** Every port the guess step probes leads where nothing listens. */
const noProbes = () =>
  seams({ 993: closedPort, 143: closedPort, 465: closedPort, 587: closedPort });

async function discover(email: string, options: DiscoveryOptions = seams()) {
  const t = await openService({ discovery: options });
  try {
    return await t.svc.invoke('account.discover', { email });
  } finally {
    await t.close();
  }
}

async function found(email: string, options?: DiscoveryOptions): Promise<Discovery> {
  const r = await discover(email, options);
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  return r.value;
}

async function notFound(email: string, options?: DiscoveryOptions) {
  const r = await discover(email, options);
  if (r.ok) throw new Error(`found ${JSON.stringify(r.value)}`);
  return r.error;
}

const queriesFor = (name: string) =>
  readFileSync(path.join(dns.root, 'dnsmasq.log'), 'utf8')
    .split('\n')
    .filter((l) => l.includes(`query[`) && l.includes(` ${name} `));

describe('the bundled ISPDB', () => {
  it('answers for a provider’s own domain without any network', async () => {
    // Nothing answers at this DNS server's address, nor at any port.
    const offline = { dnsServers: ['127.0.0.1:9'], ports: {}, timeoutMs: 500, dnsTimeoutMs: 200 };
    const d = await found('ana.lopez@gmail.com', offline);
    expect(d).toMatchObject({
      source: 'ispdb',
      origin: "Thunderbird's ISPDB entry for gmail.com: Google Mail",
      domain: 'gmail.com',
      mx: null,
      provider: 'Google Mail',
      imap: {
        host: 'imap.gmail.com',
        port: 993,
        security: 'tls',
        user: 'ana.lopez@gmail.com',
        auth: ['oauth2', 'password'],
      },
      smtp: { host: 'smtp.gmail.com', port: 465, security: 'tls', auth: ['oauth2', 'password'] },
      oauth2: {
        issuer: 'accounts.google.com',
        tokenUrl: 'https://www.googleapis.com/oauth2/v3/token',
      },
    });
    expect(d.oauth2?.scopes).toContain('https://mail.google.com/');
    expect(d.tookMs).toBeLessThan(200);
  });

  it('finds a domain hosted by Google or Microsoft 365 through its MX host', async () => {
    const google = await found('boss@mx.test');
    expect(google).toMatchObject({
      source: 'ispdb',
      domain: 'google.com',
      mx: 'aspmx.l.google.com',
      imap: { host: 'imap.gmail.com', user: 'boss@mx.test' },
    });
    expect(google.origin).toBe(
      "Thunderbird's ISPDB entry for google.com: Google Mail (through mx.test's MX host aspmx.l.google.com)",
    );
    const microsoft = await found('boss@o365.mx.test');
    expect(microsoft).toMatchObject({
      source: 'ispdb',
      domain: 'mail.protection.outlook.com',
      mx: 'o365-mx-test.mail.protection.outlook.com',
      provider: 'Microsoft 365',
      imap: { host: 'outlook.office365.com', auth: ['oauth2'] },
      smtp: { host: 'smtp.office365.com', port: 587, security: 'starttls' },
    });
    // The MX found it: autoconfig, SRV and probes were not needed.
    expect(requests.filter((r) => r.host.endsWith('mx.test'))).toEqual([]);
    expect(queriesFor('_imaps._tcp.mx.test')).toEqual([]);
  });
});

describe('the provider’s autoconfig file', () => {
  it('is read from autoconfig.<domain> first, with the address asked about', async () => {
    const d = await found('ana.lopez@auto.test');
    expect(d).toMatchObject({
      source: 'autoconfig',
      origin:
        'https://autoconfig.auto.test/mail/config-v1.1.xml?emailaddress=ana.lopez%40auto.test',
      domain: 'auto.test',
      provider: 'auto.test mail',
      // The IMAP server with implicit TLS, though listed after the STARTTLS one.
      imap: {
        host: 'imap.auto.test',
        port: 993,
        security: 'tls',
        user: 'ana.lopez',
        auth: ['oauth2', 'password'],
      },
      smtp: {
        host: 'smtp.auto.test',
        port: 587,
        security: 'starttls',
        user: 'ana.lopez@auto.test',
      },
      oauth2: {
        issuer: 'login.auto.test',
        authUrl: 'https://login.auto.test/authorize',
        tokenUrl: 'https://login.auto.test/token',
        scopes: ['imap', 'smtp', 'offline_access'],
      },
    });
    expect(requests).toContainEqual({
      host: 'autoconfig.auto.test',
      path: '/mail/config-v1.1.xml?emailaddress=ana.lopez%40auto.test',
    });
  });

  it('is read from the domain’s .well-known address when the first has none', async () => {
    const d = await found('ana@wellknown.test');
    expect(d).toMatchObject({
      source: 'autoconfig',
      origin: 'https://wellknown.test/.well-known/autoconfig/mail/config-v1.1.xml',
      imap: { host: 'imap.wellknown.test', port: 993, user: 'ana' },
    });
    expect(requests.filter((r) => r.host.endsWith('wellknown.test')).map((r) => r.host)).toEqual(
      expect.arrayContaining(['autoconfig.wellknown.test', 'wellknown.test']),
    );
  });

  it('stops reading a huge answer, refuses an entity bomb, a redirect and a server that never answers', async () => {
    const started = Date.now();
    const hostile = await notFound('ana@hostile.test', noProbes());
    expect(hostile.message).toContain(
      'https://autoconfig.hostile.test/mail/config-v1.1.xml?emailaddress=ana%40hostile.test (larger than a configuration file)',
    );
    expect(hostile.message).toContain(
      'https://hostile.test/.well-known/autoconfig/mail/config-v1.1.xml (not a configuration file: it declares a DOCTYPE, which no configuration file has)',
    );
    expect(hostile.message).not.toContain('aaaaaaaaaa');
    const slow = await notFound('ana@slow.test', noProbes());
    expect(slow.message).toContain('?emailaddress=ana%40slow.test (no answer in time)');
    expect(slow.message).toContain('/.well-known/autoconfig/mail/config-v1.1.xml (HTTP 301)');
    expect(requests.some((r) => r.path === '/elsewhere.xml')).toBe(false);
    // Two discoveries, each bound by the 2 s limit of its slowest step.
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});

describe('RFC 6186 SRV records', () => {
  it('are taken by priority, skip a server that does not answer, and read "." as not offered', async () => {
    const d = await found('ana@srv.test');
    expect(d).toMatchObject({
      source: 'srv',
      domain: 'srv.test',
      provider: null,
      oauth2: null,
      imap: {
        host: 'imap.srv.test',
        port: dovecot.port,
        security: 'starttls',
        user: 'ana@srv.test',
        // What Dovecot offers, read over TLS.
        auth: ['password', 'oauth2'],
      },
      smtp: { host: 'smtp.srv.test', port: postfix.port, security: 'starttls', auth: ['password'] },
    });
    expect(d.origin).toBe(
      `SRV records _imap._tcp.srv.test → imap.srv.test:${dovecot.port}, _submission._tcp.srv.test → smtp.srv.test:${postfix.port}`,
    );
  });

  it('prefer implicit TLS where priorities tie', async () => {
    const d = await found('ana@tls.test');
    expect(d).toMatchObject({
      source: 'srv',
      imap: { host: 'imap.tls.test', port: imapsPort, security: 'tls' },
      smtp: null,
    });
  });
});

describe('likely hosts, probed', () => {
  it('finds the running Dovecot and Postfix, skipping names that do not exist and ports where nothing listens', async () => {
    // 993 leads where nothing listens: mail.guess.test answers on 143 with STARTTLS.
    const d = await found('ana@guess.test', seams({ 993: closedPort }));
    expect(d).toMatchObject({
      source: 'guess',
      domain: 'guess.test',
      imap: {
        host: 'mail.guess.test',
        port: 143,
        security: 'starttls',
        user: 'ana@guess.test',
        auth: ['password', 'oauth2'],
      },
      smtp: { host: 'mail.guess.test', port: 587, security: 'starttls', auth: ['password'] },
    });
    expect(d.origin).toContain('mail.guess.test:143 answered as IMAP, mail.guess.test:587 as SMTP');
    // With 993 leading to Dovecot's TLS port, implicit TLS wins.
    const tls = await found('ana@guess.test');
    expect(tls.imap).toMatchObject({ host: 'mail.guess.test', port: 993, security: 'tls' });
  });

  it('says what was tried when nothing answers', async () => {
    const error = await notFound('ana@nothing.test');
    expect(error).toMatchObject({
      code: 'NOT_FOUND',
      fields: { email: 'ana@nothing.test', domain: 'nothing.test' },
    });
    for (const said of [
      "Thunderbird's ISPDB: no IMAP entry for nothing.test, nor for its MX host mx.nothing.test",
      'https://autoconfig.nothing.test/mail/config-v1.1.xml?emailaddress=ana%40nothing.test (no such host)',
      'https://nothing.test/.well-known/autoconfig/mail/config-v1.1.xml (no such host)',
      'SRV: no records _imaps._tcp.nothing.test, _imap._tcp.nothing.test',
      'imap.nothing.test:993, imap.nothing.test:143, mail.nothing.test:993',
    ])
      expect(error.message).toContain(said);
  });
});

describe('on the server of many people', () => {
  it('neither fetches nor probes inside its own network, but where the operator allows', async () => {
    const before = requests.length;
    try {
      restrictMailHosts(mailHostRule([]));
      const refused = await notFound('ana@corp.test');
      expect(refused.message).toContain(
        "https://autoconfig.corp.test/mail/config-v1.1.xml?emailaddress=ana%40corp.test (not tried: inside this server's own network)",
      );
      expect(refused.message).toContain(
        "mail.corp.test:993, mail.corp.test:143 (not tried: inside this server's own network)",
      );
      expect(requests.length).toBe(before);

      // The operator lets accounts reach Dovecot's plain port (PRIVATE_MAIL_HOSTS).
      restrictMailHosts(mailHostRule([`127.0.0.1:${dovecot.port}`]));
      const allowed = await found('ana@corp.test');
      expect(allowed).toMatchObject({
        source: 'guess',
        imap: { host: 'mail.corp.test', port: 143, security: 'starttls' },
        smtp: null,
      });
      expect(requests.length).toBe(before);
    } finally {
      restrictMailHosts(null);
    }
  });
});

describe('maildock account discover', () => {
  it('prints where the settings came from and each server, or JSON', async () => {
    const data = mkdtempSync(path.join(tmpdir(), 'maildock-discover-cli-'));
    try {
      const env = { MAILDOCK_SECRETS: 'file' };
      const text = await runCli(['--data-dir', data, 'account', 'discover', 'ana@gmail.com'], env);
      expect(text.code).toBe(0);
      expect(text.stdout).toMatch(/^source\s+ispdb \(\d+ ms\)$/m);
      expect(text.stdout).toMatch(/^from\s+Thunderbird's ISPDB entry for gmail.com: Google Mail$/m);
      expect(text.stdout).toMatch(
        /^IMAP\s+imap\.gmail\.com:993, TLS, user ana@gmail\.com, sign-in by OAuth2, password$/m,
      );
      expect(text.stdout).toMatch(/^SMTP\s+smtp\.gmail\.com:465, TLS/m);
      expect(text.stdout).toMatch(/^OAuth2\s+accounts\.google\.com: authorize at https:\/\//m);

      const json = await runCli(
        ['--data-dir', data, 'account', 'discover', 'ana@gmx.de', '--json'],
        env,
      );
      expect(json.code).toBe(0);
      expect(JSON.parse(json.stdout)).toMatchObject({
        source: 'ispdb',
        imap: { host: 'imap.gmx.net', port: 993, security: 'tls', user: 'ana@gmx.de' },
        oauth2: null,
      });

      const wrong = await runCli(
        ['--data-dir', data, 'account', 'discover', 'not-an-address'],
        env,
      );
      expect(wrong.code).not.toBe(0);
      expect(wrong.stderr).toContain('INVALID_INPUT');
    } finally {
      rmSync(data, { recursive: true, force: true });
    }
  });
});
