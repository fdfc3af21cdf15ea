// OAuth2 on the `maildock` command line, end to end with real parts only: oidc-provider as
// the authorization server on loopback and a private Dovecot that checks tokens through its
// introspection endpoint. The client is configured through the environment, as a user would
// (MAILDOCK_OAUTH2_CLIENT_ID, _SCOPES). The test is the person: it reads the address the CLI
// prints, signs in at the provider, and pastes the address the browser ended on into stdin;
// for the device flow it enters the code on the provider's device page.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, startCliOpen, type CliResult } from '../support/cli.js';
import { startDovecot, type DovecotServer } from '../support/dovecot.js';
import { makeMail } from '../support/mail.js';
import {
  APP_CLIENT,
  MAIL_AUDIENCE,
  startAuthServer,
  type AuthServer,
} from '../support/oauth2-provider.js';

let auth: AuthServer;
let dovecot: DovecotServer;
let dataDir: string;
let env: Record<string, string>;
const email = () => `${dovecot.user}@maildock.test`;

beforeAll(async () => {
  auth = await startAuthServer({ user: 'maildock' });
  dovecot = await startDovecot({
    oauth2: { introspectionUrl: auth.introspectionUrl, audience: MAIL_AUDIENCE },
  });
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'maildock-oauth2-cli-'));
  env = {
    MAILDOCK_DATA_DIR: dataDir,
    MAILDOCK_SECRET_KEY: randomBytes(32).toString('base64'),
    MAILDOCK_OAUTH2_CLIENT_ID: APP_CLIENT,
    MAILDOCK_OAUTH2_SCOPES: 'offline_access mail',
  };
}, 60_000);

