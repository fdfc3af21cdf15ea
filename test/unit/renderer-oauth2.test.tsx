// @vitest-environment jsdom
// OAuth2 sign-in in the settings: which provider a discovered issuer stands for (Google,
// Microsoft 365, or the issuer's URL), which flow fits where the page runs, when an account
// waits to be signed in again, what the top bar says then; and the form and the accounts list
// over a fake client: "Sign in with …" runs oauth2.start, oauth2.finish, then account.add with
// the finished sign-in and no password; a pasted code is sent as typed; "Sign in again" ends in
// account.signin; Cancel stops waiting and adds nothing.
import { act } from 'react';
import { createRoot } from 'react-dom/client';
import { afterEach, describe, expect, it } from 'vitest';
import type { Account, AccountSyncState, Discovery } from '../../common/types.js';
import type { MaildockClient } from '../../renderer/src/client/client.js';
import { ClientProvider } from '../../renderer/src/client/context.js';
import {
  editField,
  emptyAccountForm,
  validateAccountForm,
} from '../../renderer/src/settings/account-form.js';
import { AccountSetup } from '../../renderer/src/settings/AccountSetup.js';
import { AccountsList } from '../../renderer/src/settings/AccountsList.js';
import {
  flowFor,
  needsSignIn,
  offersOAuth2,
  providerName,
  providerOfChoice,
  providerOfDiscovery,
  providerOfIssuer,
} from '../../renderer/src/settings/oauth2-model.js';
import { syncStatusWords } from '../../renderer/src/settings/sync-words.js';

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

const server = (host: string, auth: ('password' | 'oauth2')[]) => ({
  host,
  port: 993,
  security: 'tls' as const,
  user: 'someone@gmail.com',
  auth,
});
const gmail: Discovery = {
  source: 'ispdb',
  origin: 'Thunderbird’s list of providers: Google Mail',
  domain: 'gmail.com',
  mx: null,
  provider: 'Google Mail',
  imap: server('imap.gmail.com', ['oauth2', 'password']),
  smtp: server('smtp.gmail.com', ['oauth2', 'password']),
  oauth2: {
    issuer: 'accounts.google.com',
    authUrl: 'https://accounts.google.com/o/oauth2/auth',
    tokenUrl: 'https://www.googleapis.com/oauth2/v3/token',
    scopes: ['https://mail.google.com/'],
  },
  tookMs: 1,
};

describe('the provider of a discovered issuer', () => {
  it('maps Google’s and Microsoft’s issuers to their profiles, any other to its URL', () => {
    expect(providerOfIssuer('accounts.google.com')).toBe('google');
    expect(providerOfIssuer('https://accounts.google.com')).toBe('google');
    expect(providerOfIssuer('login.microsoftonline.com')).toBe('microsoft');
    expect(providerOfIssuer('https://login.microsoftonline.com/common/v2.0')).toBe('microsoft');
    expect(providerOfIssuer('login.aol.com')).toBe('https://login.aol.com');
    expect(providerOfIssuer('https://id.example.org/realms/mail/')).toBe(
      'https://id.example.org/realms/mail',
    );
    expect(providerOfIssuer('http://127.0.0.1:4000')).toBe('http://127.0.0.1:4000');
    expect(providerOfIssuer('  ')).toBeNull();
  });

  it('offers a sign-in only where the incoming server takes OAuth2 and an issuer is named', () => {
    expect(offersOAuth2(gmail)).toBe(true);
    expect(providerOfDiscovery(gmail)).toBe('google');
    const passwordOnly = { ...gmail, imap: server('imap.example.org', ['password']) };
    expect(providerOfDiscovery(passwordOnly)).toBeNull();
    // OAuth2 without endpoints: the user picks the provider by hand.
    expect(providerOfDiscovery({ ...gmail, oauth2: null })).toBeNull();
  });

  it('takes a provider chosen by hand, and an issuer URL only when it is one', () => {
    expect(providerOfChoice('google', '')).toBe('google');
    expect(providerOfChoice('microsoft', 'ignored')).toBe('microsoft');
    expect(providerOfChoice('other', ' https://login.example.com/ ')).toBe(
      'https://login.example.com',
    );
    expect(providerOfChoice('other', '')).toBeNull();
    expect(providerOfChoice('other', 'login.example.com')).toBeNull();
    expect(providerOfChoice('other', 'javascript:alert(1)')).toBeNull();
    expect(providerOfChoice('other', 'https://a b')).toBeNull();
  });

  it('names the provider for the user', () => {
    expect(providerName('google')).toBe('Google');
    expect(providerName('microsoft')).toBe('Microsoft 365');
    expect(providerName('https://login.example.com/realms/x')).toBe('login.example.com');
  });
});

