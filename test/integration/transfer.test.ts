// Import and export of mail against a real Dovecot: mbox (mboxrd, Thunderbird's mboxo), .eml
// folders and Maildirs in, with flags and dates kept; a cancelled or crashed import run again
// without duplicates; malformed messages reported and skipped; folders, selections and search
// results out to mbox and .eml, never over a file unless asked; thousands of messages, hostile
// ones included, through a round trip byte for byte; and the same from the command line.
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ImapFlow } from 'imapflow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  messageKey,
  messageIdOf,
  headerBlock,
  headerFields,
  toCrlf,
} from '../../main/core/transfer/message-bytes.js';
import { runCli, startCli } from '../support/cli.js';
import { startDovecot, type DovecotServer } from '../support/dovecot.js';
import { deepNesting, endlessHeaderLine, hugeHeader, manyParts } from '../support/hostile-mime.js';
import { folderSources } from '../support/imap-read.js';
import { dayAt, makeMail } from '../support/mail.js';
import { accountInput, openService, type TestService } from '../support/service.js';

const FOLDERS = ['Mbox', 'Maildir', 'Eml', 'Resume', 'Crash', 'Round', 'RoundEml', 'Cli', 'Picked'];

let server: DovecotServer;
let t: TestService;
let accountId: number;
let work: string;

beforeAll(async () => {
  server = await startDovecot({ folders: FOLDERS });
  t = await openService();
  accountId = (await t.call('account.add', accountInput(server))).id;
  await t.call('sync.run', { accountId });
  work = await mkdtemp(path.join(os.tmpdir(), 'maildock-transfer-'));
});
afterAll(async () => {
  await t?.close();
  await server?.stop();
  if (work) await rm(work, { recursive: true, force: true });
});

async function folderId(p: string): Promise<number> {
  const box = (await t.call('mailbox.list', { accountId })).find((m) => m.path === p);
  if (!box) throw new Error(`no folder ${p}`);
  return box.id;
}

