// The `maildock` command line end to end against a real Dovecot, including a sync killed
// with SIGKILL halfway and a log that must never hold a password or a message body.
import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startDovecot, type DovecotServer } from '../support/dovecot.js';
import { runCli, startCli } from '../support/cli.js';
import { dayAt, makeMail } from '../support/mail.js';

let server: DovecotServer;
let dataDir: string;
let env: Record<string, string>;

beforeEach(async () => {
  server = await startDovecot();
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'maildock-cli-'));
  env = { MAILDOCK_DATA_DIR: dataDir, MAILDOCK_SECRET_KEY: randomBytes(32).toString('base64') };
});
afterEach(async () => {
  await server?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

const addArgs = () => [
  '--json',
  'account',
  'add',
  '--email',
  'me@maildock.test',
  '--imap-host',
  '127.0.0.1',
  '--imap-port',
  String(server.port),
  '--imap-security',
  'none',
  '--user',
  server.user,
  '--password-stdin',
];

describe('maildock CLI', () => {
  it('adds an account, syncs, lists, shows and searches', async () => {
    await server.loadMaildir('INBOX', [
      {
        raw: makeMail({
          subject: 'Quarterly numbers',
          from: 'Carol <carol@example.test>',
          text: 'The zebrafish budget is attached.',
          date: dayAt(1),
        }),
      },
      {
        raw: makeMail({
          subject: 'Lunch',
          text: 'Pizza on Friday?',
          date: dayAt(2),
          attachment: {
            filename: '../../menu.txt',
            contentType: 'text/plain',
            content: Buffer.from('margherita\n'),
          },
        }),
        flags: ['\\Seen'],
      },
    ]);
    const add = await runCli(addArgs(), env, `${server.password}\n`);
    expect(add.code, add.stderr).toBe(0);
    const account = JSON.parse(add.stdout);
    expect(account).toMatchObject({ id: 1, email: 'me@maildock.test' });

    const sync = await runCli(['--json', 'sync', '--once'], env);
    expect(sync.code, sync.stderr).toBe(0);
    expect(JSON.parse(sync.stdout)).toEqual({
      accounts: 1,
      mailboxes: 6,
      messages: 2,
      bodies: 2,
      errors: [],
      operations: { pending: 0, failed: 0 },
    });

    const list = JSON.parse(
      (await runCli(['--json', 'message', 'list', '--mailbox', 'INBOX'], env)).stdout,
    );
    expect(list.messages.map((m: { subject: string }) => m.subject)).toEqual([
      'Lunch',
      'Quarterly numbers',
    ]);

    const search = await runCli(['--json', 'search', 'zebrafish from:carol'], env);
    expect(search.code, search.stderr).toBe(0);
    const hits = JSON.parse(search.stdout);
    expect(hits).toHaveLength(1);
    expect(hits[0]).toMatchObject({ mailbox: 'INBOX', subject: 'Quarterly numbers', flags: [] });
    expect(Object.keys(hits[0])).toEqual(
      expect.arrayContaining(['id', 'mailbox', 'subject', 'from', 'date', 'flags', 'snippet']),
    );
    expect(hits[0].snippet).toContain('zebrafish');

    const shown = await runCli(['message', 'show', String(hits[0].id)], env);
    expect(shown.stdout).toContain('Subject: Quarterly numbers');
    expect(shown.stdout).toContain('The zebrafish budget is attached.');

    const lunch = JSON.parse(
      (await runCli(['--json', 'message', 'show', String(list.messages[0].id)], env)).stdout,
    );
    expect(lunch.attachments).toEqual([expect.objectContaining({ filename: '../../menu.txt' })]);
    const out = path.join(dataDir, 'saved-menu.txt');
    const save = ['--json', 'attachment', 'save', String(lunch.attachments[0].id), '--out', out];
    const saved = await runCli(save, env);
    expect(saved.code, saved.stderr).toBe(0);
    expect(await readFile(out, 'utf8')).toBe('margherita\n');
    const again = await runCli(save, env);
    expect(JSON.parse(again.stdout).error.code).toBe('ALREADY_EXISTS');
    expect((await runCli([...save, '--force'], env)).code).toBe(0);

    const bad = await runCli(['--json', 'search', 'from:'], env);
    expect(bad.code).toBe(1);
    expect(JSON.parse(bad.stdout).error.code).toBe('SEARCH_SYNTAX');

    const boxes = await runCli(['mailbox', 'list'], env);
    expect(boxes.stdout).toMatch(/INBOX \[inbox\]\s+2 msgs\s+1 unread/);
  });

  it('marks, moves, deletes and undoes, and the next sync carries it to the server', async () => {
    await server.loadMaildir('INBOX', [
      { raw: makeMail({ subject: 'first', date: dayAt(1) }) },
      { raw: makeMail({ subject: 'second', date: dayAt(2) }) },
    ]);
    expect((await runCli(addArgs(), env, server.password)).code).toBe(0);
    expect((await runCli(['sync', '--once'], env)).code).toBe(0);
    const list = JSON.parse(
      (await runCli(['--json', 'message', 'list', '--mailbox', 'INBOX'], env)).stdout,
    ) as { messages: { id: number; subject: string }[] };
    const id = (s: string) => String(list.messages.find((m) => m.subject === s)!.id);

    const marked = await runCli(['message', 'mark', id('first'), '--read', '--flag'], env);
    expect(marked.stdout).toBe('Marked 1 message as read and flagged.\n');
    const moved = await runCli(
      ['--json', 'message', 'move', id('second'), '--to-role', 'archive'],
      env,
    );
    expect(JSON.parse(moved.stdout)).toMatchObject({ affected: 1 });
    const pending = JSON.parse((await runCli(['--json', 'changes'], env)).stdout) as unknown[];
    expect(pending).toHaveLength(2);
    expect((await runCli(['undo'], env)).stdout).toBe('Undone: Moved 1 message to Archive.\n');
    expect((await runCli(['message', 'delete', id('second')], env)).stdout).toBe(
      'Moved 1 message to the Trash.\n',
    );
    const bad = await runCli(['--json', 'message', 'mark', '999999', '--read'], env);
    expect(bad.code).toBe(1);
    expect(JSON.parse(bad.stdout).error.code).toBe('NOT_FOUND');

    const summary = JSON.parse((await runCli(['--json', 'sync', '--once'], env)).stdout);
    expect(summary.operations).toEqual({ pending: 0, failed: 0 });
    const flags = await server.doveadm(
      'fetch',
      '-u',
      server.user,
      'flags',
      'mailbox',
      'INBOX',
      'all',
    );
    expect(flags).toMatch(/\\Seen/);
    expect(flags).toMatch(/\\Flagged/);
    const trash = await server.doveadm('search', '-u', server.user, 'mailbox', 'Trash', 'all');
    expect(trash.trim().split('\n')).toHaveLength(1);
    const archive = await server.doveadm('search', '-u', server.user, 'mailbox', 'Archive', 'all');
    expect(archive.trim()).toBe('');
  });

  it('reports a wrong password with its code and exit status 1', async () => {
    const r = await runCli(addArgs(), env, 'wrong-password\n');
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).error.code).toBe('AUTH_FAILED');
  });

  it('a sync killed with SIGKILL resumes and converges: nothing lost, nothing doubled', async () => {
    const n = 4000;
    await server.loadMaildir(
      'INBOX',
      Array.from({ length: n }, (_, i) => ({
        raw: makeMail({ subject: `kill ${i}`, date: dayAt(i), text: `word${i} `.repeat(40) }),
      })),
    );
    expect((await runCli(addArgs(), env, server.password)).code).toBe(0);
    const dbPath = path.join(dataDir, 'maildock.db');
    const count = (sql: string) => {
      const db = new Database(dbPath, { readonly: true });
      try {
        return db.prepare(sql).pluck().get() as number;
      } finally {
        db.close();
      }
    };
    // Kill once during headers and once during bodies.
    for (const [sql, threshold] of [
      ['SELECT count(*) FROM messages', 1000],
      ['SELECT count(*) FROM messages WHERE body_state != 0', 800],
    ] as const) {
      const { child, done } = startCli(['sync', '--once'], env);
      for (let i = 0; i < 600; i++) {
        await new Promise((r) => setTimeout(r, 50));
        if (count(sql) >= threshold) break;
      }
      child.kill('SIGKILL');
      const r = await done;
      expect(r.signal).toBe('SIGKILL');
      expect(count(sql)).toBeLessThan(n);
    }
    const finish = await runCli(['--json', 'sync', '--once'], env);
    expect(finish.code, finish.stderr).toBe(0);
    expect(JSON.parse(finish.stdout)).toMatchObject({ messages: n, bodies: n, errors: [] });
    expect(count('SELECT count(DISTINCT uid) FROM messages')).toBe(n);
    expect(count('SELECT count(DISTINCT message_id) FROM messages')).toBe(n);
    // The full-text index holds each message once: a word of every message finds exactly it.
    const search = JSON.parse(
      (await runCli(['--json', 'search', 'word1234', '--limit', '5'], env)).stdout,
    );
    expect(search.map((h: { subject: string }) => h.subject)).toEqual(['kill 1234']);
    expect(count(`SELECT count(*) FROM message_fts WHERE message_fts MATCH 'word3999'`)).toBe(1);
  });

  it('never writes the password or message bodies to its log', async () => {
    const secretBody = 'confidential-body-words-7f3a';
    await server.loadMaildir('INBOX', [
      { raw: makeMail({ subject: 'log check', text: secretBody }) },
    ]);
    const verbose = { ...env, MAILDOCK_LOG_LEVEL: 'trace' };
    expect((await runCli(addArgs(), verbose, server.password)).code).toBe(0);
    expect((await runCli(['sync', '--once'], verbose)).code).toBe(0);
    const wrong = await runCli(
      [...addArgs().slice(0, 4), 'other@maildock.test', ...addArgs().slice(5)],
      verbose,
      'hunter2-wrong-pass',
    );
    expect(wrong.code).toBe(1);
    const logDir = path.join(dataDir, 'logs');
    const files = await readdir(logDir);
    expect(files.length).toBeGreaterThan(0);
    const text = (await Promise.all(files.map((f) => readFile(path.join(logDir, f), 'utf8')))).join(
      '\n',
    );
    expect(text).toContain('account added');
    expect(text).not.toContain(server.password);
    expect(text).not.toContain('hunter2-wrong-pass');
    expect(text).not.toContain(secretBody);
  });
});
