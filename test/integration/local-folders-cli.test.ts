// Local folders from the command line, end to end, on a server whose folders are separated by
// "." (local folders keep "/"): `mailbox create --local` (the levels above made first),
// `mailbox list` marking them, `import --mailbox NAME` finding one by its name, search and
// export over it, rename and delete; none of it ever reaches the server.
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ImapFlow } from 'imapflow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { startDovecot, type DovecotServer } from '../support/dovecot.js';
import { makeMail } from '../support/mail.js';
import { accountInput, openService } from '../support/service.js';

let server: DovecotServer;
let dataDir: string;
let env: Record<string, string>;

beforeAll(async () => {
  server = await startDovecot({ separator: '.' });
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'maildock-local-cli-'));
  const secretKey = randomBytes(32).toString('base64');
  env = { MAILDOCK_DATA_DIR: dataDir, MAILDOCK_SECRET_KEY: secretKey };
  const t = await openService({ dataDir, secretKey });
  try {
    await t.call('account.add', accountInput(server));
    expect((await t.call('sync.run')).errors).toEqual([]);
  } finally {
    await t.close();
  }
}, 30_000);
afterAll(async () => {
  await server?.stop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

/** The server's folders as a client of its own lists them. */
async function serverFolders(): Promise<string[]> {
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
    return (await client.list()).map((l) => l.path).sort();
  } finally {
    await client.logout().catch(() => client.close());
  }
}

const festival = makeMail({
  subject: 'The festival',
  date: new Date(Date.UTC(2024, 2, 5, 9)),
  html: '<p>The <b>quokka</b> festival starts on Monday.</p>',
  text: 'See the web page.',
});
const plain = makeMail({ subject: 'Plain words', date: new Date(Date.UTC(2024, 2, 6, 9)) });

const mbox = (raws: Buffer[]) =>
  Buffer.from(
    raws
      .map(
        (raw, i) =>
          `From a@example.test Mon Mar  ${4 + i} 12:00:00 2024\n${raw.toString('latin1').replace(/\r\n/g, '\n')}\n`,
      )
      .join(''),
    'latin1',
  );
const noFromLines = (file: Buffer) => file.toString('latin1').replace(/^From .*\n/gm, '');

describe('maildock with local folders', () => {
  it('creates, lists, imports into, searches, exports, renames and deletes them', async () => {
    const before = await serverFolders();
    const created = await runCli(['mailbox', 'create', 'Old/2019', '--local'], env);
    expect(created.code, created.stderr).toBe(0);
    expect(created.stdout).toBe('Created Local Folders/Old, Local Folders/Old/2019.\n');
    const again = await runCli(['mailbox', 'create', 'Old', '--local'], env);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('There is a folder Old already.');

    const listed = await runCli(['mailbox', 'list'], env);
    expect(listed.code, listed.stderr).toBe(0);
    const lines = listed.stdout.split('\n');
    expect(
      lines.filter((l) => l.includes('(local)')).map((l) => /Local Folders\S*/.exec(l)?.[0]),
    ).toEqual(['Local Folders/Old', 'Local Folders/Old/2019']);
    expect(lines.find((l) => /\bINBOX\b/.test(l))).not.toContain('(local)');

    const file = path.join(dataDir, 'in.mbox');
    await writeFile(file, mbox([festival, plain]));
    const imported = await runCli(['import', file, '--mailbox', 'Old/2019'], env);
    expect(imported.code, imported.stderr).toBe(0);
    expect(imported.stdout).toBe('Imported 2 messages into Local Folders/Old/2019 (mbox).\n');
    const twice = await runCli(['import', file, '--mailbox', 'Local Folders/Old/2019'], env);
    expect(twice.stdout).toContain('2 messages already there, not again.');

    const found = await runCli(['--json', 'search', 'quokka'], env);
    expect(found.code, found.stderr).toBe(0);
    const hits = JSON.parse(found.stdout) as { subject: string; mailbox: string }[];
    expect(hits.map((h) => [h.subject, h.mailbox])).toEqual([
      ['The festival', 'Local Folders/Old/2019'],
    ]);

    const to = path.join(dataDir, 'out.mbox');
    const exported = await runCli(
      ['export', '--mailbox', 'Old/2019', '--format', 'mbox', '--to', to],
      env,
    );
    expect(exported.code, exported.stderr).toBe(0);
    expect(noFromLines(await readFile(to))).toBe(noFromLines(mbox([festival, plain])));

    const renamed = await runCli(['mailbox', 'rename', 'Old', 'Older'], env);
    expect(renamed.code, renamed.stderr).toBe(0);
    expect(renamed.stdout).toBe('Renamed Local Folders/Old to Local Folders/Older.\n');
    const deleted = await runCli(['mailbox', 'delete', 'Older'], env);
    expect(deleted.code, deleted.stderr).toBe(0);
    expect(deleted.stdout).toBe(
      'Deleted Local Folders/Older, Local Folders/Older/2019 with 2 messages.\n',
    );

    expect((await runCli(['sync', '--once'], env)).code).toBe(0);
    expect(await serverFolders()).toEqual(before);
  }, 120_000);
});
