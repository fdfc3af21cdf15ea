// @vitest-environment jsdom
// The sign-in screen and "Sign out", against a real HTTP server on 127.0.0.1 that speaks the
// sign-in contract (test/support/password-server.ts): the page starts on the sign-in screen
// with the focus in the first field, says what is missing and what the server refused (and
// how long to wait), shows the app once signed in, stays signed in across a reload, goes
// back to signing in with a word about it when the session ends, and signs out from the
// settings. On the server of one person none of this is shown.
import { act } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { afterEach, describe, expect, it } from 'vitest';
import { createClient, type MaildockClient } from '../../renderer/src/client/client.js';
import { useClient, useSession } from '../../renderer/src/client/context.js';
import { PasswordSession } from '../../renderer/src/client/session.js';
import { httpTransport } from '../../renderer/src/client/transport.js';
import { AuthGate } from '../../renderer/src/signin/AuthGate.js';
import { SignOutSection } from '../../renderer/src/signin/SignOutSection.js';
import {
  browserFetch,
  PasswordServer,
  type PasswordServerOptions,
} from '../support/password-server.js';

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

const ann = {
  email: 'ann@example.test',
  password: 'correct horse',
  tenant: 'acme',
  role: 'user',
} as const;

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
});

/** Stands in for the app: who is signed in, and one call through the client. */
function Probe() {
  const client = useClient();
  const session = useSession();
  return (
    <div className="probe">
      <p className="probe-transport">{client.transport}</p>
      <SignOutSection />
      <p className="probe-mode">{session ? 'password' : 'no session'}</p>
    </div>
  );
}

async function setUp(opts: Partial<PasswordServerOptions> = {}) {
  const server = await new PasswordServer({ people: [ann], ...opts }).listen();
  cleanups.push(() => server.close());
  const browser = browserFetch(server.url);
  return { server, browser };
}

interface Page {
  el: HTMLElement;
  session: PasswordSession;
  client: MaildockClient;
}

/** The page opened (or reloaded) in a browser that has `browser`'s cookies. */
async function openPage(browser: ReturnType<typeof browserFetch>): Promise<Page> {
  const session = new PasswordSession({ fetch: browser.fetch, locks: null, channel: null });
  const client = createClient(
    httpTransport({
      fetch: browser.fetch,
      bearer: session,
      socket: () => ({ onopen: null, onmessage: null, onclose: null, close() {} }),
      location: { protocol: 'http:', host: '127.0.0.1' },
    }),
  );
  const el = document.createElement('div');
  document.body.append(el);
  let root: Root;
  await act(async () => {
    root = createRoot(el);
    root.render(
      <AuthGate client={client} session={session}>
        <Probe />
      </AuthGate>,
    );
  });
  cleanups.push(async () => {
    await act(async () => root.unmount());
    el.remove();
    if (session.token()) await session.signOut();
  });
  return { el, session, client };
}

const settle = async (what: () => boolean) => {
  const end = Date.now() + 10_000;
  while (!what()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await act(async () => new Promise((r) => setTimeout(r, 20)));
  }
};

const field = (el: HTMLElement, label: string) => {
  const l = [...el.querySelectorAll('label')].find((x) => x.textContent === label);
  return document.getElementById(l!.htmlFor) as HTMLInputElement;
};

/** Types as a person would: React sees an input event with the new value. */
async function type(input: HTMLInputElement, value: string) {
  await act(async () => {
    const set = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')!.set!;
    set.call(input, value);
    input.dispatchEvent(new Event('input', { bubbles: true }));
  });
}

async function submit(el: HTMLElement) {
  await act(async () => el.querySelector<HTMLButtonElement>('button[type=submit]')!.click());
}

const signInScreen = (el: HTMLElement) =>
  el.querySelector('h1')?.textContent === 'Sign in to Maildock';
const alertText = (el: HTMLElement) => el.querySelector('[role=alert]')?.textContent ?? null;

