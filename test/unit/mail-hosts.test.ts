// The server of many people connects people's accounts only outside its own network, but
// where its operator allows (PRIVATE_MAIL_HOSTS): addresses classified, entries read, and
// the IMAP and SMTP connections refused before any packet leaves. Names resolve through
// /etc/hosts (localhost) only.
import { afterEach, describe, expect, it } from 'vitest';
import { MaildockError } from '../../common/errors.js';
import {
  isPrivateAddress,
  mailHostRule,
  mailTarget,
  restrictMailHosts,
} from '../../main/core/net/mail-hosts.js';
import { SmtpSession } from '../../main/core/send/smtp.js';
import { connect } from '../../main/core/sync/connect.js';

afterEach(() => restrictMailHosts(null));

async function refusal(p: Promise<unknown>): Promise<MaildockError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(MaildockError);
  return err as MaildockError;
}

describe('private addresses', () => {
  it.each([
    '127.0.0.1',
    '127.8.9.10',
    '10.1.2.3',
    '172.16.0.1',
    '172.31.255.255',
    '192.168.1.1',
    '169.254.169.254',
    '100.64.0.1',
    '0.0.0.0',
    '224.0.0.1',
    '255.255.255.255',
    '::1',
    '::',
    'fd00::25',
    'fe80::1',
    '::ffff:127.0.0.1',
    '::ffff:10.0.0.1',
    '::ffff:7f00:1',
    '0:0:0:0:0:ffff:a00:1',
    '::127.0.0.1',
    '64:ff9b::a00:1',
  ])('%s is inside', (address) => expect(isPrivateAddress(address)).toBe(true));

  it.each([
    '8.8.8.8',
    '172.32.0.1',
    '192.169.0.1',
    '100.128.0.1',
    '2a00:1450::1',
    '::ffff:1.1.1.1',
  ])('%s is outside', (address) => expect(isPrivateAddress(address)).toBe(false));
});

describe('PRIVATE_MAIL_HOSTS', () => {
  it('reads names, addresses and networks, with or without a port', () => {
    const rule = mailHostRule([
      'dovecot',
      'Mail.Internal.',
      '127.0.0.1:1143',
      '127.0.0.1:1587',
      '[fd00::25]:993',
      '::1',
      '10.1.0.0/16',
      ' ',
    ]);
    expect(rule.entries).toHaveLength(7);
    expect(rule.names.get('dovecot')).toBeNull();
    expect(rule.names.get('mail.internal')).toBeNull();
    expect([...rule.addresses.get('127.0.0.1')!]).toEqual([1143, 1587]);
    expect([...rule.addresses.get('fd00::25')!]).toEqual([993]);
    expect(rule.addresses.get('::1')).toBeNull();
    expect(rule.networks.check('10.1.200.3', 'ipv4')).toBe(true);
  });

  it.each(['10.0.0.0/33', 'not a host', 'host:99999', 'a/b', '_bad.example'])(
    'refuses %s',
    (entry) => expect(() => mailHostRule([entry])).toThrow(),
  );
});

describe('where a mail connection goes', () => {
  it('anywhere, by the name given, when not restricted', async () => {
    expect(await mailTarget('127.0.0.1', 5432)).toEqual({ host: '127.0.0.1' });
    expect(await mailTarget('localhost', 6379)).toEqual({ host: 'localhost' });
  });

  it('refuses an address inside the network, literal or by name, on a port not allowed', async () => {
    restrictMailHosts(mailHostRule(['127.0.0.1:1143']));
    for (const [host, port] of [
      ['127.0.0.1', 5432],
      ['localhost', 6379],
      ['169.254.169.254', 80],
      ['::ffff:127.0.0.1', 5432],
    ] as const) {
      const err = await refusal(mailTarget(host, port));
      expect(err.code).toBe('FORBIDDEN');
      expect(err.message).toContain("inside this server's own network");
      expect(err.fields).toEqual({ host, port });
    }
  });

  it('connects to the address it checked, the name kept for TLS', async () => {
    restrictMailHosts(mailHostRule(['127.0.0.0/8']));
    expect(await mailTarget('localhost', 993)).toEqual({
      host: '127.0.0.1',
      servername: 'localhost',
    });
    expect(await mailTarget('127.0.0.1', 993)).toEqual({ host: '127.0.0.1' });
    expect(await mailTarget('8.8.8.8', 993)).toEqual({ host: '8.8.8.8' });
  });

  it('lets an allowed name or address through on its ports only', async () => {
    restrictMailHosts(mailHostRule(['localhost:1143', '127.0.0.2:1587']));
    expect(await mailTarget('localhost', 1143)).toEqual({ host: 'localhost' });
    expect(await mailTarget('LOCALHOST.', 1143)).toEqual({ host: 'LOCALHOST.' });
    expect(await mailTarget('127.0.0.2', 1587)).toEqual({ host: '127.0.0.2' });
    expect((await refusal(mailTarget('localhost', 1587))).code).toBe('FORBIDDEN');
    expect((await refusal(mailTarget('127.0.0.2', 1143))).code).toBe('FORBIDDEN');
  });

  it('IMAP and SMTP connections are refused before they are made', async () => {
    restrictMailHosts(mailHostRule([]));
    const imap = await refusal(
      connect({ host: 'localhost', port: 5432, security: 'none', user: 'u' }, 'secret-password', {
        timeoutMs: 2_000,
      }),
    );
    expect(imap.code).toBe('FORBIDDEN');
    const smtp = await refusal(
      SmtpSession.open({ host: '127.0.0.1', port: 6379, security: 'none', user: 'u' }, 'pw', {
        timeoutMs: 2_000,
      }),
    );
    expect(smtp.code).toBe('FORBIDDEN');
    expect(smtp.message).not.toContain('pw');
  });
});
