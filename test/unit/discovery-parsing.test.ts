// The pure parts of account discovery: the clientConfig reader (ISPDB and autoconfig files,
// hostile ones included), placeholders, addresses, IMAP capabilities and SMTP extensions as
// sign-in methods, the order of SRV records and of guessed hosts.
import type { SrvRecord } from 'node:dns';
import { describe, expect, it } from 'vitest';
import {
  addressParts,
  parseClientConfig,
  resolveServer,
  type ServerTemplate,
} from '../../main/core/discovery/config-xml.js';
import { guesses } from '../../main/core/discovery/guess.js';
import { capabilitiesIn, imapAuth } from '../../main/core/discovery/probe-imap.js';
import { smtpAuth } from '../../main/core/discovery/probe-smtp.js';
import { srvCandidates } from '../../main/core/discovery/srv.js';

const file = (servers: string, extra = '') => `<?xml version="1.0" encoding="UTF-8"?>
<clientConfig version="1.1">
  <emailProvider id="example.com">
    <domain>example.com</domain>
    <domain>Example.NET.</domain>
    <domain>not a domain</domain>
    <displayName>Example &amp; Co</displayName>
    ${servers}
  </emailProvider>
  ${extra}
</clientConfig>`;

const imap = (
  host: string,
  port: string,
  socket: string,
  auth: string[],
  user = '%EMAILADDRESS%',
) =>
  `<incomingServer type="imap"><hostname>${host}</hostname><port>${port}</port>
   <socketType>${socket}</socketType><username>${user}</username>
   ${auth.map((a) => `<authentication>${a}</authentication>`).join('')}</incomingServer>`;

const ana = addressParts('ana.lopez@Example.COM')!;

describe('a clientConfig file', () => {
  it('gives the best IMAP and SMTP servers, their security and sign-in methods', () => {
    const p = parseClientConfig(
      file(
        imap('imap.example.com', '143', 'STARTTLS', ['password-cleartext']) +
          imap('imap.example.com', '993', 'SSL', ['OAuth2', 'password-encrypted', 'GSSAPI']) +
          imap('plain.example.com', '143', 'plain', ['password-cleartext']) +
          `<outgoingServer type="smtp"><hostname>smtp.%EMAILDOMAIN%</hostname><port>587</port>
           <socketType>STARTTLS</socketType><authentication>password-cleartext</authentication>
           <authentication>password-cleartext</authentication></outgoingServer>`,
        `<oAuth2><issuer>login.example.com</issuer><scope>mail  offline_access</scope>
         <authURL>https://login.example.com/auth?a=1&amp;b=2</authURL>
         <tokenURL>https://login.example.com/token</tokenURL></oAuth2>`,
      ),
    );
    expect(p).toEqual({
      id: 'example.com',
      name: 'Example & Co',
      domains: ['example.com', 'example.net'],
      imap: {
        host: 'imap.example.com',
        port: 993,
        security: 'tls',
        user: '%EMAILADDRESS%',
        auth: ['oauth2', 'password'],
      },
      smtp: {
        host: 'smtp.%EMAILDOMAIN%',
        port: 587,
        security: 'starttls',
        user: '%EMAILADDRESS%',
        auth: ['password'],
      },
      oauth2: {
        issuer: 'login.example.com',
        authUrl: 'https://login.example.com/auth?a=1&b=2',
        tokenUrl: 'https://login.example.com/token',
        scopes: ['mail', 'offline_access'],
      },
    });
  });

  it('leaves out servers it cannot use or trust: a bad name or port, no known sign-in, POP3', () => {
    const p = parseClientConfig(
      file(
        imap('evil host', '993', 'SSL', ['password-cleartext']) +
          imap('imap.example.com', '99999', 'SSL', ['password-cleartext']) +
          imap('imap.example.com', '993', 'SSL', ['GSSAPI', 'NTLM']) +
          imap('imap.example.com', '993', 'TLS-ish', ['password-cleartext']) +
          `<incomingServer type="pop3"><hostname>pop.example.com</hostname><port>995</port>
           <socketType>SSL</socketType><authentication>password-cleartext</authentication>
           </incomingServer>`,
        // Not HTTPS: no OAuth2 endpoints from it.
        `<oAuth2><issuer>x</issuer><authURL>http://login.example.com/</authURL>
         <tokenURL>https://login.example.com/token</tokenURL></oAuth2>`,
      ),
    );
    expect(p).toMatchObject({ imap: null, smtp: null, oauth2: null });
  });

  it('carries no control characters to a form or a terminal, nor endless text', () => {
    const p = parseClientConfig(
      file(
        imap('imap.example.com', '993', 'SSL', ['password-cleartext'], 'ana\u001b[2J\u0007') +
          `<outgoingServer type="smtp"><hostname>smtp.example.com</hostname><port>465</port>
           <socketType>SSL</socketType><username>${'u'.repeat(5000)}</username>
           <authentication>password-cleartext</authentication></outgoingServer>`,
      ).replace('Example &amp; Co', 'Evil\u001b]0;title\u0007 Co'),
    );
    for (const value of [p.name, p.imap?.user]) expect(value).not.toMatch(/\p{Cc}/u);
    expect(p.name).toBe('Evil ]0;title  Co');
    expect(p.imap?.user).toBe('ana [2J');
    // Too long to be a user name: the address is used.
    expect(p.smtp?.user).toBe('%EMAILADDRESS%');
  });

  it('is refused, saying why, when it is not one', () => {
    const cases: [string, RegExp][] = [
      ['<html><body>Welcome</body></html>', /no <clientConfig> element/],
      ['<html><body><p>Unclosed</body></html>', /not well-formed XML/],
      ['not xml at all', /not well-formed XML|no <clientConfig>/],
      ['<clientConfig version="1.1"></clientConfig>', /no <emailProvider> element/],
      [
        '<!DOCTYPE x [<!ENTITY a "aaaa">]><clientConfig><emailProvider/></clientConfig>',
        /declares a DOCTYPE/,
      ],
      [`<clientConfig>${'<a>'.repeat(50)}${'</a>'.repeat(50)}</clientConfig>`, /beyond the limits/],
    ];
    for (const [xml, why] of cases) expect(() => parseClientConfig(xml), xml).toThrow(why);
  });
});

