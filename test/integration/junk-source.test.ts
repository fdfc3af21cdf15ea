// "Junk" / "not junk" and a message's source, against a real Dovecot, on both engines of the
// store: the action is local at once, reaches the server once with the next sync (seen
// through a client of its own), and is undone; the source is the server's own bytes.
//
// This Dovecot has no Junk folder (its special-use block is taken out of the config before
// any login), so the first junk of each account makes one, on the server too.
import { readFile, writeFile, mkdtemp, rm } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { ImapFlow } from 'imapflow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EngineName } from '../../main/core/store/index.js';
import { fetchSource } from '../../main/core/sync/source.js';
import { runCli } from '../support/cli.js';
import { startDovecot, type DovecotServer, type DovecotUser } from '../support/dovecot.js';
import { dayAt, makeMail } from '../support/mail.js';
import { startPostgres, type PostgresServer } from '../support/postgres.js';
import { accountInput, openService, type TestService } from '../support/service.js';

const USERS = {
  sqlite: { user: 'lite', password: 'lite-password' },
  postgres: { user: 'pg', password: 'pg-password' },
  cli: { user: 'cli', password: 'cli-password' },
};

let dovecot: DovecotServer;
let postgres: PostgresServer;

beforeAll(async () => {
  [dovecot, postgres] = await Promise.all([
    startDovecot({ users: Object.values(USERS) }),
    startPostgres(),
  ]);
  const conf = await readFile(dovecot.confPath, 'utf8');
  const without = conf.replace(/ {2}mailbox Junk \{[^}]*\}\n/, '');
  expect(without).not.toBe(conf);
  await writeFile(dovecot.confPath, without);
  await dovecot.doveadm('reload');
  // The reload reaches new sessions; wait until a login no longer lists Junk.
  for (let i = 0; i < 50 && (await folders(USERS.cli)).includes('Junk'); i++)
    await new Promise((r) => setTimeout(r, 100));
  for (const who of Object.values(USERS)) expect(await folders(who)).not.toContain('Junk');
}, 60_000);

afterAll(async () => {
  await dovecot?.stop();
  await postgres?.stop();
});

/** A client of its own, as another mail program would see the server. */
async function imap<T>(
  who: { user: string; password: string },
  fn: (c: ImapFlow) => Promise<T>,
): Promise<T> {
  const client = new ImapFlow({
    host: '127.0.0.1',
    port: dovecot.port,
    secure: false,
    auth: { user: who.user, pass: who.password },
    logger: false,
  });
  client.on('error', () => undefined);
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.logout().catch(() => client.close());
  }
}

async function folders(who: { user: string; password: string }): Promise<string[]> {
  return imap(who, async (c) => (await c.list()).map((l) => l.path));
}

interface ServerFolder {
  /** subject → its flags and keywords */
  messages: Map<string, string[]>;
  permanentFlags: string[];
}

/** A folder as the server has it (selected read-write: EXAMINE lists no permanent flags). */
async function onServer(
  who: { user: string; password: string },
  folder: string,
): Promise<ServerFolder> {
  return imap(who, async (c) => {
    const lock = await c.getMailboxLock(folder);
    try {
      const messages = new Map<string, string[]>();
      const box = c.mailbox as { exists: number; permanentFlags?: Set<string> };
      if (box.exists > 0)
        for await (const m of c.fetch('1:*', { envelope: true, flags: true })) {
          const subject = m.envelope!.subject!;
          if (messages.has(subject)) throw new Error(`${subject} twice in ${folder}`);
          messages.set(subject, [...m.flags!].filter((f) => f !== '\\Recent').sort());
        }
      return { messages, permanentFlags: [...(box.permanentFlags ?? [])] };
    } finally {
      lock.release();
    }
  });
}

async function load(user: DovecotUser, subjects: string[]) {
  await user.loadMaildir(
    'INBOX',
    subjects.map((subject, i) => ({
      raw: makeMail({ subject, date: dayAt(i), messageId: `<${subject}@junk.test>` }),
    })),
  );
}

