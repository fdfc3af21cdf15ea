// `maildock account edit`'s options over the stored account: only what an option names
// changes, one login name serves both servers, a certificate pin stays with its server.
import { describe, expect, it } from 'vitest';
import type { Account } from '../../common/types.js';
import { editInput } from '../../main/cli/account.js';

const PEM = '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n';

const account: Account = {
  id: 3,
  email: 'me@x.test',
  name: 'Me',
  imap: { host: 'imap.x.test', port: 993, security: 'tls', user: 'me', tlsCert: PEM },
  smtp: { host: 'smtp.x.test', port: 587, security: 'starttls', user: 'me', tlsCert: PEM },
  identities: [{ email: 'me@x.test', name: 'Me', signature: null, primary: true }],
  createdAt: '2026-12-01T00:00:00.000Z',
};
const noSmtp: Account = { ...account, smtp: null };

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error('nothing was thrown');
}

describe('account edit options', () => {
  it('changes the name alone, or clears it', () => {
    expect(editInput(account, { name: 'New' })).toEqual({ id: 3, name: 'New' });
    expect(editInput(account, { name: false })).toEqual({ id: 3, name: null });
    expect(editInput(account, {})).toEqual({ id: 3 });
  });

  it('changes one IMAP setting, keeping the pin on the same server and dropping it on another', () => {
    expect(editInput(account, { imapSecurity: 'starttls' }).imap).toEqual({
      ...account.imap,
      security: 'starttls',
    });
    expect(editInput(account, { imapHost: 'mail.x.test' }).imap).toEqual({
      host: 'mail.x.test',
      port: 993,
      security: 'tls',
      user: 'me',
    });
  });

  it('gives a new login name to SMTP too where both had the same one', () => {
    const both = editInput(account, { user: 'me@x.test' });
    expect(both.imap?.user).toBe('me@x.test');
    expect(both.smtp).toEqual({ ...account.smtp, user: 'me@x.test' });
    const apart = editInput(
      { ...account, smtp: { ...account.smtp!, user: 'relay' } },
      {
        user: 'me@x.test',
      },
    );
    expect(apart.smtp).toBeUndefined();
  });

  it('adds SMTP with the defaults of account add, and needs its host', () => {
    expect(editInput(noSmtp, { smtpHost: 'smtp.y.test' }).smtp).toEqual({
      host: 'smtp.y.test',
      port: 587,
      security: 'starttls',
      user: 'me',
    });
    expect(editInput(noSmtp, { smtpHost: 'smtp.y.test', smtpSecurity: 'tls' }).smtp?.port).toBe(
      465,
    );
    expect(thrown(() => editInput(noSmtp, { smtpPort: 25 }))).toMatchObject({
      code: 'INVALID_INPUT',
      fields: { option: '--smtp-host' },
    });
  });

  it('removes SMTP, and refuses --no-smtp with SMTP settings', () => {
    expect(editInput(account, { smtp: false })).toEqual({ id: 3, smtp: null });
    expect(
      thrown(() => editInput(account, { smtp: false, smtpHost: 'smtp.y.test' })),
    ).toMatchObject({ code: 'INVALID_INPUT', fields: { option: '--no-smtp' } });
  });
});
