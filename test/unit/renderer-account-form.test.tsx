// @vitest-environment jsdom
// Account setup: the defaults a typed address and a chosen security give (and that hand-set
// fields keep their value), validation by the contract's own schema shown next to each
// field, and the form over a fake client: a refused login reads as AUTH_FAILED's sentence
// with the server's detail, nothing is added, and the password never shows on the page.
import { act } from 'react';
import { createRoot } from 'react-dom/client';
import { afterEach, describe, expect, it } from 'vitest';
import { ERROR_TEXT } from '../../common/errors.js';
import { ClientError, type MaildockClient } from '../../renderer/src/client/client.js';
import { ClientProvider } from '../../renderer/src/client/context.js';
import type { Discovery } from '../../common/types.js';
import {
  domainOf,
  editField,
  emptyAccountForm,
  validateAccountForm,
  withDiscovery,
  type AccountForm,
  type FieldPath,
} from '../../renderer/src/settings/account-form.js';
import { AccountSetup } from '../../renderer/src/settings/AccountSetup.js';

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

const typed = (...edits: [FieldPath, string | boolean][]): AccountForm =>
  edits.reduce((f, [path, value]) => editField(f, path, value), emptyAccountForm());

describe('what discovery found, in the form', () => {
  const found: Discovery = {
    source: 'srv',
    origin: 'the SRV records _imaps._tcp.example.org and _submission._tcp.example.org',
    domain: 'example.org',
    mx: null,
    provider: null,
    imap: {
      host: 'mx1.example.org',
      port: 1993,
      security: 'tls',
      user: 'alice',
      auth: ['password'],
    },
    smtp: {
      host: 'out.example.org',
      port: 2587,
      security: 'starttls',
      user: 'alice',
      auth: ['password', 'oauth2'],
    },
    oauth2: null,
    tookMs: 12,
  };

  it('fills the fields not typed by hand, and turns the outgoing server on', () => {
    const start = typed(
      ['email', 'alice@example.org'],
      ['imap.user', 'alice.b'],
      ['smtpEnabled', false],
    );
    const f = withDiscovery(start, 'alice@example.org', found);
    expect(f.imap).toEqual({
      host: 'mx1.example.org',
      port: '1993',
      security: 'tls',
      user: 'alice.b',
    });
    expect(f.smtp).toEqual({
      host: 'out.example.org',
      port: '2587',
      security: 'starttls',
      user: 'alice',
    });
    expect(f.smtpEnabled).toBe(true);
    // A security chosen by hand puts that server's defaults back.
    expect(editField(f, 'imap.security', 'starttls').imap).toMatchObject({
      host: 'imap.example.org',
      port: '143',
    });
  });

  it('is for the address it was found for: another one goes back to the guesses', () => {
    const f = withDiscovery(typed(['email', 'alice@example.org']), 'ALICE@example.org', found);
    expect(f.imap.host).toBe('mx1.example.org');
    const other = editField(f, 'email', 'bob@example.net');
    expect(other.discovered).toBeUndefined();
    expect(other.imap).toMatchObject({ host: 'imap.example.net', port: '993', security: 'tls' });
    expect(other.smtp).toMatchObject({ host: 'smtp.example.net', port: '587' });
    // An answer for an address no longer typed changes nothing.
    const late = withDiscovery(other, 'alice@example.org', found);
    expect(late).toBe(other);
  });
});

describe('the account form’s defaults', () => {
  it('fills servers, ports and user names from the address', () => {
    const f = typed(['email', 'alice@example.org']);
    expect(f.imap).toEqual({
      host: 'imap.example.org',
      port: '993',
      security: 'tls',
      user: 'alice@example.org',
    });
    expect(f.smtp).toEqual({
      host: 'smtp.example.org',
      port: '587',
      security: 'starttls',
      user: 'alice@example.org',
    });
    expect(domainOf('bob@')).toBeNull();
    expect(typed(['email', 'bob@']).imap.host).toBe('');
  });

  it('follows the security with the port: 993/143 for IMAP, 465/587 for SMTP', () => {
    let f = typed(['email', 'a@example.org'], ['imap.security', 'starttls']);
    expect(f.imap.port).toBe('143');
    f = editField(f, 'imap.security', 'none');
    expect(f.imap.port).toBe('143');
    f = editField(f, 'imap.security', 'tls');
    expect(f.imap.port).toBe('993');
    f = editField(f, 'smtp.security', 'tls');
    expect(f.smtp.port).toBe('465');
    f = editField(f, 'smtp.security', 'starttls');
    expect(f.smtp.port).toBe('587');
  });

  it('keeps what the user set by hand, until it is emptied again', () => {
    let f = typed(
      ['email', 'a@example.org'],
      ['imap.host', 'mail.example.net'],
      ['imap.port', '1143'],
      ['imap.user', 'a'],
    );
    f = editField(editField(f, 'email', 'b@example.com'), 'imap.security', 'starttls');
    expect(f.imap).toEqual({
      host: 'mail.example.net',
      port: '1143',
      security: 'starttls',
      user: 'a',
    });
    // The SMTP side was never touched: it follows the new address.
    expect(f.smtp.host).toBe('smtp.example.com');
    f = editField(f, 'imap.host', '');
    expect(f.imap.host).toBe('imap.example.com');
  });
});