describe.each(['sqlite', 'postgres'] as EngineName[])('on %s', (engine) => {
  const who = USERS[engine as 'sqlite' | 'postgres'];
  let t: TestService;

  beforeAll(async () => {
    await load(dovecot.forUser(who.user), ['ad1', 'ad2', 'friend', 'news']);
    t = await openService({
      attempts: 2,
      ...(engine === 'postgres' ? { database: await postgres.createDatabase('junk_source') } : {}),
    });
    await t.call('account.add', {
      ...accountInput(dovecot),
      email: `${who.user}@maildock.test`,
      imap: { ...accountInput(dovecot).imap, user: who.user },
      password: who.password,
    });
    await sync();
  }, 60_000);
  afterAll(() => t?.close());

  async function sync() {
    expect((await t.call('sync.run')).errors).toEqual([]);
  }

  /** Where each message is here, and its flags: subject → [folder, flags]. */
  async function local(): Promise<Map<string, [string, string[]]>> {
    const out = new Map<string, [string, string[]]>();
    for (const m of await t.call('mailbox.list', {})) {
      const page = await t.call('message.list', { mailboxId: m.id, limit: 100 });
      for (const row of page.messages) out.set(row.subject!, [m.path, [...row.flags].sort()]);
    }
    return out;
  }

  async function idOf(subject: string): Promise<number> {
    for (const m of await t.call('mailbox.list', {})) {
      const page = await t.call('message.list', { mailboxId: m.id, limit: 100 });
      const row = page.messages.find((r) => r.subject === subject);
      if (row) return row.id;
    }
    throw new Error(`no message ${subject}`);
  }

  it('junk: made here at once, a Junk folder made, then on the server once; not junk back', async () => {
    const ads = [await idOf('ad1'), await idOf('ad2')];
    const r = await t.call('message.junk', { ids: ads, junk: true });
    expect(r).toMatchObject({
      affected: 2,
      description: 'Marked 2 messages as junk, moved 2 messages to Junk',
    });
    expect((await local()).get('ad1')).toEqual(['Junk', ['$Junk']]);
    // Nothing has gone to the server yet: it learns of it with the next sync.
    expect(await folders(who)).not.toContain('Junk');
    expect((await onServer(who, 'INBOX')).messages.has('ad1')).toBe(true);
    const pending = await t.call('operation.list', { state: 'pending' });
    // Newest first: the keywords, the move, and before them the folder the move needs.
    expect(pending.map((o) => o.kind)).toEqual(['flags', 'move', 'mailbox-create']);

    await sync();
    const junk = await onServer(who, 'Junk');
    // Dovecot keeps keywords of any name: otherwise $Junk could not be checked below.
    expect(junk.permanentFlags).toContain('\\*');
    expect(junk.messages).toEqual(
      new Map([
        ['ad1', ['$Junk']],
        ['ad2', ['$Junk']],
      ]),
    );
    expect([...(await onServer(who, 'INBOX')).messages.keys()].sort()).toEqual(['friend', 'news']);
    expect(await t.call('operation.list', {})).toEqual([]);
    // A second sync replays nothing again and finds the server as it is here.
    await sync();
    expect((await onServer(who, 'Junk')).messages.size).toBe(2);
    expect((await local()).get('ad2')).toEqual(['Junk', ['$Junk']]);

    // Already in Junk: keywords only, and no second Junk folder.
    await t.call('message.mark', { ids: [ads[0]!], read: true });
    const again = await t.call('message.junk', { ids: [ads[0]!], junk: true });
    expect(again).toMatchObject({ actionId: null, affected: 0 });

    // Not junk: out of Junk to the Inbox, $NotJunk instead of $Junk.
    const back = await t.call('message.junk', { ids: [ads[1]!], junk: false });
    expect(back.description).toBe('Marked 1 message as not junk, moved 1 message to the Inbox');
    expect((await local()).get('ad2')).toEqual(['INBOX', ['$NotJunk']]);
    // Not junk of a message outside Junk: keywords only, it stays where it is.
    const friend = await t.call('message.junk', { ids: [await idOf('friend')], junk: false });
    expect(friend).toMatchObject({ affected: 1, description: 'Marked 1 message as not junk' });
    await sync();
    expect((await onServer(who, 'INBOX')).messages).toEqual(
      new Map([
        ['ad2', ['$NotJunk']],
        ['friend', ['$NotJunk']],
        ['news', []],
      ]),
    );
    expect((await onServer(who, 'Junk')).messages).toEqual(new Map([['ad1', ['$Junk', '\\Seen']]]));
    expect((await folders(who)).filter((f) => f === 'Junk')).toHaveLength(1);
  }, 60_000);

  it('undoes a junk after it reached the server, and one that never did', async () => {
    const news = await idOf('news');
    const r = await t.call('message.junk', { ids: [news], junk: true });
    await sync();
    expect((await onServer(who, 'Junk')).messages.get('news')).toEqual(['$Junk']);

    expect(await t.call('action.undo', { actionId: r.actionId })).toMatchObject({ undone: true });
    expect((await local()).get('news')).toEqual(['INBOX', []]);
    await sync();
    expect((await onServer(who, 'INBOX')).messages.get('news')).toEqual([]);
    expect((await onServer(who, 'Junk')).messages.has('news')).toBe(false);
    expect(await t.call('operation.list', {})).toEqual([]);

    // Undone before any sync: nothing reaches the server.
    const friend = await idOf('friend');
    const pending = await t.call('message.junk', { ids: [friend], junk: true });
    expect((await local()).get('friend')).toEqual(['Junk', ['$Junk']]);
    await t.call('action.undo', { actionId: pending.actionId });
    expect((await local()).get('friend')).toEqual(['INBOX', ['$NotJunk']]);
    await sync();
    expect((await onServer(who, 'INBOX')).messages.get('friend')).toEqual(['$NotJunk']);
    expect((await onServer(who, 'Junk')).messages.has('friend')).toBe(false);
  }, 60_000);

  it('gives the source as the server has it, without marking it read', async () => {
    // Bytes a parser would not give back as they were: folded header, odd spacing, 8-bit.
    const raw = Buffer.from(
      'From: Zoë <zoe@example.test>\r\nTo: me@maildock.test\r\nSubject: Invoice: March/April\r\n' +
        'Message-ID: <source@junk.test>\r\nX-Folded: one\r\n\ttwo  \r\nDate: Mon, 1 Jan 2024 10:00:00 +0000\r\n' +
        'Content-Type: text/plain; charset=utf-8\r\n\r\nGrüße,  tabs\there\r\n.\r\nend\r\n',
    );
    await dovecot.forUser(who.user).append('INBOX', raw);
    await sync();
    const id = await idOf('Invoice: March/April');
    const s = await t.call('message.source', { id });
    expect(Buffer.from(s.data, 'base64').equals(raw)).toBe(true);
    expect(s).toMatchObject({ id, size: raw.length, filename: 'Invoice March April.eml' });
    expect((await onServer(who, 'INBOX')).messages.get('Invoice: March/April')).toEqual([]);
    expect((await local()).get('Invoice: March/April')![1]).toEqual([]);

    // Moved while offline: the server has it under a UID not known here yet.
    await t.call('message.move', { ids: [id], path: 'Trash' });
    await expect(t.call('message.source', { id })).rejects.toMatchObject({
      data: { code: 'NOT_FOUND', fields: { messageId: id, onServer: false } },
    });
    await sync();
    const moved = await t.call('message.source', { id });
    expect(Buffer.from(moved.data, 'base64').equals(raw)).toBe(true);

    await expect(t.call('message.source', { id: 999_999 })).rejects.toMatchObject({
      data: { code: 'NOT_FOUND' },
    });
  }, 60_000);
});