afterAll(async () => {
  await dovecot?.stop();
  await auth?.stop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

/**
 * Runs the CLI with stdin open: once stderr shows what to open, `answer` acts as the person
 * (and may give a line to paste).
 */
async function signInCli(
  args: string[],
  answer: (stderr: string) => Promise<string | null>,
): Promise<CliResult> {
  const { child, stderr, done } = startCliOpen(args, env);
  const shown = new RegExp(`${auth.issuer}/\\S+\\n`);
  const printed = new Promise<string>((resolve, reject) => {
    child.stderr!.on('data', () => {
      if (shown.test(stderr())) resolve(stderr());
    });
    child.on('close', () => reject(new Error(`the CLI ended first: ${stderr()}`)));
  });
  try {
    const line = await answer(await printed);
    if (line !== null) child.stdin!.write(`${line}\n`);
  } finally {
    child.stdin!.end();
  }
  return done;
}

/** The first address of the provider's the CLI printed. */
const printedUrl = (stderr: string) =>
  new RegExp(`(${auth.issuer.replace(/[.]/g, '\\.')}/\\S+)`).exec(stderr)![1]!;

describe('maildock account add --oauth2 and account signin', () => {
  let id: number;

  it('adds an account by a manual sign-in, the address the browser ended on pasted on stdin', async () => {
    const add = await signInCli(
      [
        'account',
        'add',
        '--email',
        email(),
        '--imap-host',
        dovecot.host,
        '--imap-port',
        String(dovecot.port),
        '--imap-security',
        'none',
        '--user',
        dovecot.user,
        '--oauth2',
        '--provider',
        auth.issuer,
        '--flow',
        'manual',
      ],
      async (stderr) => {
        expect(stderr).toContain('then paste the code, or the whole address the browser ended on');
        // The browser is elsewhere: it ends on Maildock's redirect address, which does not load.
        const landed = await auth.browse(printedUrl(stderr), { stopBefore: true });
        expect(landed.searchParams.get('code')).toBeTruthy();
        return landed.href;
      },
    );
    expect(add.code, add.stderr).toBe(0);
    const m = /^Added account (\d+): (\S+) /.exec(add.stdout);
    expect(m?.[2]).toBe(email());
    id = Number(m![1]);
    // Nothing secret is printed: no code, no token.
    expect(add.stdout + add.stderr).not.toMatch(/code=|refresh_token|access_token/);

    await dovecot.append('INBOX', makeMail({ subject: 'Signed in from the command line' }));
    const sync = await runCli(['--json', 'sync', '--once'], env);
    expect(sync.code, sync.stderr).toBe(0);
    const list = await runCli(['account', 'list'], env);
    expect(list.stdout).toContain(`oauth2 ${auth.issuer}`);
    expect(list.stdout).not.toContain('SIGN IN AGAIN');
  });

  it('turns away a pasted code that is not the provider’s, and adds nothing', async () => {
    const add = await signInCli(
      [
        'account',
        'add',
        '--email',
        `other@maildock.test`,
        '--imap-host',
        dovecot.host,
        '--imap-port',
        String(dovecot.port),
        '--imap-security',
        'none',
        '--oauth2',
        '--provider',
        auth.issuer,
      ],
      async () => 'not-a-code-the-provider-gave',
    );
    expect(add.code).not.toBe(0);
    expect(add.stdout).not.toContain('Added account');
    const list = await runCli(['--json', 'account', 'list'], env);
    expect((JSON.parse(list.stdout) as unknown[]).length).toBe(1);
  });

  it(
    'shows "sign in again" once the grant is revoked, and signs in again with the device flow',
    { timeout: 120_000 },
    async () => {
      // The person revokes Maildock's access at the provider; the CLI kept no token to print,
      // so the grant is found through the provider's own record of it.
      const revoked = await auth.revokeGrants(APP_CLIENT);
      expect(revoked).toBeGreaterThan(0);

      const sync = await runCli(['--json', 'sync', '--once'], env);
      expect(sync.stdout + sync.stderr).toContain('SIGNIN_REQUIRED');
      const list = await runCli(['account', 'list'], env);
      expect(list.stdout).toContain(`SIGN IN AGAIN: maildock account signin ${id}`);
      const json = await runCli(['--json', 'account', 'list'], env);
      expect(JSON.parse(json.stdout)).toMatchObject([
        { id, oauth2: { provider: auth.issuer, signInRequired: true } },
      ]);
      // Until then each sync says what to do, and asks nothing of the provider.
      const again = await runCli(['sync', '--once'], env);
      expect(again.stdout).toContain(
        `SIGNIN_REQUIRED: The sign-in of ${email()} has ended: sign in again.`,
      );

      let page = '';
      const signin = await signInCli(
        ['account', 'signin', String(id), '--flow', 'device'],
        async (stderr) => {
          const code = /enter the code (\S+)/.exec(stderr)?.[1];
          expect(code).toBeTruthy();
          expect(printedUrl(stderr)).toContain(`user_code=${code}`);
          page = await auth.confirmDevice(printedUrl(stderr));
          return null;
        },
      );
      expect(page).toContain('Sign-in Success');
      expect(signin.code, signin.stderr).toBe(0);
      expect(signin.stdout).toBe(`Signed in again: account ${id}, ${email()}\n`);

      const after = await runCli(['account', 'list'], env);
      expect(after.stdout).not.toContain('SIGN IN AGAIN');
      await dovecot.append('INBOX', makeMail({ subject: 'After the device sign-in' }));
      const resumed = await runCli(['--json', 'sync', '--once'], env);
      expect(resumed.code, resumed.stderr).toBe(0);
      const search = await runCli(['search', 'device'], env);
      expect(search.stdout).toContain('After the device sign-in');
    },
  );

  it('signs in again by a manual sign-in too', { timeout: 120_000 }, async () => {
    expect(await auth.revokeGrants(APP_CLIENT)).toBeGreaterThan(0);
    await runCli(['sync', '--once'], env);
    expect((await runCli(['account', 'list'], env)).stdout).toContain('SIGN IN AGAIN');
    const signin = await signInCli(['account', 'signin', String(id)], async (stderr) => {
      const landed = await auth.browse(printedUrl(stderr), { stopBefore: true });
      return landed.href;
    });
    expect(signin.code, signin.stderr).toBe(0);
    expect((await runCli(['account', 'list'], env)).stdout).not.toContain('SIGN IN AGAIN');
    const resumed = await runCli(['--json', 'sync', '--once'], env);
    expect(resumed.code, resumed.stderr).toBe(0);
  });
});
