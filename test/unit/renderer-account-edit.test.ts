// Editing an account as data: the form prefilled from the account (an empty password means
// "unchanged"), and the update that goes to account.update carrying only what changed,
// checked with the contract's own schema, a pinned certificate kept while its host stays.
import { describe, expect, it } from 'vitest';
import type { Account } from '../../common/types.js';
import {
  accountFormOf,
  editField,
  validateAccountEdit,
  type AccountForm,
  type FieldPath,
} from '../../renderer/src/settings/account-form.js';

const CERT = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----';
const account: Account = {
  id: 7,
  email: 'alice@example.org',
  name: 'Alice',
  imap: { host: 'imap.example.org', port: 993, security: 'tls', user: 'alice', tlsCert: CERT },
  smtp: null,
  identities: [{ email: 'alice@example.org', name: 'Alice', signature: null, primary: true }],
  createdAt: '2026-01-01T00:00:00.000Z',
};
const edited = (...edits: [FieldPath, string | boolean][]): AccountForm =>
  edits.reduce((f, [path, value]) => editField(f, path, value), accountFormOf(account));

describe('editing an account', () => {
  it('prefills the form, the password empty and the servers not following the address', () => {
    const f = accountFormOf(account);
    expect(f.name).toBe('Alice');
    expect(f.password).toBe('');
    expect(f.imap).toEqual({
      host: 'imap.example.org',
      port: '993',
      security: 'tls',
      user: 'alice',
    });
    expect(f.smtpEnabled).toBe(false);
    // Changing the security keeps the port the account has.
    expect(editField(f, 'imap.security', 'starttls').imap.port).toBe('993');
  });

  it('sends nothing but the id when nothing changed', () => {
    expect(validateAccountEdit(accountFormOf(account), account)).toEqual({
      ok: true,
      input: { id: 7 },
      changed: false,
    });
  });

  it('sends a new name, and null when it is cleared', () => {
    const renamed = validateAccountEdit(edited(['name', '  Work  ']), account);
    expect(renamed).toEqual({ ok: true, input: { id: 7, name: 'Work' }, changed: true });
    const cleared = validateAccountEdit(edited(['name', '']), account);
    expect(cleared.ok && cleared.input).toEqual({ id: 7, name: null });
  });

  it('sends a typed password only', () => {
    const r = validateAccountEdit(edited(['password', 'new secret']), account);
    expect(r.ok && r.input).toEqual({ id: 7, password: 'new secret' });
  });

  it('sends the whole IMAP server when a field of it changed, keeping the pin on the same host', () => {
    const port = validateAccountEdit(
      edited(['imap.port', '143'], ['imap.security', 'starttls']),
      account,
    );
    expect(port.ok && port.input).toEqual({
      id: 7,
      imap: {
        host: 'imap.example.org',
        port: 143,
        security: 'starttls',
        user: 'alice',
        tlsCert: CERT,
      },
    });
    const moved = validateAccountEdit(edited(['imap.host', 'mail.example.net']), account);
    expect(moved.ok && moved.input).toEqual({
      id: 7,
      imap: { host: 'mail.example.net', port: 993, security: 'tls', user: 'alice' },
    });
  });

  it('adds an outgoing server, and removes one with null', () => {
    const added = validateAccountEdit(
      edited(['smtpEnabled', true], ['smtp.host', 'smtp.example.org']),
      account,
    );
    expect(added.ok && added.input).toEqual({
      id: 7,
      smtp: {
        host: 'smtp.example.org',
        port: 587,
        security: 'starttls',
        user: 'alice@example.org',
      },
    });
    const withSmtp: Account = {
      ...account,
      smtp: { host: 'smtp.example.org', port: 587, security: 'starttls', user: 'alice' },
    };
    const kept = validateAccountEdit(accountFormOf(withSmtp), withSmtp);
    expect(kept.ok && kept.input).toEqual({ id: 7 });
    const removed = validateAccountEdit(
      editField(accountFormOf(withSmtp), 'smtpEnabled', false),
      withSmtp,
    );
    expect(removed.ok && removed.input).toEqual({ id: 7, smtp: null });
  });

  it('marks the fields the contract refuses', () => {
    const r = validateAccountEdit(edited(['imap.port', 'abc'], ['imap.host', '']), account);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.errors['imap.port']).toBe('A port is a number from 1 to 65535.');
      expect(r.errors['imap.host']).toBeTruthy();
    }
  });
});
