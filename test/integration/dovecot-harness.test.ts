// The private-Dovecot harness and the corpus generator, proven against the real server.
import type { ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import net from 'node:net';
import { fileURLToPath } from 'node:url';
import { ImapFlow, type StatusObject, type StatusQuery } from 'imapflow';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { corpusTerms, generateCorpus, type CorpusMessage } from '../../bench/corpus.js';
import { startDovecot, type DovecotServer } from '../support/dovecot.js';
import { loadMessages } from '../support/maildir.js';
import { nodeChild, portAnswers, waitFor } from '../support/processes.js';

function client(
  server: DovecotServer,
  opts: { password?: string; qresync?: boolean } = {},
): ImapFlow {
  const c = new ImapFlow({
    host: server.host,
    port: server.port,
    secure: false,
    auth: { user: server.user, pass: opts.password ?? server.password },
    logger: false,
    qresync: opts.qresync ?? false,
  });
  c.on('error', () => undefined);
  return c;
}

async function withClient<T>(server: DovecotServer, fn: (c: ImapFlow) => Promise<T>): Promise<T> {
  const c = client(server);
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.logout().catch(() => c.close());
  }
}

async function status(c: ImapFlow, path: string, query: StatusQuery): Promise<StatusObject> {
  const res = await c.status(path, query);
  if (!res) throw new Error(`STATUS ${path} failed`);
  return res;
}

/** \Recent is the session's view, not a stored flag. */
const withoutRecent = (flags: Set<string> | undefined): Set<string> =>
  new Set([...(flags ?? [])].filter((f) => f !== '\\Recent'));

async function flagsOf(server: DovecotServer, folder: string, uid: number): Promise<Set<string>> {
  return withClient(server, async (c) => {
    await c.mailboxOpen(folder, { readOnly: true });
    const msg = await c.fetchOne(String(uid), { flags: true }, { uid: true });
    return withoutRecent(msg ? msg.flags : undefined);
  });
}