/** Flags and internal dates of a folder as the server keeps them, oldest first. */
async function serverView(folder: string) {
  const client = new ImapFlow({
    host: '127.0.0.1',
    port: server.port,
    secure: false,
    auth: { user: server.user, pass: server.password },
    logger: false,
  });
  client.on('error', () => undefined);
  await client.connect();
  const out: { flags: string[]; date: Date; source: Buffer }[] = [];
  try {
    const lock = await client.getMailboxLock(folder, { readOnly: true });
    try {
      if ((client.mailbox as { exists: number }).exists > 0)
        for await (const m of client.fetch('1:*', {
          flags: true,
          internalDate: true,
          source: true,
        }))
          out.push({
            flags: [...(m.flags ?? [])].filter((f) => f !== '\\Recent').sort(),
            date: m.internalDate as Date,
            source: m.source!,
          });
    } finally {
      lock.release();
    }
  } finally {
    await client.logout().catch(() => client.close());
  }
  return out;
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const ctime = (d: Date) =>
  `${DAYS[d.getUTCDay()]} ${MONTHS[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2, ' ')} ${d.toISOString().slice(11, 19)} ${d.getUTCFullYear()}`;

/** An mboxrd file written here, independently of Maildock's writer: LF lines, >*From quoted. */
function mboxrd(messages: { raw: Buffer; date: Date; sender?: string }[]): Buffer {
  return Buffer.concat(
    messages.flatMap((m) => {
      const lf = m.raw.toString('latin1').replace(/\r\n/g, '\n');
      const quoted = lf.replace(/^(>*From )/gm, '>$1');
      return [
        Buffer.from(
          `From ${m.sender ?? 'someone@example.test'} ${ctime(m.date)}\n${quoted}\n`,
          'latin1',
        ),
      ];
    }),
  );
}

/** Waits until a folder holds at least `n` messages (STATUS, polled). */
async function untilServerHas(folder: string, n: number): Promise<void> {
  const client = new ImapFlow({
    host: '127.0.0.1',
    port: server.port,
    secure: false,
    auth: { user: server.user, pass: server.password },
    logger: false,
  });
  client.on('error', () => undefined);
  await client.connect();
  try {
    for (let i = 0; i < 1200; i++) {
      const status = await client.status(folder, { messages: true });
      if ((status && status.messages ? status.messages : 0) >= n) return;
      await new Promise((r) => setTimeout(r, 25));
    }
    throw new Error(`${folder} never held ${n} messages`);
  } finally {
    await client.logout().catch(() => client.close());
  }
}

const noFromLines = (mbox: Buffer) => mbox.toString('latin1').replace(/^From .*\n/gm, '');

describe('import', () => {
  it('reads an mbox with its flags (Status, X-Status) and dates (From lines)', async () => {
    const file = path.join(work, 'flags.mbox');
    const raws = [
      Buffer.from(
        'Status: RO\r\nX-Status: AF\r\nSubject: read, answered, flagged\r\nMessage-ID: <m1@x.test>\r\n\r\none\r\n',
      ),
      Buffer.from('Status: O\r\nSubject: unread\r\nMessage-ID: <m2@x.test>\r\n\r\ntwo\r\n'),
      Buffer.from('X-Status: T\r\nSubject: a draft\r\n\r\nthree\r\n'),
    ];
    await writeFile(file, mboxrd(raws.map((raw, i) => ({ raw, date: dayAt(i * 30) }))));
    const phases: string[] = [];
    const off = t.svc.on('sync.progress', (p) => phases.push(p.phase));
    const r = await t.call('mailbox.import', { path: file, mailboxId: await folderId('Mbox') });
    off();
    // The folder's sync after the import ends as every sync does: the UI's progress stops.
    expect(phases).toContain('headers');
    expect(phases.at(-1)).toBe('done');
    expect(r).toMatchObject({
      format: 'mbox',
      imported: 3,
      duplicates: 0,
      skipped: [],
      cancelled: false,
    });
    const view = await serverView('Mbox');
    expect(view.map((m) => m.flags)).toEqual([
      ['\\Answered', '\\Flagged', '\\Seen'],
      [],
      ['\\Draft'],
    ]);
    expect(view.map((m) => m.date.getTime())).toEqual(
      [0, 1, 2].map((i) => dayAt(i * 30).getTime()),
    );
    expect(view.map((m) => m.source)).toEqual(raws);
    // The ordinary sync has brought them into the store.
    const list = await t.call('message.list', { mailboxId: await folderId('Mbox') });
    expect(list.total).toBe(3);
  });

  it('reads a Maildir: flags from the file names, dates from the mtimes', async () => {
    const dir = path.join(work, 'maildir');
    for (const sub of ['cur', 'new', 'tmp']) await mkdir(path.join(dir, sub), { recursive: true });
    const files = [
      ['cur', '1700000001.M1P1.host,S=10:2,FS', new Date('2023-11-14T22:13:21Z')],
      ['cur', '1700000002.M2P1.host,S=10:2,DRT', new Date('2023-11-15T08:00:00Z')],
      ['new', '1700000003.M3P1.host,S=10', new Date('2023-11-16T09:30:00Z')],
    ] as const;
    for (const [i, [sub, name, date]] of files.entries()) {
      const file = path.join(dir, sub, name);
      await writeFile(file, makeMail({ subject: `maildir ${i}`, date: dayAt(100) }));
      await utimes(file, date, date);
    }
    await writeFile(path.join(dir, 'tmp', '1700000004.M4P1.host'), 'half-written');
    const r = await t.call('mailbox.import', { path: dir, mailboxId: await folderId('Maildir') });
    expect(r).toMatchObject({ format: 'maildir', imported: 3, skipped: [] });
    const view = await serverView('Maildir');
    expect(view.map((m) => m.flags)).toEqual([
      ['\\Flagged', '\\Seen'],
      ['\\Answered', '\\Deleted', '\\Draft'],
      [],
    ]);
    expect(view.map((m) => m.date.toISOString())).toEqual(files.map((f) => f[2].toISOString()));
  });

  it('reads a folder of .eml files (dates from their Date headers), and Thunderbird folders', async () => {
    const dir = path.join(work, 'eml');
    await mkdir(dir);
    for (let i = 0; i < 4; i++)
      await writeFile(
        path.join(dir, `m${i}.eml`),
        makeMail({ subject: `eml ${i}`, date: dayAt(200 + i) }),
      );
    await writeFile(path.join(dir, 'notes.txt'), 'not mail');
    const r = await t.call('mailbox.import', { path: dir, mailboxId: await folderId('Eml') });
    expect(r).toMatchObject({ format: 'eml', imported: 4, skipped: [] });
    const view = await serverView('Eml');
    expect(view.map((m) => m.date.getTime())).toEqual(
      [0, 1, 2, 3].map((i) => dayAt(200 + i).getTime()),
    );

    // A Thunderbird profile's folder: mbox files without extension, .msf indexes beside them.
    const tb = path.join(work, 'Local Folders');
    await mkdir(tb);
    await writeFile(
      path.join(tb, 'Archives'),
      'From - Mon Jan 01 10:00:00 2024\nX-Mozilla-Status: 0001\nSubject: tb one\n\n>From a\n>>From b\n\n' +
        'From - Tue Jan 02 10:00:00 2024\nX-Mozilla-Status: 0009\nSubject: tb deleted\n\ngone\n\n' +
        'From - Wed Jan 03 10:00:00 2024\nX-Mozilla-Status: 0004\nSubject: tb flagged\n\nthree\n',
    );
    await writeFile(path.join(tb, 'Archives.msf'), '// <!-- <mdb:mork:z v="1.4"/> -->');
    const tbr = await t.call('mailbox.import', { path: tb, mailboxId: await folderId('Eml') });
    expect(tbr).toMatchObject({ format: 'mbox', imported: 2 });
    expect(tbr.skipped).toEqual([
      {
        source: `${path.join(tb, 'Archives')} #2`,
        reason: expect.stringMatching(/deleted in Thunderbird/),
      },
    ]);
    const after = await serverView('Eml');
    expect(after.slice(4).map((m) => m.source.toString())).toEqual([
      'X-Mozilla-Status: 0001\r\nSubject: tb one\r\n\r\nFrom a\r\n>>From b\r\n',
      'X-Mozilla-Status: 0004\r\nSubject: tb flagged\r\n\r\nthree',
    ]);
    expect(after.slice(4).map((m) => m.flags)).toEqual([['\\Seen'], ['\\Flagged']]);
  });

  it('goes on after a cancel without appending anything twice', async () => {
    const file = path.join(work, 'resume.mbox');
    // Enough that the progress events (every 200 ms) come while it runs, on a fast machine too.
    const total = 4000;
    const messages = Array.from({ length: total }, (_, i) => ({
      raw: makeMail({ subject: `resume ${i}`, date: dayAt(i), text: `number ${i}` }),
      date: dayAt(i),
    }));
    await writeFile(file, mboxrd(messages));
    const mailboxId = await folderId('Resume');
    const seen: { transferId: number; done: number; total: number | null }[] = [];
    const off = t.svc.on('transfer.progress', (p) => {
      seen.push(p);
      if (p.kind === 'import' && p.done > 0 && p.done < total)
        void t.svc.invoke('transfer.cancel', { transferId: p.transferId });
    });
    const first = await t.call('mailbox.import', { path: file, mailboxId });
    off();
    expect(first.cancelled).toBe(true);
    expect(first.imported).toBeGreaterThan(0);
    expect(first.imported).toBeLessThan(total);
    expect(seen[0]).toMatchObject({ transferId: first.transferId, done: 0, total });
    expect(await t.call('transfer.cancel', { transferId: first.transferId })).toEqual({
      cancelled: false,
    });

    const second = await t.call('mailbox.import', { path: file, mailboxId });
    expect(second).toMatchObject({
      cancelled: false,
      duplicates: first.imported,
      imported: total - first.imported,
    });
    const sources = await folderSources(server.port, server, 'Resume');
    expect(sources).toHaveLength(total);
    expect(sources.map((s) => s.toString('latin1'))).toEqual(
      messages.map((m) => toCrlf(m.raw).toString('latin1')),
    );

    const third = await t.call('mailbox.import', { path: file, mailboxId });
    expect(third).toMatchObject({ imported: 0, duplicates: total });
  });

  it('after a crash, finds on the server what was under way instead of appending it again', async () => {
    const raws = [0, 1, 2].map((i) => makeMail({ subject: `crash ${i}`, date: dayAt(i) }));
    const file = path.join(work, 'crash.mbox');
    await writeFile(file, mboxrd(raws.map((raw, i) => ({ raw, date: dayAt(i) }))));
    const mailboxId = await folderId('Crash');
    const keyOf = (raw: Buffer) => messageKey(raw, messageIdOf(headerFields(headerBlock(raw))));
    // As a crash leaves it: both keys under way; the first message reached the server, the
    // second never left.
    await t.svc.store.imports.begin(mailboxId, [keyOf(raws[0]!), keyOf(raws[1]!)], 1);
    await server.append('Crash', raws[0]!);
    const r = await t.call('mailbox.import', { path: file, mailboxId });
    expect(r).toMatchObject({ imported: 2, duplicates: 1, cancelled: false });
    expect(await folderSources(server.port, server, 'Crash')).toEqual(raws);
    expect((await t.svc.store.imports.pending(mailboxId)).keys).toEqual([]);
  });

  it('reports malformed and oversized messages and imports the rest', async () => {
    // A server that takes messages of up to 20,000 bytes (RFC 7889 APPENDLIMIT).
    const small = await startDovecot({
      folders: ['In'],
      imapCapability:
        'IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE IDLE SORT UNSELECT CHILDREN NAMESPACE UIDPLUS LIST-EXTENDED LIST-STATUS SPECIAL-USE LITERAL+ CONDSTORE QRESYNC APPENDLIMIT=20000',
    });
    const s = await openService();
    try {
      const acc = (await s.call('account.add', accountInput(small))).id;
      await s.call('sync.run', { accountId: acc });
      const box = (await s.call('mailbox.list', { accountId: acc })).find((m) => m.path === 'In')!;
      const file = path.join(work, 'malformed.mbox');
      await writeFile(
        file,
        'From a@x.test Mon Jan  1 10:00:00 2024\nSubject: good one\n\nfine\n\n' +
          'From a@x.test Mon Jan  1 10:01:00 2024\n\n' +
          'From a@x.test Mon Jan  1 10:02:00 2024\nThis is no header at all\n\nbody\n\n' +
          `From a@x.test Mon Jan  1 10:03:00 2024\nSubject: too big\n\n${'z'.repeat(30_000)}\n\n` +
          'From a@x.test Mon Jan  1 10:04:00 2024\nSubject: good two\n\nfine too\n',
      );
      const r = await s.call('mailbox.import', { path: file, mailboxId: box.id });
      expect(r.imported).toBe(2);
      expect(r.skipped.map((k) => k.source)).toEqual([2, 3, 4].map((n) => `${file} #${n}`));
      expect(r.skipped[0]!.reason).toMatch(/empty/);
      expect(r.skipped[1]!.reason).toMatch(/header field/);
      expect(r.skipped[2]!.reason).toMatch(/20000/);
      const got = await folderSources(small.port, small, 'In');
      expect(got.map((g) => g.toString())).toEqual([
        'Subject: good one\r\n\r\nfine\r\n',
        'Subject: good two\r\n\r\nfine too',
      ]);
    } finally {
      await s.close();
      await small.stop();
    }
  });

  it('refuses a path that holds no mail, and one that is not there', async () => {
    const empty = path.join(work, 'empty-dir');
    await mkdir(empty);
    const mailboxId = await folderId('Mbox');
    const none = await t.svc.invoke('mailbox.import', { path: empty, mailboxId });
    expect(none).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    const gone = await t.svc.invoke('mailbox.import', { path: path.join(work, 'nope'), mailboxId });
    expect(gone).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  });
});

/** Thousands of ordinary messages with the hostile ones mixed in, CRLF as the server keeps them. */
function corpus(n: number, tag: string): { raw: Buffer; date: Date }[] {
  const hostile = [
    Buffer.from(
      `Subject: ${tag} from lines\r\nMessage-ID: <${tag}-f@x.test>\r\n\r\nFrom here on\r\n>From there\r\n>>From far\r\nFrom\r\n`,
    ),
    Buffer.from(
      `Subject: ${tag} no final line end\r\nMessage-ID: <${tag}-n@x.test>\r\n\r\nlast line`,
    ),
    Buffer.from(
      `Subject: ${tag} 8bit\r\nMessage-ID: <${tag}-8@x.test>\r\n\r\nGr\xfc\xdfe \x80\xff caf\xc3\xa9\r\n`,
      'latin1',
    ),
    Buffer.from(
      `Subject: ${tag} blank lines\r\nMessage-ID: <${tag}-b@x.test>\r\n\r\n\r\nFrom after a blank\r\n\r\n\r\n`,
    ),
    Buffer.concat([Buffer.from(`Message-ID: <${tag}-h@x.test>\r\n`), hugeHeader(300_000)]),
    Buffer.from(`Message-ID: <${tag}-l@x.test>\r\n${endlessHeaderLine(100_000).toString()}`),
    Buffer.concat([Buffer.from(`Message-ID: <${tag}-p@x.test>\r\n`), manyParts(300)]),
    Buffer.concat([Buffer.from(`Message-ID: <${tag}-d@x.test>\r\n`), deepNesting(50)]),
  ];
  const out: { raw: Buffer; date: Date }[] = [];
  for (let i = 0; i < n; i++) {
    const raw =
      i % 400 === 7
        ? hostile[(i / 400) | (0 % hostile.length)]!
        : makeMail({
            subject: `${tag} ${i} ${i % 3 === 0 ? 'quokka' : 'wombat'}`,
            date: dayAt(i),
            text: `Line one\nFrom the middle of message ${i}\n>From quoted\nend`,
            ...(i % 50 === 0
              ? {
                  attachment: {
                    filename: `f${i}.bin`,
                    contentType: 'application/octet-stream',
                    content: randomBytes(4000),
                  },
                }
              : {}),
          });
    out.push({ raw, date: dayAt(i) });
  }
  for (const [k, raw] of hostile.entries()) out.push({ raw, date: dayAt(n + k) });
  // Each once: an identical copy would be (rightly) a duplicate.
  return out.filter((m, i) => out.findIndex((o) => o.raw.equals(m.raw)) === i);
}

describe('export', () => {
  it('round trip: an mbox of 2,500 messages, hostile ones included, comes back byte for byte', async () => {
    const messages = corpus(2500, 'rt');
    const file = path.join(work, 'round.mbox');
    const source = mboxrd(messages);
    await writeFile(file, source);
    const mailboxId = await folderId('Round');
    const r = await t.call('mailbox.import', { path: file, mailboxId });
    expect(r).toMatchObject({ imported: messages.length, skipped: [], duplicates: 0 });

    const to = path.join(work, 'round-out.mbox');
    const out = await t.call('mailbox.export', { to, format: 'mbox', mailboxId });
    expect(out).toMatchObject({ messages: messages.length, cancelled: false, path: to });
    const exported = await readFile(to);
    expect(out.bytes).toBe(exported.length);
    // Everything but the From lines, quoting included, is the same byte for byte.
    expect(noFromLines(exported) === noFromLines(source)).toBe(true);
    // The From lines carry the dates the messages arrived with.
    const dates = exported
      .toString('latin1')
      .match(/^From \S+ (.*)$/gm)!
      .map((l) => l.replace(/^From \S+ /, ''));
    expect(dates).toEqual(messages.map((m) => ctime(m.date)));
    expect((await readdir(work)).filter((n) => n.includes('maildock-part'))).toEqual([]);
  });

  it('round trip: a folder of .eml files comes back byte for byte', async () => {
    const messages = corpus(600, 'rte');
    const dir = path.join(work, 'round-eml');
    await mkdir(dir);
    for (const [i, m] of messages.entries())
      await writeFile(path.join(dir, `${String(i).padStart(4, '0')}.eml`), m.raw);
    const r = await t.call('mailbox.import', { path: dir, mailboxId: await folderId('RoundEml') });
    expect(r).toMatchObject({ imported: messages.length, skipped: [] });
    const to = path.join(work, 'round-eml-out');
    const out = await t.call('mailbox.export', {
      to,
      format: 'eml',
      mailboxId: await folderId('RoundEml'),
    });
    expect(out.messages).toBe(messages.length);
    const names = await readdir(to);
    expect(names).toHaveLength(messages.length);
    expect(new Set(names.map((n) => n.toLowerCase())).size).toBe(names.length);
    expect(names.every((n) => n.endsWith('.eml') && !/[<>:"/\\|?*\p{Cc}]/u.test(n))).toBe(true);
    expect(names).toContain('2024-01-01 0000 rte 0 quokka.eml');
    const back = await Promise.all(names.map((n) => readFile(path.join(to, n))));
    const key = (b: Buffer) => b.toString('latin1');
    expect(back.map(key).sort()).toEqual(messages.map((m) => key(m.raw)).sort());
  });

  it('exports a selection and a search result, and never replaces a file unless asked', async () => {
    const mailboxId = await folderId('Round');
    const page = await t.call('message.list', { mailboxId, limit: 3 });
    const ids = page.messages.map((m) => m.id);
    const all = await folderSources(server.port, server, 'Round');

    const picked = path.join(work, 'picked');
    const sel = await t.call('mailbox.export', { to: picked, format: 'eml', ids });
    expect(sel.messages).toBe(3);
    const files = await Promise.all(
      (await readdir(picked)).map((n) => readFile(path.join(picked, n))),
    );
    for (const f of files) expect(all.some((s) => s.equals(f))).toBe(true);

    const hits = await t.call('message.search', { query: 'quokka', limit: 200 });
    expect(hits.hits.length).toBeGreaterThan(0);
    const found = path.join(work, 'found.mbox');
    const q = await t.call('mailbox.export', { to: found, format: 'mbox', query: 'quokka' });
    const text = (await readFile(found)).toString('latin1');
    const subjects = text.match(/^Subject: .*$/gm)!;
    expect(q.messages).toBe(subjects.length);
    expect(subjects.every((s) => s.includes('quokka'))).toBe(true);
    expect(subjects.length).toBeGreaterThan(hits.hits.length - 1);

    // Refused without overwrite: the file stays as it was; with it, replaced.
    await writeFile(found, 'keep me');
    const refused = await t.svc.invoke('mailbox.export', { to: found, format: 'mbox', ids });
    expect(refused).toMatchObject({ ok: false, error: { code: 'ALREADY_EXISTS' } });
    expect(await readFile(found, 'utf8')).toBe('keep me');
    const folderRefused = await t.svc.invoke('mailbox.export', { to: picked, format: 'eml', ids });
    expect(folderRefused).toMatchObject({ ok: false, error: { code: 'ALREADY_EXISTS' } });
    const replaced = await t.call('mailbox.export', {
      to: found,
      format: 'mbox',
      ids,
      overwrite: true,
    });
    expect(replaced.messages).toBe(3);
    expect((await readFile(found, 'latin1')).match(/^From /gm)).toHaveLength(3);
    expect((await readdir(work)).filter((n) => n.includes('maildock-part'))).toEqual([]);

    const unknown = await t.svc.invoke('mailbox.export', {
      to: path.join(work, 'x.mbox'),
      format: 'mbox',
      ids: [987654321],
    });
    expect(unknown).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  });

  it('a cancelled export leaves no file under its name, nor a temporary one', async () => {
    const to = path.join(work, 'cancelled.mbox');
    const off = t.svc.on('transfer.progress', (p) => {
      if (p.kind === 'export' && p.done >= 100)
        void t.svc.invoke('transfer.cancel', { transferId: p.transferId });
    });
    const r = await t.call('mailbox.export', {
      to,
      format: 'mbox',
      mailboxId: await folderId('Round'),
    });
    off();
    expect(r.cancelled).toBe(true);
    const left = await readdir(work);
    expect(left).not.toContain('cancelled.mbox');
    expect(left.filter((n) => n.includes('maildock-part'))).toEqual([]);
  });
});

describe('maildock import / export', () => {
  it('imports, stops cleanly on Ctrl-C, goes on when run again, and exports', async () => {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'maildock-transfer-cli-'));
    const env = {
      MAILDOCK_DATA_DIR: dataDir,
      MAILDOCK_SECRET_KEY: randomBytes(32).toString('base64'),
    };
    try {
      const add = await runCli(
        [
          '--json',
          'account',
          'add',
          '--email',
          'cli@maildock.test',
          '--imap-host',
          '127.0.0.1',
          '--imap-port',
          String(server.port),
          '--imap-security',
          'none',
          '--user',
          server.user,
          '--password-stdin',
        ],
        env,
        `${server.password}\n`,
      );
      expect(add.code, add.stderr).toBe(0);
      const id = String(JSON.parse(add.stdout).id);
      expect((await runCli(['sync', '--once'], env)).code).toBe(0);

      // Enough that Ctrl-C lands while it runs, at the pace of many messages to an APPEND.
      const messages = Array.from({ length: 6000 }, (_, i) => ({
        raw: makeMail({ subject: `cli ${i}`, date: dayAt(i) }),
        date: dayAt(i),
      }));
      const file = path.join(work, 'cli.mbox');
      await writeFile(file, mboxrd(messages));
      const args = ['import', file, '--account', id, '--mailbox', 'Cli'];
      const run = startCli(['--json', ...args], env);
      // Ctrl-C once some have gone in.
      await untilServerHas('Cli', 200);
      run.child.kill('SIGINT');
      const stopped = await run.done;
      expect(stopped.code, stopped.stderr).toBe(130);
      const first = JSON.parse(stopped.stdout);
      expect(first).toMatchObject({ cancelled: true });
      expect(first.imported).toBeGreaterThan(0);
      expect(first.imported).toBeLessThan(6000);

      const again = await runCli(args, env);
      expect(again.code, again.stderr).toBe(0);
      expect(again.stdout).toMatch(
        new RegExp(`Imported ${6000 - first.imported} messages into Cli`),
      );
      expect(again.stdout).toMatch(new RegExp(`${first.imported} messages already there`));
      expect(await folderSources(server.port, server, 'Cli')).toEqual(messages.map((m) => m.raw));

      const to = path.join(work, 'cli-out.mbox');
      const exp = ['export', '--account', id, '--mailbox', 'Cli', '--format', 'mbox', '--to', to];
      const out = await runCli(exp, env);
      expect(out.code, out.stderr).toBe(0);
      expect(out.stdout).toMatch(/Exported 6000 messages/);
      expect(noFromLines(await readFile(to))).toBe(noFromLines(await readFile(file)));
      const twice = await runCli(exp, env);
      expect(twice.code).toBe(1);
      expect(twice.stderr).toMatch(/exists already: replace it.*\(--overwrite replaces it\)/);
      expect((await runCli([...exp, '--overwrite'], env)).code).toBe(0);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  }, 180_000);
});