describe('the flow for where the page runs', () => {
  it('comes back to the core on this machine, else asks for the code to be pasted', () => {
    expect(flowFor('ipc', '')).toBe('loopback');
    expect(flowFor('http', '127.0.0.1')).toBe('loopback');
    expect(flowFor('http', 'localhost')).toBe('loopback');
    expect(flowFor('http', '[::1]')).toBe('loopback');
    expect(flowFor('http', 'mail.example.org')).toBe('manual');
    expect(flowFor('http', '192.168.1.20')).toBe('manual');
  });
});

describe('an account that waits to be signed in again', () => {
  const oauth2 = (signInRequired: boolean) => ({ oauth2: { provider: 'google', signInRequired } });
  it('follows the sync state, which is newer, and the account until the states are read', () => {
    expect(needsSignIn(oauth2(true), undefined)).toBe(true);
    expect(needsSignIn(oauth2(false), undefined)).toBe(false);
    expect(needsSignIn(oauth2(true), { signInRequired: false })).toBe(false);
    expect(needsSignIn(oauth2(false), { signInRequired: true })).toBe(true);
    expect(needsSignIn(oauth2(true), {})).toBe(false);
    expect(needsSignIn({}, undefined)).toBe(false);
  });

  it('is what the top bar says first, before another account’s progress', () => {
    const state = (accountId: number, more: Partial<AccountSyncState>): AccountSyncState => ({
      accountId,
      running: false,
      progress: null,
      lastSyncAt: '2024-03-04T09:00:00Z',
      errors: [],
      offline: null,
      ...more,
    });
    const accounts = [
      { id: 1, email: 'a@example.org' },
      { id: 2, email: 'b@example.org' },
    ];
    const words = syncStatusWords(
      [
        state(1, {
          signInRequired: true,
          errors: [{ code: 'SIGNIN_REQUIRED', message: 'ended' }],
        }),
        state(2, { running: true }),
      ],
      accounts,
      new Date('2024-03-04T09:01:00Z'),
    );
    expect(words).toEqual({ kind: 'signin', text: 'Sign in again: a@example.org', errors: 1 });
    const both = syncStatusWords(
      [state(1, { signInRequired: true }), state(2, { signInRequired: true })],
      accounts,
      new Date(),
    );
    expect(both.text).toBe('Sign in again: a@example.org (+1 more)');
  });
});

describe('the form with a finished sign-in', () => {
  it('needs no password, and gives the sign-in instead of one', () => {
    let form = emptyAccountForm();
    form = editField(form, 'email', 'alice@example.org');
    expect(validateAccountForm(form).ok).toBe(false);
    const v = validateAccountForm(form, { oauth2: { flowId: 'flow-1' } });
    expect(v.ok).toBe(true);
    if (!v.ok) return;
    expect(v.input.oauth2).toEqual({ flowId: 'flow-1' });
    expect(v.input.password).toBeUndefined();
  });
});

let container: HTMLElement | null = null;
afterEach(() => container?.remove());

type Answer = (method: string, input: unknown) => unknown;

function mount(answer: Answer, ui: (client: MaildockClient) => React.ReactNode) {
  const calls: [string, unknown][] = [];
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
  act(() => root.render(<ClientProvider client={client}>{ui(client)}</ClientProvider>));
  const el = container;
  const input = (label: string) => {
    const l = [...el.querySelectorAll('label')].find((x) => x.textContent === label)!;
    return (document.getElementById(l.htmlFor) ?? l.querySelector('input')) as HTMLInputElement;
  };
  const type = (label: string, value: string) =>
    act(() => {
      const i = input(label);
      Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')!.set!.call(i, value);
      i.dispatchEvent(new Event('input', { bubbles: true }));
    });
  const choose = (label: string, value: string) =>
    act(() => {
      const s = input(label) as unknown as HTMLSelectElement;
      Object.getOwnPropertyDescriptor(HTMLSelectElement.prototype, 'value')!.set!.call(s, value);
      s.dispatchEvent(new Event('change', { bubbles: true }));
    });
  const button = (name: string) =>
    [...el.querySelectorAll('button')].find((b) => b.textContent === name);
  return { calls, el, input, type, choose, button };
}