describe('private Dovecot harness', () => {
  let server: DovecotServer;
  const corpus = [...generateCorpus({ count: 220, seed: 7 })];
  const inbox = corpus.slice(0, 200);
  const sub = corpus.slice(200);

  beforeAll(async () => {
    server = await startDovecot({ folders: ['Projects'] });
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('logs in and offers IMAP4rev1, CONDSTORE, QRESYNC and IDLE', async () => {
    const c = client(server, { qresync: true });
    await c.connect();
    try {
      for (const cap of ['IMAP4rev1', 'CONDSTORE', 'QRESYNC', 'IDLE', 'UIDPLUS'])
        expect(c.capabilities.has(cap), `${cap} in ${[...c.capabilities.keys()].join(' ')}`).toBe(
          true,
        );
      expect(c.enabled.has('QRESYNC')).toBe(true);
      const folders = await c.list();
      const byUse = new Map(folders.map((f) => [f.specialUse, f.path]));
      expect(byUse.get('\\Sent')).toBe('Sent');
      expect(byUse.get('\\Drafts')).toBe('Drafts');
      expect(byUse.get('\\Trash')).toBe('Trash');
      expect(byUse.get('\\Archive')).toBe('Archive');
      expect(byUse.get('\\Junk')).toBe('Junk');
      expect(folders.map((f) => f.path)).toContain('Projects');
    } finally {
      await c.logout();
    }
  });

  it('loads Maildir files so STATUS counts them and UIDs follow the date', async () => {
    // Keywords go through the folder's dovecot-keywords file.
    const flagsOfMsg = (m: CorpusMessage, i: number): string[] =>
      i % 50 === 3 ? [...m.flags, '$Forwarded', 'Work'] : m.flags;
    const loaded = inbox.map((m, i) => ({
      raw: m.raw,
      flags: flagsOfMsg(m, i),
      internalDate: m.date,
    }));
    // Shuffled on purpose: UIDs must come from the dates, not from the call order.
    const byId = (a: { raw: Buffer }, b: { raw: Buffer }): number =>
      createHash('md5')
        .update(a.raw)
        .digest('hex')
        .localeCompare(createHash('md5').update(b.raw).digest('hex'));
    await server.loadMaildir('INBOX', [...loaded].sort(byId));
    await server.loadMaildir(
      'Projects/2024',
      sub.map((m) => ({ raw: m.raw, flags: m.flags })),
    );

    await withClient(server, async (c) => {
      const inboxStatus = await status(c, 'INBOX', { messages: true, uidNext: true, unseen: true });
      expect(inboxStatus.messages).toBe(200);
      expect(inboxStatus.uidNext).toBe(201);
      expect(inboxStatus.unseen).toBe(inbox.filter((m) => !m.flags.includes('\\Seen')).length);
      expect((await status(c, 'Projects/2024', { messages: true })).messages).toBe(20);

      await c.mailboxOpen('INBOX', { readOnly: true });
      const fetched: { uid: number; date: number; id: string | undefined; flags: Set<string> }[] =
        [];
      for await (const m of c.fetch(
        '1:*',
        { uid: true, internalDate: true, envelope: true, flags: true },
        { uid: true },
      ))
        fetched.push({
          uid: m.uid,
          date: new Date(m.internalDate ?? 0).getTime(),
          id: m.envelope?.messageId,
          flags: withoutRecent(m.flags),
        });
      fetched.sort((a, b) => a.uid - b.uid);
      expect(fetched.map((f) => f.uid)).toEqual(inbox.map((_, i) => i + 1));
      expect(fetched.map((f) => f.id)).toEqual(inbox.map((m) => m.messageId));
      expect(fetched.map((f) => f.date)).toEqual(inbox.map((m) => m.date.getTime()));
      expect(fetched.map((f) => [...f.flags].sort())).toEqual(
        loaded.map((m) => [...m.flags].sort()),
      );
      expect(fetched[3]?.flags.has('Work')).toBe(true);

      // Without an explicit internal date the Date header is used.
      await c.mailboxOpen('Projects/2024', { readOnly: true });
      const dates: number[] = [];
      for await (const m of c.fetch('1:*', { internalDate: true }, { uid: true }))
        dates.push(new Date(m.internalDate ?? 0).getTime());
      expect(dates).toEqual(sub.map((m) => m.date.getTime()));
    });
  });

  it('streams a corpus into auto-created special-use folders', async () => {
    const counts = await loadMessages(
      server,
      generateCorpus({ count: 60, seed: 8, folders: ['Archive', 'Sent'] }),
      25,
    );
    expect(counts.get('Archive')).toBeGreaterThan(0);
    expect(counts.get('Sent')).toBeGreaterThan(0);
    await withClient(server, async (c) => {
      for (const [folder, n] of counts)
        expect((await status(c, folder, { messages: true })).messages).toBe(n);
    });
  });

  it('appends over IMAP and returns the new UID', async () => {
    const raw = Buffer.from(
      'From: Test <t@example.com>\r\nTo: alex@maildock.test\r\nSubject: appended\r\nMessage-ID: <appended@example.com>\r\n\r\nbody\r\n',
    );
    const uid = await server.append('INBOX', raw, ['\\Flagged']);
    expect(uid).toBe(201);
    expect(await flagsOf(server, 'INBOX', uid)).toEqual(new Set(['\\Flagged']));
    expect(await server.append('Drafts', raw, ['\\Draft', '\\Seen'])).toBe(1);
  });

  it('shows a doveadm flag change to a client, with a new MODSEQ', async () => {
    await server.doveadm(
      'flags',
      'remove',
      '-u',
      server.user,
      '\\Seen',
      'mailbox',
      'INBOX',
      'uid',
      '1',
    );
    expect((await flagsOf(server, 'INBOX', 1)).has('\\Seen')).toBe(false);

    const c = client(server, { qresync: true });
    await c.connect();
    try {
      const box = await c.mailboxOpen('INBOX');
      const before = box.highestModseq ?? 0n;
      await server.doveadm(
        'flags',
        'add',
        '-u',
        server.user,
        '\\Seen',
        'mailbox',
        'INBOX',
        'uid',
        '1',
      );
      await c.noop();
      const changed: number[] = [];
      for await (const m of c.fetch(
        '1:*',
        { uid: true, flags: true },
        { uid: true, changedSince: before },
      ))
        changed.push(m.uid);
      expect(changed).toEqual([1]);
    } finally {
      await c.logout();
    }
    expect((await flagsOf(server, 'INBOX', 1)).has('\\Seen')).toBe(true);
  });

  it('renames and deletes folders through doveadm', async () => {
    await server.doveadm('mailbox', 'rename', '-u', server.user, 'Projects/2024', 'Projects/2025');
    await withClient(server, async (c) => {
      const paths = (await c.list()).map((f) => f.path);
      expect(paths).toContain('Projects/2025');
      expect(paths).not.toContain('Projects/2024');
      expect((await status(c, 'Projects/2025', { messages: true })).messages).toBe(20);
    });
    await server.doveadm('mailbox', 'delete', '-u', server.user, 'Projects/2025');
    await server.doveadm('mailbox', 'create', '-u', server.user, 'Clients/Acme');
    await withClient(server, async (c) => {
      const paths = (await c.list()).map((f) => f.path);
      expect(paths).not.toContain('Projects/2025');
      expect(paths).toContain('Clients/Acme');
    });
  });

  it('after kill() and start() serves the same mail on the same port', async () => {
    const port = server.port;
    const validity = await withClient(
      server,
      async (c) => (await status(c, 'INBOX', { uidValidity: true })).uidValidity,
    );
    await server.kill();
    await expect(withClient(server, async () => undefined)).rejects.toThrow();
    await server.start();
    expect(server.port).toBe(port);
    await withClient(server, async (c) => {
      const after = await status(c, 'INBOX', { messages: true, uidNext: true, uidValidity: true });
      expect(after).toMatchObject({ messages: 201, uidNext: 202, uidValidity: validity });
    });
  });

  it('rejects a wrong password', async () => {
    const c = client(server, { password: 'not-the-password' });
    await expect(c.connect()).rejects.toMatchObject({ authenticationFailed: true });
    expect(server.logTail()).toMatch(/auth|Disconnected/i);
  });
});

/** Logs in over a raw socket and collects everything the server sends until it closes. */
async function rawSession(
  server: DovecotServer,
): Promise<{ loggedIn: Promise<void>; transcript: Promise<string> }> {
  const sock = net.connect({ host: server.host, port: server.port });
  let text = '';
  let onLogin: () => void = () => undefined;
  const loggedIn = new Promise<void>((resolve) => (onLogin = resolve));
  const quote = (s: string): string => `"${s.replace(/["\\]/g, '\\$&')}"`;
  sock.on('data', (d) => {
    text += d.toString('latin1');
    if (/^\* OK/m.test(text) && !text.includes('a1 '))
      sock.write(`a1 LOGIN ${quote(server.user)} ${quote(server.password)}\r\n`);
    if (/^a1 OK/m.test(text)) onLogin();
  });
  const transcript = new Promise<string>((resolve) => sock.once('close', () => resolve(text)));
  sock.on('error', () => undefined);
  return { loggedIn, transcript };
}

/** Starts a server in a separate Node process, which prints its port and root. */
async function startInChild(
  linger: boolean,
): Promise<{ child: ChildProcess; port: number; root: string }> {
  const harness = fileURLToPath(new URL('../support/dovecot.ts', import.meta.url));
  const code = `const { startDovecot } = await import(${JSON.stringify(harness)});
const s = await startDovecot();
console.log(JSON.stringify({ port: s.port, root: s.root }));
if (process.argv.includes('--linger')) setInterval(() => undefined, 1000);`;
  const { child, printed } = await nodeChild<{ port: number; root: string }>(
    code,
    linger ? ['--linger'] : [],
  );
  return { child, ...printed };
}

describe('private Dovecot lifecycle', () => {
  it('stop() disconnects a logged-in client and removes the temp dir', async () => {
    const server = await startDovecot({ user: 'bob@maildock.test', password: 'pw with "spaces"' });
    const session = await rawSession(server);
    await session.loggedIn;
    expect(existsSync(server.maildir)).toBe(true);
    await server.stop();
    // Dovecot 2.3 closes imap sessions on shutdown without a BYE.
    expect(await session.transcript).toMatch(/^a1 OK/m);
    expect(existsSync(server.root)).toBe(false);
    await expect(server.start()).rejects.toThrow(/removed/);
  });

  it('leaves no server behind when the test process exits without stop()', async () => {
    const { child, port, root } = await startInChild(false);
    await new Promise((resolve) =>
      child.exitCode === null ? child.once('exit', resolve) : resolve(null),
    );
    expect(await portAnswers(port)).toBe(false);
    expect(existsSync(root)).toBe(false);
  });

  it('leaves no server behind when the test process is SIGKILLed', async () => {
    const { child, port, root } = await startInChild(true);
    expect(await portAnswers(port)).toBe(true);
    child.kill('SIGKILL');
    // The watchdog polls once a second.
    expect(await waitFor(async () => !(await portAnswers(port)) && !existsSync(root), 5000)).toBe(
      true,
    );
  });
});

describe('generateCorpus', () => {
  const digest = (msgs: Iterable<CorpusMessage>): string => {
    const h = createHash('sha256');
    for (const m of msgs) h.update(m.raw).update(m.folder).update(m.flags.join(','));
    return h.digest('hex');
  };

  it('is deterministic for a seed', () => {
    const a = digest(generateCorpus({ count: 300, seed: 42, folders: ['INBOX', 'Sent'] }));
    expect(digest(generateCorpus({ count: 300, seed: 42, folders: ['INBOX', 'Sent'] }))).toBe(a);
    expect(digest(generateCorpus({ count: 300, seed: 43, folders: ['INBOX', 'Sent'] }))).not.toBe(
      a,
    );
  });

  it('produces parseable MIME with the planted search terms', async () => {
    const count = 400;
    const terms = corpusTerms(11, count);
    const msgs = [...generateCorpus({ count, seed: 11, folders: ['INBOX', 'Archive', 'Sent'] })];
    const rareSeen = new Map<string, number>();
    let common = 0;
    let attachments = 0;
    let html = 0;
    let encodedSubjects = 0;
    let replies = 0;
    for (const [i, m] of msgs.entries()) {
      if (i > 0)
        expect(m.date.getTime()).toBeGreaterThan((msgs[i - 1] as CorpusMessage).date.getTime());
      const parsed = await simpleParser(m.raw, {
        skipHtmlToText: true,
        skipTextToHtml: true,
        skipTextLinks: true,
      });
      expect(parsed.subject).toBe(m.subject);
      expect(parsed.messageId).toBe(m.messageId);
      expect(parsed.date?.getTime()).toBe(m.date.getTime());
      expect(parsed.from?.value[0]?.address).toBe(/<([^>]+)>$/.exec(m.from)?.[1]);
      expect(parsed.from?.value[0]?.name).toBe(/^(.*) <[^>]+>$/.exec(m.from)?.[1]);
      const text = parsed.text ?? '';
      expect(text.length).toBeGreaterThan(20);
      const words = new Set(text.toLowerCase().match(/[\p{L}']+/gu) ?? []);
      for (const { term } of terms.rareTerms)
        if (words.has(term)) rareSeen.set(term, (rareSeen.get(term) ?? 0) + 1);
      if (words.has(terms.common)) common++;
      if (parsed.attachments.length > 0) attachments++;
      if (parsed.html) html++;
      if (/^Subject: .*=\?/m.test(m.raw.toString('latin1'))) encodedSubjects++;
      if (parsed.inReplyTo) replies++;
      if (i === 0) {
        expect(text.replace(/\s+/g, ' ')).toContain(terms.phrase);
        expect(parsed.from?.value[0]?.address).toBe(terms.sender);
        expect(m.subject.toLowerCase()).toContain(terms.subjectWord);
      }
      expect(words.has(terms.absent)).toBe(false);
    }
    for (const { term, hits } of terms.rareTerms) expect(rareSeen.get(term) ?? 0, term).toBe(hits);
    expect(terms.rareHits).toBeGreaterThanOrEqual(1);
    expect(terms.rareHits).toBeLessThanOrEqual(10);
    expect(common / count).toBeGreaterThan(0.3);
    expect(attachments).toBeGreaterThan(count * 0.08);
    expect(html).toBeGreaterThan(count * 0.2);
    expect(encodedSubjects).toBeGreaterThan(0);
    expect(replies).toBeGreaterThan(count * 0.15);
    expect(new Set(msgs.map((m) => m.folder))).toEqual(new Set(['INBOX', 'Archive', 'Sent']));
  });
});
