// OAuth2 sign-in in the web UI end to end, with real parts only and loopback only: oidc-provider
// as the authorization server, a private Dovecot that checks each token through the provider's
// introspection endpoint, the real service behind the real HTTP server, and Chromium. What a
// user does: Find settings for a Gmail address offers "Sign in with Google"; for their own
// address they choose the provider by hand (its issuer URL), sign in on the page the link
// opens (the provider signs the person in at once), and the account is added without a
// password and syncs. Then the grant is revoked at the provider: the next sync asks them to
// sign in again (the top bar, the sync panel and the accounts list say so), they do, and sync
// resumes. Screenshots land in test/e2e/artifacts/; axe checks the form and the sign-in-again
// state. No request of the browser leaves 127.0.0.1.
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERROR_TEXT } from '../../common/errors.js';
import { SERVER_SERVICE_OPTIONS } from '../../main/server/server.js';
import { startDovecot, type DovecotServer } from '../support/dovecot.js';
import { makeMail } from '../support/mail.js';
import {
  APP_CLIENT,
  MAIL_AUDIENCE,
  startAuthServer,
  type AuthServer,
} from '../support/oauth2-provider.js';
import { openService, type TestService } from '../support/service.js';
import { seriousViolations } from './axe.js';
import { startBrowser, type Browser } from './browser.js';
import { ensureRendererBuilt, ROOT } from './build.js';
import { serve } from './served.js';

const ARTIFACTS = path.join(ROOT, 'test/e2e/artifacts');
/** IMAP timeouts above Dovecot's penalty (up to 15 s) after a refused login. */
const TIMEOUT_MS = 20_000;