const flow = (kind: 'loopback' | 'manual') => ({
  flowId: 'flow-1',
  flow: kind,
  provider: 'https://login.example.com',
  email: 'alice@example.com',
  url: 'https://login.example.com/auth?client_id=maildock',
  userCode: null,
  expiresAt: '2030-01-01T00:00:00Z',
});

function setupForm(answer: Answer) {
  const added: number[] = [];
  const t = mount(answer, () => (
    <AccountSetup
      onAdded={(a) => added.push(a.id)}
      onSynced={() => undefined}
      onShowSync={() => undefined}
      onCancel={() => undefined}
    />
  ));
  return { ...t, added };
}

/** Settles the promises a click started. */
const settle = () => act(async () => new Promise((r) => setTimeout(r, 0)));

describe('Sign in with … in the add-account form', () => {
  it('signs in at an issuer chosen by hand and adds the account with that sign-in', async () => {
    let finish: (v: unknown) => void = () => undefined;
    const t = setupForm((method, input) => {
      if (method === 'oauth2.start') return flow('loopback');
      if (method === 'oauth2.finish') return new Promise((r) => (finish = r));
      if (method === 'account.add')
        return { id: 3, email: (input as { email: string }).email, name: null };
      if (method === 'sync.run') return new Promise(() => undefined);
      return null;
    });
    t.type('Email address', 'alice@example.com');
    expect(t.button('Sign in')).toBeUndefined();
    act(() => t.input('Sign in through the provider (OAuth2) instead of a password').click());
    expect(t.button('Sign in with Google')).toBeDefined();
    t.choose('Provider', 'other');
    // No issuer yet: nothing to sign in with.
    expect(t.button('Sign in')!.disabled).toBe(true);
    t.type('Issuer URL', 'https://login.example.com/');
    await act(async () => t.button('Sign in with login.example.com')!.click());
    expect(t.calls[0]).toEqual([
      'oauth2.start',
      { email: 'alice@example.com', provider: 'https://login.example.com', flow: 'loopback' },
    ]);
    expect(t.el.textContent).toContain('Waiting for you to sign in in the browser…');
    const link = t.el.querySelector('.oauth2-progress a')!;
    expect(link.getAttribute('href')).toBe(flow('loopback').url);
    expect(link.getAttribute('target')).toBe('_blank');
    expect(link.getAttribute('rel')).toBe('noopener noreferrer');
    expect(t.input('Email address').closest('fieldset')!.disabled).toBe(true);

    await act(async () => finish({ flowId: 'flow-1', email: 'alice@example.com', provider: 'x' }));
    await settle();
    const add = t.calls.find(([m]) => m === 'account.add')![1] as Record<string, unknown>;
    expect(add.oauth2).toEqual({ flowId: 'flow-1' });
    expect(add).not.toHaveProperty('password');
    expect(t.added).toEqual([3]);
    expect(t.el.textContent).toContain('Added alice@example.com.');
  });

  it('offers the provider discovery named, and takes a pasted code in a manual flow', async () => {
    const t = setupForm((method) => {
      if (method === 'account.discover') return gmail;
      if (method === 'oauth2.start') return flow('manual');
      if (method === 'oauth2.finish') return { flowId: 'flow-1' };
      if (method === 'account.add') return { id: 4, email: 'someone@gmail.com', name: null };
      if (method === 'sync.run') return new Promise(() => undefined);
      return null;
    });
    t.type('Email address', 'someone@gmail.com');
    await act(async () => t.button('Find settings')!.click());
    await settle();
    expect(t.el.querySelector('.oauth2-choice')!.textContent).toContain(
      'These servers take a sign-in with Google',
    );
    await act(async () => t.button('Sign in with Google')!.click());
    expect(t.calls.find(([m]) => m === 'oauth2.start')![1]).toMatchObject({ provider: 'google' });
    expect(t.el.textContent).toContain('Sign in in the browser, then paste what it shows below.');
    t.type('Code, or the address the browser ended on', ' http://127.0.0.1:5000/?code=abc ');
    await act(async () => t.button('Continue')!.click());
    await settle();
    expect(t.calls.find(([m]) => m === 'oauth2.finish')![1]).toEqual({
      flowId: 'flow-1',
      code: 'http://127.0.0.1:5000/?code=abc',
    });
    expect(t.added).toEqual([4]);
  });

  it('stops waiting on Cancel, and a late answer adds nothing', async () => {
    let finish: (v: unknown) => void = () => undefined;
    const t = setupForm((method) => {
      if (method === 'account.discover') return gmail;
      if (method === 'oauth2.start') return flow('loopback');
      if (method === 'oauth2.finish') return new Promise((r) => (finish = r));
      return null;
    });
    t.type('Email address', 'someone@gmail.com');
    await act(async () => t.button('Find settings')!.click());
    await settle();
    await act(async () => t.button('Sign in with Google')!.click());
    await act(async () => t.button('Cancel')!.click());
    expect(t.el.textContent).not.toContain('Waiting for you');
    expect(t.input('Email address').closest('fieldset')!.disabled).toBe(false);
    await act(async () => finish({ flowId: 'flow-1' }));
    await settle();
    expect(t.calls.map(([m]) => m)).not.toContain('account.add');
    expect(t.added).toEqual([]);
  });

  it('checks the form before it goes to the provider', async () => {
    const t = setupForm(() => null);
    t.type('Email address', 'alice');
    act(() => t.input('Sign in through the provider (OAuth2) instead of a password').click());
    await act(async () => t.button('Sign in with Google')!.click());
    expect(t.calls).toEqual([]);
    expect(t.input('Email address').getAttribute('aria-invalid')).toBe('true');
    // A password is not asked for with a sign-in.
    expect(t.input('Password').getAttribute('aria-invalid')).toBeNull();
  });
});

