// `maildock mailbox create|rename|delete` end to end, on a Dovecot whose folders are
// separated by "." (Maildir++): paths are typed as `mailbox list` shows them, the folders
// above a path are made first, what a delete took is printed, and with several accounts
// the command asks which. The server is checked by a client of its own after each sync
// (run in-process on the same data folder, between the commands).
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ImapFlow } from 'imapflow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { startDovecot, type DovecotServer } from '../support/dovecot.js';
import { makeMail } from '../support/mail.js';
import { accountInput, openService, type TestService } from '../support/service.js';

const OTHER = { user: 'other', password: 'other-password-Zq4' };

let server: DovecotServer;
let dataDir: string;
let secretKey: string;
let env: Record<string, string>;

beforeAll(async () => {
  server = await startDovecot({ separator: '.', users: [OTHER] });
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'maildock-folders-cli-'));
  secretKey = randomBytes(32).toString('base64');
  env = { MAILDOCK_DATA_DIR: dataDir, MAILDOCK_SECRET_KEY: secretKey };
}, 30_000);
afterAll(async () => {
  await server?.stop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

/** The service on the CLI's data folder for one step, closed after it. */
async function inProcess<T>(fn: (call: TestService['call']) => Promise<T>): Promise<T> {
  const t = await openService({ dataDir, secretKey });
  try {
    return await fn(t.call);
  } finally {
    await t.close();
  }
}

/** The server's folders (and whether subscribed, and their UIDVALIDITY), as another client sees them. */
async function onServer(): Promise<Map<string, { subscribed: boolean; uidValidity: string }>> {
  const client = new ImapFlow({
    host: server.host,
    port: server.port,
    secure: false,
    auth: { user: server.user, pass: server.password },
    logger: false,
  });
  client.on('error', () => undefined);
  await client.connect();
  try {
    const listed = await client.list({ statusQuery: { uidValidity: true } });
    return new Map(
      listed
        .filter((l) => /^(Projects|Work)/.test(l.path))
        .sort((a, b) => a.path.localeCompare(b.path))
        .map((l) => [
          l.path,
          { subscribed: l.subscribed, uidValidity: String(l.status?.uidValidity) },
        ]),
    );
  } finally {
    await client.logout().catch(() => client.close());
  }
}

describe('maildock mailbox on a server that separates folders with "."', () => {
  it('creates a path, renames it with its subfolders, deletes it, and names the account', async () => {
    await inProcess(async (call) => {
      const account = await call('account.add', accountInput(server));
      await call('sync.run');
      const [inbox] = await call('mailbox.list', {});
      expect(inbox!.delimiter).toBe('.');
      // One level's name may not hold the server's delimiter.
      const dotted = call('mailbox.create', { accountId: account.id, name: 'v1.2' });
      await expect(dotted).rejects.toMatchObject({
        data: { code: 'INVALID_INPUT', fields: { delimiter: '.' } },
      });
    });

    const created = await runCli(['--json', 'mailbox', 'create', 'Projects.2026'], env);
    expect(created.code, created.stderr).toBe(0);
    const made = JSON.parse(created.stdout) as { path: string; delimiter: string }[];
    expect(made.map((m) => [m.path, m.delimiter])).toEqual([
      ['Projects', '.'],
      ['Projects.2026', '.'],
    ]);
    const again = await runCli(['mailbox', 'create', 'Projects.2026'], env);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('There is a folder Projects.2026 already.');

    const uidValidity = await inProcess(async (call) => {
      await call('sync.run');
      return (await onServer()).get('Projects.2026')?.uidValidity;
    });
    expect(uidValidity).toBeDefined();
    await server.append('Projects.2026', makeMail({ subject: 'budget' }));

    const renamed = await runCli(['mailbox', 'rename', 'Projects', 'Work'], env);
    expect(renamed.code, renamed.stderr).toBe(0);
    expect(renamed.stdout).toBe('Renamed Projects to Work.\n');

    await inProcess(async (call) => {
      await call('sync.run');
      const remote = await onServer();
      expect([...remote.keys()]).toEqual(['Work', 'Work.2026']);
      expect(remote.get('Work.2026')).toEqual({ subscribed: true, uidValidity });
      const boxes = await call('mailbox.list', {});
      expect(boxes.find((m) => m.path === 'Work.2026')?.total).toBe(1);
    });

    const deleted = await runCli(['mailbox', 'delete', 'Work'], env);
    expect(deleted.code, deleted.stderr).toBe(0);
    expect(deleted.stdout).toBe('Deleted Work, Work.2026 with 1 message.\n');

    // A second account: which one must be said.
    await inProcess(async (call) => {
      await call('sync.run');
      expect((await onServer()).size).toBe(0);
      await call(
        'account.add',
        accountInput(server, {
          email: 'other@maildock.test',
          imap: { host: server.host, port: server.port, security: 'none', user: OTHER.user },
          password: OTHER.password,
        }),
      );
    });
    const unsaid = await runCli(['--json', 'mailbox', 'create', 'Projects'], env);
    expect(unsaid.code).toBe(1);
    expect(JSON.parse(unsaid.stdout)).toMatchObject({
      error: { code: 'INVALID_INPUT', fields: { accounts: 2 } },
    });
    expect(JSON.parse(unsaid.stdout).error.message).toContain('--account');
  });
});