describe('OAuth2 sign-in in the web UI', () => {
  let auth: AuthServer;
  let dovecot: DovecotServer;
  let t: TestService;
  let app: FastifyInstance;
  let signIn: string;
  let api: (method: string, body: unknown) => Promise<unknown>;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];
  /** Every address the browser asked for, redirects and pages the sign-in opened included. */
  const requested: string[] = [];
  const email = () => `${dovecot.user}@maildock.test`;

  beforeAll(async () => {
    // The service reads unconfigured providers' clients from the environment: none here.
    delete process.env.MAILDOCK_OAUTH2_GOOGLE_CLIENT_ID;
    await mkdir(ARTIFACTS, { recursive: true });
    auth = await startAuthServer({ user: 'maildock' });
    [dovecot] = await Promise.all([
      startDovecot({
        oauth2: { introspectionUrl: auth.introspectionUrl, audience: MAIL_AUDIENCE },
      }),
      ensureRendererBuilt(),
    ]);
    await dovecot.append('INBOX', makeMail({ subject: 'Hello over OAuth2' }));
    t = await openService({
      ...SERVER_SERVICE_OPTIONS,
      timeoutMs: TIMEOUT_MS,
      oauth2: {
        clients: { [auth.issuer]: { clientId: APP_CLIENT, scopes: ['offline_access', 'mail'] } },
      },
    });
    ({ app, signIn, api } = await serve(t));
    browser = await startBrowser();
    browser.context.on('request', (r) => requested.push(r.url()));
    page = await browser.context.newPage();
    page.on('pageerror', (e) => pageErrors.push(e.message));
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await t?.close();
    await dovecot?.stop();
    await auth?.stop();
  });

  const shot = (name: string) =>
    page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), animations: 'disabled' });
  const dialog = () => page.getByRole('dialog', { name: 'Settings' });
  const field = (label: string) => dialog().getByLabel(label, { exact: true });
  const accounts = async () =>
    (await api('account.list', {})) as {
      id: number;
      email: string;
      auth?: string;
      oauth2?: { provider: string; signInRequired: boolean };
    }[];

  /** Opens the sign-in link as the person would, in a new tab; the provider signs them in. */
  async function followSignInLink(provider: string): Promise<void> {
    const link = dialog().getByRole('link', { name: `Open the sign-in page of ${provider}` });
    await expect.poll(() => link.count(), { timeout: 15_000 }).toBe(1);
    expect(await link.getAttribute('target')).toBe('_blank');
    expect(await link.getAttribute('rel')).toBe('noopener noreferrer');
    const href = (await link.getAttribute('href'))!;
    expect(href.startsWith(`${auth.issuer}/`)).toBe(true);
    const opened = browser.context.waitForEvent('page');
    await link.click();
    const tab = await opened;
    // The last page is the core's own listener on 127.0.0.1, which says it is done.
    await expect
      .poll(() => tab.url(), { timeout: 15_000 })
      .toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?code=/);
    await tab.waitForLoadState();
    await tab.close();
  }

  it('offers the provider’s sign-in that discovery names', async () => {
    await page.goto(signIn);
    await page.getByRole('button', { name: 'Add an account' }).click();
    await field('Email address').fill('someone@gmail.com');
    await dialog().getByRole('button', { name: 'Find settings' }).click();
    const google = dialog().getByRole('button', { name: 'Sign in with Google' });
    await expect.poll(() => google.count(), { timeout: 15_000 }).toBe(1);
    expect(await dialog().locator('.oauth2-choice').textContent()).toContain(
      'These servers take a sign-in with Google',
    );
    await shot('oauth2-1-offered');
    expect(await seriousViolations(page, 'the form with Sign in with Google')).toEqual([]);
    // No Google client is configured for this Maildock: it says so, and nothing is added.
    await google.click();
    await expect
      .poll(() => dialog().locator('.oauth2-signin .settings-error').textContent())
      .toContain('No OAuth2 client is configured for Google');
    expect(await accounts()).toEqual([]);
    expect(pageErrors).toEqual([]);
  });

  it('adds an account by signing in at a provider chosen by hand, without a password, and syncs it', async () => {
    await field('Email address').fill(email());
    // Another address: what discovery named no longer applies; the provider is chosen by hand.
    expect(await dialog().getByRole('button', { name: 'Sign in with Google' }).count()).toBe(0);
    await field('IMAP security').selectOption('none');
    await field('IMAP host').fill(dovecot.host);
    await field('IMAP port').fill(String(dovecot.port));
    await field('IMAP user name').fill(dovecot.user);
    await dialog().getByLabel('Outgoing mail (SMTP)').uncheck();
    await dialog()
      .getByRole('checkbox', {
        name: 'Sign in through the provider (OAuth2) instead of a password',
      })
      .check();
    await field('Provider').selectOption('other');
    await field('Issuer URL').fill(auth.issuer);
    const button = dialog().getByRole('button', { name: 'Sign in with 127.0.0.1' });
    expect(await button.isEnabled()).toBe(true);
    expect(await field('Password').inputValue()).toBe('');
    await shot('oauth2-2-chosen-by-hand');
    expect(await seriousViolations(page, 'the form with a provider chosen by hand')).toEqual([]);

    await button.click();
    await expect
      .poll(() => dialog().locator('.oauth2-progress [role="status"]').textContent())
      .toContain('Waiting for you to sign in in the browser…');
    // While the sign-in is under way the form holds still; only Cancel answers.
    expect(await field('Email address').isDisabled()).toBe(true);
    expect(await dialog().getByRole('button', { name: 'Add account' }).isDisabled()).toBe(true);
    await shot('oauth2-3-waiting');
    await followSignInLink('127.0.0.1');

    await expect
      .poll(() => dialog().locator('.account-added').textContent(), { timeout: 30_000 })
      .toContain(`Added ${email()}.`);
    const [added] = await accounts();
    expect(added).toMatchObject({
      email: email(),
      auth: 'oauth2',
      oauth2: { provider: auth.issuer, signInRequired: false },
    });
    // The grant is kept like a password, under its own key; no password at all.
    expect(await t.svc.secrets.get(`account:${added!.id}:oauth2`)).toBeTruthy();
    expect(await t.svc.secrets.get(`account:${added!.id}:password`)).toBeNull();
    await expect
      .poll(() => dialog().locator('.account-added').textContent(), { timeout: 30_000 })
      .toContain('The initial sync has finished.');
    await shot('oauth2-4-added');
    await dialog().getByRole('button', { name: 'Done' }).click();
    await dialog().getByRole('button', { name: 'Close' }).click();
    await expect
      .poll(() => page.locator('.row-subject').allTextContents(), { timeout: 15_000 })
      .toEqual(['Hello over OAuth2']);
    expect(pageErrors).toEqual([]);
  });

  it('asks to sign in again once the grant is revoked, and syncs again after signing in', async () => {
    const [account] = await accounts();
    const refreshToken = (await t.svc.secrets.get(`account:${account!.id}:oauth2`))!;
    const revoked = await fetch(auth.revocationUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        token: refreshToken,
        token_type_hint: 'refresh_token',
        client_id: APP_CLIENT,
      }),
    });
    expect(revoked.status).toBe(200);

    // The next sync finds the grant gone: every place that shows the account says so.
    await page.locator('.sync-status button').click();
    await dialog().getByRole('tab', { name: 'Sync' }).click();
    const region = dialog().getByRole('region', { name: `Sync of ${email()}` });
    await region.getByRole('button', { name: 'Sync now' }).click();
    const again = region.getByRole('group', { name: `Sign in again to ${email()}` });
    await expect.poll(() => again.count(), { timeout: 60_000 }).toBe(1);
    expect(await again.textContent()).toContain('the sign-in with 127.0.0.1 has ended');
    await expect
      .poll(() => region.locator('.sync-errors').textContent())
      .toContain(ERROR_TEXT.SIGNIN_REQUIRED);
    // Retrying cannot help until the user signs in.
    expect(await region.locator('.sync-account-head button').isDisabled()).toBe(true);
    await expect
      .poll(() => page.locator('.sync-status').textContent())
      .toBe(`Sign in again: ${email()}`);
    expect((await accounts())[0]!.oauth2).toEqual({ provider: auth.issuer, signInRequired: true });
    await shot('oauth2-5-sync-panel-sign-in-again');
    expect(await seriousViolations(page, 'the sync panel, sign in again')).toEqual([]);

    await dialog().getByRole('tab', { name: 'Accounts' }).click();
    const item = dialog().getByRole('group', { name: `Sign in again to ${email()}` });
    await expect.poll(() => item.count()).toBe(1);
    await shot('oauth2-6-accounts-sign-in-again');
    expect(await seriousViolations(page, 'the accounts list, sign in again')).toEqual([]);

    await dovecot.append('INBOX', makeMail({ subject: 'After signing in again' }));
    await item.getByRole('button', { name: `Sign in again to ${email()}` }).click();
    await followSignInLink('127.0.0.1');
    await expect.poll(() => item.count(), { timeout: 30_000 }).toBe(0);
    expect((await accounts())[0]!.oauth2).toEqual({ provider: auth.issuer, signInRequired: false });
    await shot('oauth2-7-signed-in-again');

    // Sync resumes: the new message arrives, and the top bar no longer asks.
    await dialog().getByRole('tab', { name: 'Sync' }).click();
    await region.getByRole('button', { name: 'Sync now' }).click();
    await expect
      .poll(() => region.textContent(), { timeout: 60_000 })
      .toContain('Last synced just now');
    expect(await region.locator('.sync-errors').count()).toBe(0);
    await dialog().getByRole('button', { name: 'Close' }).click();
    await expect
      .poll(() => page.locator('.row-subject').allTextContents(), { timeout: 15_000 })
      .toEqual(['After signing in again', 'Hello over OAuth2']);
    await expect.poll(() => page.locator('.sync-status').textContent()).toMatch(/^Synced /);
    await shot('oauth2-8-synced-again');
    expect(pageErrors).toEqual([]);
  }, 150_000);

  it('asked for nothing beyond 127.0.0.1', () => {
    expect(requested.length).toBeGreaterThan(0);
    // data: and blob: addresses are the page's own bytes, not a connection.
    const away = requested.filter(
      (u) => !/^(https?|wss?):\/\/127\.0\.0\.1[:/]/.test(u) && !/^(data|blob|about):/.test(u),
    );
    expect(away).toEqual([]);
  });
});