describe('placeholders and addresses', () => {
  const t = (host: string, user: string): ServerTemplate => ({
    host,
    port: 993,
    security: 'tls',
    user,
    auth: ['password'],
  });

  it('fill in the address, its local part and its domain', () => {
    expect(ana).toEqual({
      email: 'ana.lopez@Example.COM',
      local: 'ana.lopez',
      domain: 'example.com',
    });
    expect(resolveServer(t('mail.%EMAILDOMAIN%', '%EMAILLOCALPART%.%EMAILDOMAIN%'), ana)).toEqual({
      host: 'mail.example.com',
      port: 993,
      security: 'tls',
      user: 'ana.lopez.example.com',
      auth: ['password'],
    });
    expect(resolveServer(t('imap.example.com', '%EMAILADDRESS%'), ana)?.user).toBe(
      'ana.lopez@Example.COM',
    );
    // A placeholder Maildock does not know (the ISPDB has "%EMAILADDRESS" once): the address.
    expect(resolveServer(t('imap.example.com', '%EMAILADDRESS'), ana)?.user).toBe(
      'ana.lopez@Example.COM',
    );
  });

  it('give a domain in lower-case ASCII, or nothing for what is not an address', () => {
    expect(addressParts('jürgen@Bücher.example')?.domain).toBe('xn--bcher-kva.example');
    expect(addressParts('no-at-sign')).toBeNull();
    expect(addressParts('@example.com')).toBeNull();
    expect(addressParts('a@[127.0.0.1]')).toBeNull();
  });
});