describe('the sign-in screen', () => {
  it('starts with the focus on the email address, and says what is missing', async () => {
    const { browser, server } = await setUp();
    const { el } = await openPage(browser);
    await settle(() => signInScreen(el));
    const email = field(el, 'Email address');
    const password = field(el, 'Password');
    expect(document.activeElement).toBe(email);
    expect(email.autocomplete).toBe('username');
    expect(password.type).toBe('password');
    expect(password.autocomplete).toBe('current-password');

    await submit(el);
    expect(email.getAttribute('aria-invalid')).toBe('true');
    expect(document.getElementById(email.getAttribute('aria-describedby')!)!.textContent).toBe(
      'Enter your email address.',
    );
    expect(password.getAttribute('aria-invalid')).toBe('true');
    expect(document.activeElement).toBe(email);
    expect(server.calls('/api/auth.login')).toHaveLength(0);
  });

  it("shows the server's words when it refuses, and the password field is ready again", async () => {
    const { browser } = await setUp();
    const { el } = await openPage(browser);
    await settle(() => signInScreen(el));
    await type(field(el, 'Email address'), ann.email);
    await type(field(el, 'Password'), 'wrong');
    await submit(el);
    await settle(() => alertText(el) !== null);
    expect(alertText(el)).toBe('The email address or the password is not right.');
    expect(field(el, 'Password').value).toBe('');
    expect(document.activeElement).toBe(field(el, 'Password'));
    // The password is never written into the page's markup.
    expect(el.innerHTML).not.toContain('wrong');
  });

  it('says how long to wait after too many tries', async () => {
    const { browser } = await setUp({ loginAttempts: 0 });
    const { el } = await openPage(browser);
    await settle(() => signInScreen(el));
    await type(field(el, 'Email address'), ann.email);
    await type(field(el, 'Password'), ann.password);
    await submit(el);
    await settle(() => alertText(el) !== null);
    expect(alertText(el)).toBe('Too many sign-in attempts. Wait 42 seconds, then try again.');
  });

  it('shows the app once signed in, and a reload stays signed in', async () => {
    const { browser } = await setUp();
    const first = await openPage(browser);
    await settle(() => signInScreen(first.el));
    await type(field(first.el, 'Email address'), ann.email);
    await type(field(first.el, 'Password'), ann.password);
    await submit(first.el);
    await settle(() => first.el.querySelector('.probe') !== null);
    expect(first.el.querySelector('.signout p')!.textContent).toBe(
      'Signed in as ann@example.test (acme).',
    );

    const reloaded = await openPage(browser);
    await settle(() => reloaded.el.querySelector('.probe') !== null);
    expect(signInScreen(reloaded.el)).toBe(false);
  });

  it('comes back with a word when the session ends, the address kept and the focus on the password', async () => {
    const { browser, server } = await setUp();
    const page = await openPage(browser);
    await settle(() => signInScreen(page.el));
    await act(async () => void (await page.session.signIn(ann.email, ann.password)));
    await settle(() => page.el.querySelector('.probe') !== null);
    server.revokeSessions();
    server.expireAccessTokens();
    await act(async () => void (await page.client.call('account.list', {}).catch(() => null)));
    await settle(() => signInScreen(page.el));
    expect(page.el.querySelector('[role=status]')!.textContent).toMatch(/sign-in has ended/);
    expect(field(page.el, 'Email address').value).toBe(ann.email);
    expect(document.activeElement).toBe(field(page.el, 'Password'));
  });

  it('signs out from the settings, back to the sign-in screen', async () => {
    const { browser, server } = await setUp();
    const page = await openPage(browser);
    await settle(() => signInScreen(page.el));
    await act(async () => void (await page.session.signIn(ann.email, ann.password)));
    await settle(() => page.el.querySelector('.signout button') !== null);
    const button = page.el.querySelector<HTMLButtonElement>('.signout button')!;
    expect(button.textContent).toBe('Sign out');
    await act(async () => button.click());
    await settle(() => signInScreen(page.el) && server.calls('/api/auth.logout').length === 1);
    expect(page.el.querySelector('[role=status]')!.textContent).toBe('You have signed out.');
    expect(server.liveSessions).toBe(0);
  });
});

describe('on the server of one person', () => {
  it('shows the app at once, with no sign-in screen and no Sign out', async () => {
    const { browser, server } = await setUp({ onePerson: true });
    const page = await openPage(browser);
    await settle(() => page.el.querySelector('.probe') !== null);
    expect(page.el.querySelector('.probe-mode')!.textContent).toBe('no session');
    expect(page.el.querySelector('.signout')).toBeNull();
    expect(server.calls('/api/auth.refresh')).toHaveLength(0);
  });
});
