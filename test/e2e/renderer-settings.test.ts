// Settings in the web UI end to end: the real service behind the real HTTP server with no
// account yet, a private Dovecot with the test Inbox, and Chromium. What a user does: find a
// provider's settings (from the bundled ISPDB), then add the account through the form, first with a wrong password (AUTH_FAILED's sentence, no
// account), then the right one (the test succeeds, the account is added, the initial sync
// runs and the Inbox shows its mail, the sync status says "Synced …"); open the stack panel
// with no Docker engine at its socket (DOCKER_NOT_RUNNING's sentence, not a raw error); and
// remove the account again. Screenshots land in test/e2e/artifacts/.
import { mkdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERROR_TEXT } from '../../common/errors.js';
import type { DovecotServer } from '../support/dovecot.js';
import { startBrowser, type Browser } from './browser.js';
import { ROOT } from './build.js';
import { startServedInbox, type ServedInbox } from './served.js';

const ARTIFACTS = path.join(ROOT, 'test/e2e/artifacts');
/** A socket path with nothing behind it: the stack's Docker engine "is not running". */
const NO_DOCKER = path.join(os.tmpdir(), `maildock-no-docker-${process.pid}`, 'docker.sock');

describe('settings in the web UI', () => {
  let served: ServedInbox;
  let dovecot: DovecotServer;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    await mkdir(ARTIFACTS, { recursive: true });
    served = await startServedInbox({
      account: false,
      stack: { docker: { socketPath: NO_DOCKER } },
    });
    dovecot = served.dovecot;
    browser = await startBrowser();
    page = await browser.context.newPage();
    page.on('pageerror', (e) => pageErrors.push(e.message));
    // The settings' styles and icons must live under the server's CSP like the rest.
    await page.addInitScript({
      content:
        'window.__csp = []; document.addEventListener("securitypolicyviolation", ' +
        '(e) => window.__csp.push(e.violatedDirective + " " + e.blockedURI), true);',
    });
  });

  afterAll(async () => {
    await browser?.close();
    await served?.close();
  });

  const shot = (name: string) =>
    page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), animations: 'disabled' });
  const dialog = () => page.getByRole('dialog', { name: 'Settings' });
  const field = (label: string) => dialog().getByLabel(label, { exact: true });
  const accounts = async () => (await served.api('account.list', {})) as { email: string }[];

  it('adds an account through the form, syncs it and shows its Inbox', async () => {
    await page.goto(served.signIn);
    await expect.poll(() => page.getByText('No accounts yet.').count()).toBe(1);
    await shot('settings-1-no-accounts');

    await page.getByRole('button', { name: 'Add an account' }).click();
    await expect.poll(() => dialog().getByRole('form', { name: 'Add an account' }).count()).toBe(1);
    // Find settings: a provider of the bundled ISPDB, found without any network, fills the
    // servers and says where they came from.
    await field('Email address').fill('someone@gmail.com');
    await dialog().getByRole('button', { name: 'Find settings' }).click();
    await expect
      .poll(() => dialog().locator('.discovery [role="status"]').textContent())
      .toContain('Servers found: Thunderbird');
    expect(await field('IMAP host').inputValue()).toBe('imap.gmail.com');
    expect(await field('IMAP port').inputValue()).toBe('993');
    expect(await field('IMAP security').inputValue()).toBe('tls');
    expect(await field('SMTP host').inputValue()).toBe('smtp.gmail.com');
    expect(await field('SMTP port').inputValue()).toBe('465');
    expect(await field('SMTP security').inputValue()).toBe('tls');
    expect(await field('SMTP user name').inputValue()).toBe('someone@gmail.com');
    await shot('settings-1b-settings-found');
    const email = `${dovecot.user}@maildock.test`;
    await field('Email address').fill(email);
    // What was found was for the other address: the guesses are back, and the line says so.
    expect(await dialog().locator('.discovery [role="status"]').textContent()).not.toContain(
      'Servers found',
    );
    expect(await field('SMTP security').inputValue()).toBe('starttls');
    // The defaults follow the address and the security.
    expect(await field('IMAP host').inputValue()).toBe('imap.maildock.test');
    expect(await field('IMAP port').inputValue()).toBe('993');
    expect(await field('IMAP user name').inputValue()).toBe(email);
    await field('IMAP security').selectOption('none');
    expect(await field('IMAP port').inputValue()).toBe('143');
    await field('IMAP host').fill(dovecot.host);
    await field('IMAP port').fill(String(dovecot.port));
    await field('IMAP user name').fill(dovecot.user);
    await dialog().getByLabel('Outgoing mail (SMTP)').uncheck();
    await field('Password').fill('not-the-password');
    expect(await field('Password').getAttribute('type')).toBe('password');
    await shot('settings-2-account-form');

    await dialog().getByRole('button', { name: 'Add account' }).click();
    const alert = dialog().getByRole('alert');
    await expect
      .poll(() => alert.textContent(), { timeout: 15_000 })
      .toContain(ERROR_TEXT.AUTH_FAILED);
    expect(await alert.textContent()).toContain(`${dovecot.host}:${dovecot.port}`);
    expect(await accounts()).toEqual([]);
    // The password is in the field only, never in the page's markup.
    expect(await page.content()).not.toContain('not-the-password');
    await shot('settings-3-auth-failed');

    await field('Password').fill(dovecot.password);
    await dialog().getByRole('button', { name: 'Test connection' }).click();
    const tested = dialog().locator('.account-tested');
    await expect
      .poll(() => tested.textContent(), { timeout: 15_000 })
      .toContain('Connection works');
    expect(await tested.textContent()).toContain('IMAP4rev1');
    expect(await accounts()).toEqual([]);
    await shot('settings-4-connection-works');

    await dialog().getByRole('button', { name: 'Add account' }).click();
    await expect
      .poll(() => dialog().locator('.account-added').textContent(), { timeout: 15_000 })
      .toContain(`Added ${email}.`);
    expect((await accounts()).map((a) => a.email)).toEqual([email]);
    await expect
      .poll(() => dialog().locator('.account-added').textContent(), { timeout: 30_000 })
      .toContain('The initial sync has finished.');
    expect(await page.content()).not.toContain(dovecot.password);
    await shot('settings-5-account-added');
    await dialog().getByRole('button', { name: 'Done' }).click();
    await dialog().getByRole('button', { name: 'Close' }).click();
    await expect.poll(() => dialog().count()).toBe(0);

    // The account is in the sidebar, its Inbox in the list, and the top bar says it synced.
    await expect.poll(() => page.locator('.account-name').allTextContents()).toEqual([email]);
    await expect
      .poll(() => page.locator('.row-subject').allTextContents(), { timeout: 15_000 })
      .toEqual([
        'Report draft attached',
        'Weekly newsletter',
        'Lunch on Friday?',
        'Quarterly report',
      ]);
    await expect
      .poll(() => page.locator('.sync-status').textContent())
      .toMatch(/^Synced (just now|1 min ago)$/);
    await shot('settings-6-inbox-after-setup');

    // The sync status opens the sync panel: the account's last sync, no errors.
    await page.locator('.sync-status button').click();
    const syncAccount = dialog().getByRole('region', { name: `Sync of ${email}` });
    await expect.poll(() => syncAccount.textContent()).toContain('Last synced just now');
    expect(await syncAccount.locator('.sync-errors').count()).toBe(0);
    await shot('settings-7-sync-panel');
    await dialog().getByRole('button', { name: 'Close' }).click();
    expect(pageErrors).toEqual([]);
    expect(await page.evaluate('window.__csp')).toEqual([]);
  });

  it('says Docker is not running in the stack panel, as a sentence with a hint', async () => {
    await page.getByRole('button', { name: 'Settings' }).click();
    await dialog().getByRole('tab', { name: 'Local mail stack' }).click();
    const alert = dialog().getByRole('alert');
    await expect
      .poll(() => alert.locator('.stack-state-sentence').textContent(), { timeout: 15_000 })
      .toBe(ERROR_TEXT.DOCKER_NOT_RUNNING);
    expect(await alert.textContent()).toContain(NO_DOCKER);
    expect(await alert.textContent()).toContain('Start it');
    // Nothing to press but "Check again": no services, no start button over a missing engine.
    expect(await dialog().getByRole('button', { name: 'Check again' }).count()).toBe(1);
    expect(await dialog().getByRole('button', { name: 'Start stack' }).count()).toBe(0);
    await shot('settings-8-stack-no-docker');
    expect(pageErrors).toEqual([]);
  });

  it('says where the passwords are kept, and keeps the desktop app’s settings to the desktop app', async () => {
    await dialog().getByRole('tab', { name: 'This app' }).click();
    const panel = dialog().getByRole('region', { name: 'This app' });
    await expect
      .poll(() => panel.locator('.app-secrets').textContent())
      .toBe(
        'Account passwords are kept in an encrypted file in Maildock’s data folder (no system keychain is used here).',
      );
    expect(await panel.getByRole('heading').textContent()).toMatch(/^Maildock \d+\.\d+\.\d+$/);
    // Served to a browser: closing a tab or quitting is not Maildock's to decide.
    expect(await panel.getByRole('checkbox').count()).toBe(0);
    await shot('settings-9-this-app');
    expect(pageErrors).toEqual([]);
  });

  it('backs up now with its progress, lists the archive, verifies it, and keeps a schedule off until asked', async () => {
    await dialog().getByRole('tab', { name: 'Backups' }).click();
    const panel = dialog().getByRole('region', { name: 'Backups' });
    await expect.poll(() => panel.locator('.backup-empty').count()).toBe(1);
    await panel.getByRole('button', { name: 'Back up now' }).click();
    await expect
      .poll(() => panel.locator('.backup-made').textContent(), { timeout: 15_000 })
      .toMatch(/^Backup written: maildock-.*\.maildock-backup \(.* files?\)\.$/);
    const name = await panel.locator('.backup-name').first().textContent();
    await panel.getByRole('button', { name: `Verify ${name}` }).click();
    await expect
      .poll(() => panel.locator('.backup-ok').textContent(), { timeout: 15_000 })
      .toBe(' Verified: every file matches.');
    const schedule = panel.getByRole('checkbox', { name: /Back up on its own/ });
    expect(await schedule.isChecked()).toBe(false);
    await schedule.check();
    await expect.poll(() => served.api('backup.schedule', {})).toMatchObject({ enabled: true });
    await schedule.uncheck();
    await expect.poll(() => served.api('backup.schedule', {})).toMatchObject({ enabled: false });
    await shot('settings-10-backups');
    expect(pageErrors).toEqual([]);
  });

  it('restores a backup in place after asking twice, and the app goes on with its data', async () => {
    const panel = dialog().getByRole('region', { name: 'Backups' });
    // A change made after the backup, kept in the store: it must be gone after the restore.
    await served.api('backup.schedule', { enabled: true, keep: 3 });
    const name = await panel.locator('.backup-name').first().textContent();
    await panel.getByRole('button', { name: `Restore ${name}` }).click();
    const ask = panel.getByRole('group', { name: `Restore ${name}?` });
    await ask.getByRole('button', { name: 'Keep my data' }).click();
    expect(await ask.count()).toBe(0);
    await panel.getByRole('button', { name: `Restore ${name}` }).click();
    await shot('settings-11-restore-asks');
    await ask.getByRole('button', { name: 'Replace my data with this backup' }).click();
    await expect
      .poll(() => panel.locator('.backup-restored').textContent(), { timeout: 30_000 })
      .toMatch(
        /^Restored \d+ files? from the backup of .*\(Maildock \d+\.\d+\.\d+\)\. Show the restored mail$/,
      );
    expect(await served.api('backup.schedule', {})).toMatchObject({ enabled: false, keep: 7 });
    await shot('settings-12-restored');
    await panel.getByRole('button', { name: 'Show the restored mail' }).click();
    // The page reloads on the restored store: the Inbox is there with its mail.
    await expect
      .poll(() => page.getByRole('option').count(), { timeout: 15_000 })
      .toBeGreaterThan(0);
    await page.getByRole('button', { name: 'Settings' }).click();
    await expect.poll(() => dialog().count()).toBe(1);
    expect(pageErrors).toEqual([]);
  });

  it('makes an encrypted backup under a passphrase, which it then needs to verify and restore', async () => {
    await dialog().getByRole('tab', { name: 'Backups' }).click();
    const panel = dialog().getByRole('region', { name: 'Backups' });
    const now = panel.getByRole('button', { name: 'Back up now' });
    await panel.getByRole('checkbox', { name: /Encrypt it under a passphrase/ }).check();
    expect(await now.isDisabled()).toBe(true);
    await panel.getByLabel('Passphrase, 8 characters or more').fill('the family photo album');
    await now.click();
    const item = panel.locator('.backup-list > li').filter({ hasText: 'encrypted' });
    await expect.poll(() => item.count(), { timeout: 20_000 }).toBe(1);
    const name = await item.locator('.backup-name').textContent();
    await item.getByRole('button', { name: `Verify ${name}` }).click();

    await expect
      .poll(() => item.locator('.backup-problems').textContent(), { timeout: 15_000 })
      .toBe('This backup is encrypted: give its passphrase to read it.');
    await item.getByLabel(`Passphrase of ${name}`).fill('the family photo album');
    await item.getByRole('button', { name: `Verify ${name}` }).click();
    await expect
      .poll(() => item.locator('.backup-ok').textContent(), { timeout: 15_000 })
      .toBe(' Verified: every file matches.');
    await shot('settings-13-encrypted-backup');
    // And it restores with that passphrase, the account's password with it.
    await item.getByRole('button', { name: `Restore ${name}` }).click();
    await item
      .getByRole('group', { name: `Restore ${name}?` })
      .getByRole('button', { name: 'Replace my data with this backup' })
      .click();
    await expect
      .poll(() => panel.locator('.backup-restored').textContent(), { timeout: 30_000 })
      .toMatch(
        /^Restored \d+ files from the backup of .*, with 1 password\. Show the restored mail$/,
      );
    expect(pageErrors).toEqual([]);
  });

  it('removes the account after asking', async () => {
    await dialog().getByRole('tab', { name: 'Accounts' }).click();
    const email = `${dovecot.user}@maildock.test`;
    await dialog()
      .getByRole('button', { name: `Remove ${email}` })
      .click();
    const confirm = dialog().getByRole('group', { name: `Remove ${email}?` });
    await shot('settings-9-remove-confirm');
    // Asked, not yet done.
    expect(await accounts()).toHaveLength(1);
    await confirm.getByRole('button', { name: 'Remove' }).click();
    await expect.poll(() => dialog().getByText('No accounts yet.').count()).toBe(1);
    expect(await accounts()).toEqual([]);
    await dialog().getByRole('button', { name: 'Close' }).click();
    await expect.poll(() => page.getByRole('button', { name: 'Add an account' }).count()).toBe(1);
    expect(pageErrors).toEqual([]);
  });
});