describe('what a server offers', () => {
  it('reads IMAP capabilities from a greeting or a CAPABILITY answer', () => {
    expect(
      capabilitiesIn('* OK [CAPABILITY IMAP4rev1 STARTTLS AUTH=PLAIN LOGINDISABLED] Ready.'),
    ).toEqual(new Set(['IMAP4REV1', 'STARTTLS', 'AUTH=PLAIN', 'LOGINDISABLED']));
    expect(capabilitiesIn('* CAPABILITY IMAP4rev1 IDLE')).toEqual(new Set(['IMAP4REV1', 'IDLE']));
    expect(capabilitiesIn('* OK Dovecot ready.')).toBeNull();
  });

  it('turns IMAP capabilities into sign-in methods', () => {
    const caps = (s: string) => new Set(s.split(' '));
    expect(imapAuth(caps('IMAP4REV1'))).toEqual(['password']);
    expect(imapAuth(caps('IMAP4REV1 LOGINDISABLED'))).toEqual([]);
    expect(imapAuth(caps('IMAP4REV1 LOGINDISABLED AUTH=PLAIN'))).toEqual(['password']);
    expect(imapAuth(caps('IMAP4REV1 LOGINDISABLED AUTH=XOAUTH2'))).toEqual(['oauth2']);
    expect(imapAuth(caps('IMAP4REV1 AUTH=OAUTHBEARER'))).toEqual(['password', 'oauth2']);
  });

  it('turns SMTP AUTH extensions into sign-in methods', () => {
    expect(smtpAuth(['PIPELINING', 'AUTH PLAIN LOGIN', 'AUTH=PLAIN LOGIN'])).toEqual(['password']);
    expect(smtpAuth(['AUTH XOAUTH2 OAUTHBEARER'])).toEqual(['oauth2']);
    expect(smtpAuth(['auth cram-md5 xoauth2'])).toEqual(['password', 'oauth2']);
    expect(smtpAuth(['8BITMIME', 'AUTHX'])).toEqual([]);
  });
});

describe('the order of SRV records', () => {
  const rec = (name: string, port: number, priority: number, weight = 0): SrvRecord => ({
    name,
    port,
    priority,
    weight,
  });
  const order = (tls: SrvRecord[], starttls: SrvRecord[], random: () => number = () => 0.5) =>
    srvCandidates(
      { name: '_imaps._tcp.example.com', records: tls },
      { name: '_imap._tcp.example.com', records: starttls },
      random,
    );

  it('is by priority, implicit TLS first where priorities tie', () => {
    const r = order(
      [rec('b.example.com', 993, 20), rec('a.example.com.', 993, 10)],
      [rec('c.example.com', 143, 10), rec('d.example.com', 143, 5)],
    );
    expect(r.offered).toBe(true);
    expect(r.candidates.map((c) => `${c.host}:${c.port}/${c.security}`)).toEqual([
      'd.example.com:143/starttls',
      'a.example.com:993/tls',
      'c.example.com:143/starttls',
      'b.example.com:993/tls',
    ]);
    expect(r.candidates[0]!.record).toBe('_imap._tcp.example.com');
  });

  it('is weighted among equals (RFC 2782), a weight of 0 first only by chance', () => {
    const same = [
      rec('zero.example.com', 993, 1, 0),
      rec('heavy.example.com', 993, 1, 90),
      rec('light.example.com', 993, 1, 10),
    ];
    const first = (random: number) => order(same, [], () => random).candidates[0]!.host;
    expect(first(0)).toBe('zero.example.com');
    expect(first(0.05)).toBe('heavy.example.com');
    expect(first(0.95)).toBe('light.example.com');
  });

  it('says "not offered" for a target of ".", and drops what is not a host and port', () => {
    expect(order([rec('', 0, 0)], [rec('.', 0, 0)])).toEqual({ candidates: [], offered: false });
    expect(order([], [])).toEqual({ candidates: [], offered: true });
    const bad = order([rec('bad host', 993, 1), rec('ok.example.com', 0, 1)], []);
    expect(bad.candidates).toEqual([]);
    const many = order(
      Array.from({ length: 50 }, (_, i) => rec(`h${i}.example.com`, 993, i)),
      [],
    );
    expect(many.candidates.length).toBeLessThanOrEqual(4);
  });
});

describe('likely hosts', () => {
  it('are imap., mail. and the domain on 993 then 143; smtp., mail. and the domain on 465 then 587', () => {
    const g = guesses('example.com');
    expect(g.imap.map((c) => `${c.host}:${c.port}`)).toEqual([
      'imap.example.com:993',
      'imap.example.com:143',
      'mail.example.com:993',
      'mail.example.com:143',
      'example.com:993',
      'example.com:143',
    ]);
    expect(g.smtp.map((c) => `${c.host}:${c.port}/${c.security}`)).toEqual([
      'smtp.example.com:465/tls',
      'smtp.example.com:587/starttls',
      'mail.example.com:465/tls',
      'mail.example.com:587/starttls',
      'example.com:465/tls',
      'example.com:587/starttls',
    ]);
  });
});