describe('the account form’s validation', () => {
  it('gives the contract’s input when the form is complete', () => {
    const v = validateAccountForm(
      typed(['email', ' alice@example.org '], ['password', 'secret'], ['smtpEnabled', false]),
    );
    expect(v).toEqual({
      ok: true,
      input: {
        email: 'alice@example.org',
        imap: { host: 'imap.example.org', port: 993, security: 'tls', user: 'alice@example.org' },
        password: 'secret',
      },
    });
  });

  it('names each field that is wrong, in words', () => {
    const v = validateAccountForm(
      typed(
        ['email', 'not an address'],
        ['imap.port', '99999'],
        ['smtp.port', 'abc'],
        ['smtp.host', 'bad host!'],
      ),
    );
    expect(v.ok).toBe(false);
    if (v.ok) return;
    expect(v.errors.email).toBe('Enter an email address such as alice@example.com.');
    expect(v.errors.password).toBe('Enter the password.');
    expect(v.errors['imap.port']).toBe('A port is a number from 1 to 65535.');
    expect(v.errors['smtp.port']).toBe('A port is a number from 1 to 65535.');
    expect(v.errors['smtp.host']).toBe(
      'Host may hold only letters, digits, dots, dashes and colons.',
    );
    // No address to guess from: the IMAP host is empty and required.
    expect(v.errors['imap.host']).toBe('Host is required.');
  });
});

let container: HTMLElement | null = null;
afterEach(() => container?.remove());

function setup(answer: (method: string, input: unknown) => unknown) {
  const calls: [string, unknown][] = [];
  const added: number[] = [];
  const client = {
    transport: 'http',
    call: async (method: string, input: unknown) => {
      calls.push([method, input]);
      return answer(method, input);
    },
    on: () => () => undefined,
  } as unknown as MaildockClient;
  container = document.createElement('div');
  document.body.append(container);
  const root = createRoot(container);
  act(() =>
    root.render(
      <ClientProvider client={client}>
        <AccountSetup
          onAdded={(a) => added.push(a.id)}
          onSynced={() => undefined}
          onShowSync={() => undefined}
          onCancel={() => undefined}
        />
      </ClientProvider>,
    ),
  );
  const el = container;
  const input = (label: string) => {
    const l = [...el.querySelectorAll('label')].find((x) => x.textContent === label)!;
    return document.getElementById(l.htmlFor) as HTMLInputElement;
  };
  const type = (label: string, value: string) =>
    act(() => {
      const i = input(label);
      // React listens for the native setter's input event.
      Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')!.set!.call(i, value);
      i.dispatchEvent(new Event('input', { bubbles: true }));
    });
  const button = (name: string) =>
    [...el.querySelectorAll('button')].find((b) => b.textContent === name)!;
  return { calls, added, el, input, type, button };
}

describe('the account setup form', () => {
  it('shows field errors next to the fields and calls nothing', async () => {
    const t = setup(() => ({ capabilities: [] }));
    t.type('Email address', 'alice');
    await act(async () => t.button('Test connection').click());
    expect(t.calls).toEqual([]);
    const email = t.input('Email address');
    expect(email.getAttribute('aria-invalid')).toBe('true');
    expect(document.getElementById(email.getAttribute('aria-describedby')!)?.textContent).toBe(
      'Enter an email address such as alice@example.com.',
    );
    expect(t.input('Password').type).toBe('password');
    expect(t.input('Password').autocomplete).toBe('current-password');
  });

  it('reads a refused login as AUTH_FAILED’s sentence, and the password stays off the page', async () => {
    const t = setup((method) => {
      if (method === 'account.add' || method === 'account.test')
        throw new ClientError({
          code: 'AUTH_FAILED',
          message: 'The server at imap.example.org:993 refused the user name or password.',
        });
      return null;
    });
    t.type('Email address', 'alice@example.org');
    t.type('Password', 'hunter2-secret');
    await act(async () => t.button('Add account').click());
    expect(t.calls.map(([m]) => m)).toEqual(['account.add']);
    expect(t.added).toEqual([]);
    const alert = t.el.querySelector('.settings-error')!;
    expect(alert.textContent).toBe(
      ERROR_TEXT.AUTH_FAILED +
        'The server at imap.example.org:993 refused the user name or password.' +
        'Copy details',
    );
    expect(t.el.textContent).not.toContain('hunter2-secret');
    expect(t.el.innerHTML).not.toContain('hunter2-secret');
  });

  it('tests, adds, clears the password and starts the initial sync', async () => {
    let finishSync: (v: unknown) => void = () => undefined;
    const t = setup((method, input) => {
      if (method === 'account.test') return { capabilities: ['IMAP4rev1', 'IDLE'] };
      if (method === 'account.add')
        return { id: 7, email: (input as { email: string }).email, name: null };
      if (method === 'sync.run') return new Promise((r) => (finishSync = r));
      return null;
    });
    t.type('Email address', 'alice@example.org');
    t.type('Password', 'right-password');
    await act(async () => t.button('Test connection').click());
    expect(t.el.querySelector('.account-tested')?.textContent).toContain('IMAP4rev1 IDLE');

    await act(async () => t.button('Add account').click());
    expect(t.calls.map(([m]) => m)).toEqual(['account.test', 'account.add', 'sync.run']);
    expect(t.calls[2]![1]).toEqual({ accountId: 7 });
    expect(t.added).toEqual([7]);
    expect(t.el.textContent).toContain('Added alice@example.org.');
    expect(t.el.textContent).toContain('The initial sync has started');
    await act(async () => finishSync({}));
    expect(t.el.textContent).toContain('The initial sync has finished.');
  });
});