describe('Sign in again in the accounts list', () => {
  const account: Account = {
    id: 9,
    email: 'alice@example.com',
    name: null,
    imap: { host: 'imap.example.com', port: 993, security: 'tls', user: 'alice' },
    smtp: null,
    identities: [],
    createdAt: '2024-01-01T00:00:00Z',
    auth: 'oauth2',
    oauth2: { provider: 'microsoft', signInRequired: true },
  };

  it('says the sign-in ended and signs the account in again', async () => {
    let changed = 0;
    const t = mount(
      (method) => {
        if (method === 'sync.state') return [];
        if (method === 'oauth2.start') return { ...flow('loopback'), provider: 'microsoft' };
        if (method === 'oauth2.finish') return { flowId: 'flow-1' };
        if (method === 'account.signin')
          return { ...account, oauth2: { provider: 'microsoft', signInRequired: false } };
        return null;
      },
      () => (
        <AccountsList
          accounts={[account]}
          onAdd={() => undefined}
          onEdit={() => undefined}
          onChanged={() => changed++}
        />
      ),
    );
    await settle();
    const group = t.el.querySelector(
      '[role="group"][aria-label="Sign in again to alice@example.com"]',
    );
    expect(group!.textContent).toContain('the sign-in with Microsoft 365 has ended');
    expect(t.el.textContent).toContain('Signs in with Microsoft 365');
    await act(async () => t.button('Sign in again')!.click());
    await settle();
    expect(t.calls.find(([m]) => m === 'oauth2.start')![1]).toMatchObject({
      email: 'alice@example.com',
      provider: 'microsoft',
    });
    expect(t.calls.find(([m]) => m === 'account.signin')![1]).toEqual({
      id: 9,
      oauth2: { flowId: 'flow-1' },
    });
    expect(changed).toBe(1);
  });

  it('shows nothing to do for an account whose sync state says it is signed in', async () => {
    const t = mount(
      (method) =>
        method === 'sync.state'
          ? [
              {
                accountId: 9,
                running: false,
                progress: null,
                lastSyncAt: null,
                errors: [],
                offline: null,
                signInRequired: false,
              },
            ]
          : null,
      () => (
        <AccountsList
          accounts={[account]}
          onAdd={() => undefined}
          onEdit={() => undefined}
          onChanged={() => undefined}
        />
      ),
    );
    await settle();
    expect(t.button('Sign in again')).toBeUndefined();
  });
});