describe('message source', () => {
  it('refuses a message larger than allowed before downloading it', async () => {
    const who = USERS.cli;
    const uid = await dovecot.forUser(who.user).append('INBOX', makeMail({ subject: 'big' }));
    await imap(who, async (c) => {
      await expect(
        fetchSource(c, { path: 'INBOX', uid, uidValidity: null }, 10),
      ).rejects.toMatchObject({ code: 'TOO_LARGE' });
      // A UID of another folder's past (UIDVALIDITY changed) is never fetched.
      await expect(
        fetchSource(c, { path: 'INBOX', uid, uidValidity: '1' }, 1 << 20),
      ).rejects.toMatchObject({ code: 'MAILBOX_GONE' });
      await expect(
        fetchSource(c, { path: 'INBOX', uid: uid + 100, uidValidity: null }, 1 << 20),
      ).rejects.toMatchObject({ code: 'NOT_FOUND' });
    });
    // Fetched with PEEK: still unread.
    expect((await onServer(who, 'INBOX')).messages.get('big')).toEqual([]);
  });

  it('the command line: junk, not junk and source', async () => {
    const who = USERS.cli;
    await load(dovecot.forUser(who.user), ['spam offer']);
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'maildock-junk-cli-'));
    const env = {
      MAILDOCK_DATA_DIR: dataDir,
      MAILDOCK_SECRET_KEY: randomBytes(32).toString('base64'),
    };
    const cli = async (...args: string[]) => {
      const r = await runCli(args, env, who.password);
      expect(r.code, r.stderr).toBe(0);
      return r.stdout;
    };
    try {
      // prettier-ignore
      await cli('--json', 'account', 'add', '--email', 'cli@maildock.test', '--imap-host', '127.0.0.1',
        '--imap-port', String(dovecot.port), '--imap-security', 'none', '--user', who.user, '--password-stdin');
      await cli('sync', '--once');
      const list = JSON.parse(await cli('--json', 'message', 'list', '--mailbox', 'INBOX'));
      const spam = list.messages.find((m: { subject: string }) => m.subject === 'spam offer');
      const server = await imap(who, async (c) => {
        const lock = await c.getMailboxLock('INBOX', { readOnly: true });
        try {
          const all = [];
          for await (const m of c.fetch('1:*', { envelope: true, source: true })) all.push(m);
          return all.find((m) => m.envelope?.subject === 'spam offer')!.source!;
        } finally {
          lock.release();
        }
      });
      const file = path.join(dataDir, 'spam.eml');
      const saved = JSON.parse(
        await cli('--json', 'message', 'source', String(spam.id), '--out', file),
      );
      expect(saved).toMatchObject({ file, filename: 'spam offer.eml', size: server.length });
      expect((await readFile(file)).equals(server)).toBe(true);
      // To stdout, byte for byte (this message is ASCII, so the text is the bytes).
      expect(await cli('message', 'source', String(spam.id))).toBe(server.toString('latin1'));

      const junked = JSON.parse(await cli('--json', 'message', 'junk', String(spam.id)));
      expect(junked).toMatchObject({
        affected: 1,
        description: 'Marked 1 message as junk, moved 1 message to Junk',
      });
      expect(await cli('message', 'junk', '--not', String(spam.id))).toBe(
        'Marked 1 message as not junk, moved 1 message to the Inbox.\n',
      );
      await cli('sync', '--once');
      expect((await onServer(who, 'INBOX')).messages.get('spam offer')).toEqual(['$NotJunk']);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  }, 60_000);
});
