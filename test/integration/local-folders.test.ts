// Local folders through the contract, against a real Dovecot, on each engine of the store:
// a local folder beside a server folder of the same name through every sync; mail imported
// into it while the server is down, then read, searched, opened (attachments, source),
// marked, moved, deleted and undone with nothing queued and the server's mailboxes as they
// were; exported byte for byte; the two moves across (copied whole from the server before the
// server's copy goes; appended to the server exactly once, a crash in the middle included);
// and a backup that brings a local message back.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ImapFlow } from 'imapflow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Mailbox } from '../../common/types.js';
import { restoreBackup } from '../../main/core/backup/restore.js';
import type { EngineName } from '../../main/core/store/index.js';
import { startDovecot, type DovecotServer } from '../support/dovecot.js';
import { folderSources } from '../support/imap-read.js';
import { makeMail } from '../support/mail.js';
import { startPostgres, type PostgresServer } from '../support/postgres.js';
import { accountInput, openService, type TestService } from '../support/service.js';

const TWIN = { user: 'twin', password: 'twin-password-Lf3' };
const USERS: Record<EngineName, string> = { sqlite: 'local-user', postgres: TWIN.user };

let dovecot: DovecotServer;
let postgres: PostgresServer;
let work: string;

beforeAll(async () => {
  [dovecot, postgres] = await Promise.all([
    startDovecot({ user: USERS.sqlite, folders: ['Projects'], users: [TWIN] }),
    startPostgres(),
  ]);
  work = await mkdtemp(path.join(os.tmpdir(), 'maildock-local-'));
}, 60_000);
afterAll(async () => {
  await dovecot?.stop();
  await postgres?.stop();
  if (work) await rm(work, { recursive: true, force: true });
});

const PDF = Buffer.from('%PDF-1.4\n% quarterly numbers\n');
const HTML_ONLY = Buffer.from(
  [
    'Status: RO',
    'From: Weekly News <news@letters.example>',
    'To: Bob <bob@example.test>',
    'Subject: The festival',
    'Date: Tue, 05 Mar 2024 09:00:00 +0000',
    'Message-ID: <festival@local.test>',
    'MIME-Version: 1.0',
    'Content-Type: text/html; charset=utf-8',
    '',
    '<html><body><p>The <b>quokka</b> festival starts on Monday.</p></body></html>',
    '',
  ].join('\r\n'),
);
const REPORT = Buffer.concat([
  Buffer.from('X-Status: F\r\n'),
  makeMail({
    subject: 'Report attached',
    messageId: '<report@local.test>',
    date: new Date(Date.UTC(2024, 2, 6, 10)),
    text: 'See the wombat numbers.',
    attachment: { filename: 'q1.pdf', contentType: 'application/pdf', content: PDF },
  }),
]);
const PLAIN = makeMail({
  subject: 'Plain words',
  messageId: '<plain@local.test>',
  date: new Date(Date.UTC(2024, 2, 7, 10)),
  text: 'Nothing but a numbat.',
});
const SOURCE = [HTML_ONLY, REPORT, PLAIN];

/** An mboxrd file: LF lines, From lines with the dates the messages arrived. */
function mbox(raws: Buffer[]): Buffer {
  return Buffer.from(
    raws
      .map(
        (raw, i) =>
          `From someone@example.test Mon Mar  ${4 + i} 12:00:00 2024\n` +
          `${raw
            .toString('latin1')
            .replace(/\r\n/g, '\n')
            .replace(/^(>*From )/gm, '>$1')}\n`,
      )
      .join(''),
    'latin1',
  );
}

const noFromLines = (file: Buffer) => file.toString('latin1').replace(/^From .*\n/gm, '');

/** A client of its own for one of the server's users. */
async function withClient<T>(user: string, fn: (client: ImapFlow) => Promise<T>): Promise<T> {
  const client = new ImapFlow({
    host: dovecot.host,
    port: dovecot.port,
    secure: false,
    auth: { user, pass: user === TWIN.user ? TWIN.password : dovecot.password },
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

/** The server's folders as another client sees them: path → messages, next UID, modseq. */
function serverState(user: string): Promise<Record<string, string>> {
  return withClient(user, async (client) => {
    const listed = await client.list({
      statusQuery: { messages: true, uidNext: true, uidValidity: true, highestModseq: true },
    });
    return Object.fromEntries(
      listed.map((l) => [
        l.path,
        `${l.status?.messages}/${l.status?.uidNext}/${l.status?.uidValidity}/${l.status?.highestModseq}`,
      ]),
    );
  });
}

const sources = (user: string, folder: string) =>
  folderSources(dovecot.port, user === TWIN.user ? TWIN : dovecot, folder);

describe.each(['sqlite', 'postgres'] as const)('local folders on %s', (engine) => {
  const user = USERS[engine];
  let t: TestService;
  let accountId: number;
  let local: Mailbox;
  const ids = new Map<string, number>();

  const boxes = () => t.call('mailbox.list', { accountId });
  const box = async (p: string) => (await boxes()).find((m) => m.path === p)!;
  const list = async (mailboxId: number) => (await t.call('message.list', { mailboxId })).messages;
  /** What the action queued for the server: nothing, for a change in local folders. */
  const queued = (actionId: number | null) =>
    actionId === null ? [] : t.svc.store.operations.ofAction(actionId);

  beforeAll(async () => {
    t = await openService({
      attempts: 1,
      ...(engine === 'postgres'
        ? { database: await postgres.createDatabase(`local_folders_${process.pid}`) }
        : {}),
    });
    const input =
      engine === 'sqlite'
        ? accountInput(dovecot)
        : {
            ...accountInput(dovecot, { email: 'twin@maildock.test', password: TWIN.password }),
            imap: { ...accountInput(dovecot).imap, user: TWIN.user },
          };
    // The twin gets the main user's folder of that name too.
    if (engine === 'postgres') await withClient(user, (c) => c.mailboxCreate('Projects'));
    accountId = (await t.call('account.add', input)).id;
    expect((await t.call('sync.run', {})).errors).toEqual([]);
  }, 60_000);
  afterAll(async () => {
    await t?.close();
  });

  it('lives beside a server folder of the same name through every sync', async () => {
    const before = await serverState(user);
    local = await t.call('mailbox.create', { accountId, name: 'Projects', local: true });
    expect(local).toMatchObject({ path: 'Local Folders/Projects', name: 'Projects', local: true });
    const sub = await t.call('mailbox.create', {
      accountId,
      name: 'Old',
      parentId: local.id,
      local: true,
    });
    await t.call('mailbox.rename', { id: sub.id, name: 'Older' });
    expect((await t.call('sync.run', {})).errors).toEqual([]);
    await t.call('mailbox.delete', { id: sub.id });
    expect((await t.call('sync.run', {})).errors).toEqual([]);

    const listed = await boxes();
    expect(listed.filter((m) => m.name === 'Projects').map((m) => [m.path, m.local])).toEqual([
      ['Projects', false],
      ['Local Folders/Projects', true],
    ]);
    expect(await t.call('operation.list', {})).toEqual([]);
    expect(await serverState(user)).toEqual(before);
  });

  it('takes mail imported while the server is down, read, searched and opened here', async () => {
    const before = await serverState(user);
    const file = path.join(work, `${engine}-in.mbox`);
    await writeFile(file, mbox(SOURCE));
    await dovecot.kill();
    try {
      const r = await t.call('mailbox.import', { path: file, mailboxId: local.id });
      expect(r).toMatchObject({ imported: 3, duplicates: 0, skipped: [], cancelled: false });
      const again = await t.call('mailbox.import', { path: file, mailboxId: local.id });
      expect(again).toMatchObject({ imported: 0, duplicates: 3 });

      const rows = await list(local.id);
      for (const m of rows) ids.set(m.subject, m.id);
      expect(rows.map((m) => [m.subject, m.flags, m.date, m.bodyState])).toEqual([
        ['Plain words', [], '2024-03-07T10:00:00.000Z', 'ready'],
        ['Report attached', ['\\Flagged'], '2024-03-06T10:00:00.000Z', 'ready'],
        ['The festival', ['\\Seen'], '2024-03-05T09:00:00.000Z', 'ready'],
      ]);
      expect(await box('Local Folders/Projects')).toMatchObject({ total: 3, unread: 2 });

      const hits = (await t.call('message.search', { query: 'quokka' })).hits;
      expect(hits.map((h) => h.message.subject)).toEqual(['The festival']);
      const read = await t.call('message.get', { id: ids.get('The festival')! });
      expect(read.html).toMatch(/<b>quokka<\/b> festival/);
      const report = await t.call('message.get', { id: ids.get('Report attached')! });
      expect(report.text).toMatch(/wombat/);
      expect(report.attachments).toMatchObject([
        { filename: 'q1.pdf', contentType: 'application/pdf' },
      ]);
      const pdf = await t.call('attachment.get', { id: report.attachments[0]!.id });
      expect(Buffer.from(pdf.data, 'base64')).toEqual(PDF);
      const eml = await t.call('message.source', { id: ids.get('Report attached')! });
      expect(Buffer.from(eml.data, 'base64')).toEqual(REPORT);
    } finally {
      await dovecot.start();
    }
    expect((await t.call('sync.run', {})).errors).toEqual([]);
    expect(await serverState(user)).toEqual(before);
  });

  it('marks, moves, deletes and undoes here, with nothing queued and the server untouched', async () => {
    const before = await serverState(user);
    const other = await t.call('mailbox.create', { accountId, name: 'Other', local: true });
    const plain = ids.get('Plain words')!;
    const report = ids.get('Report attached')!;
    const actions = [
      await t.call('message.mark', { ids: [plain], read: true, flagged: true }),
      await t.call('message.move', { ids: [plain, report], mailboxId: other.id }),
      await t.call('message.junk', { ids: [report], junk: true }),
    ];
    expect((await list(other.id)).map((m) => m.subject).sort()).toEqual([
      'Plain words',
      'Report attached',
    ]);
    expect((await t.call('message.get', { id: report })).message.flags).toContain('$Junk');
    for (const a of [...actions].reverse())
      expect(await t.call('action.undo', { actionId: a.actionId! })).toMatchObject({
        undone: true,
      });
    expect((await list(local.id)).map((m) => [m.subject, m.flags])).toEqual([
      ['Plain words', []],
      ['Report attached', ['\\Flagged']],
      ['The festival', ['\\Seen']],
    ]);
    const extra = await t.call('mailbox.import', {
      path: await writeTemp(`${engine}-extra.eml`, makeMail({ subject: 'To delete' })),
      mailboxId: other.id,
    });
    expect(extra.imported).toBe(1);
    const doomed = (await list(other.id))[0]!.id;
    const deleted = await t.call('message.delete', { ids: [doomed] });
    expect(deleted).toMatchObject({ affected: 1, description: 'Deleted 1 message for good' });
    actions.push(deleted);
    for (const a of actions) expect(await queued(a.actionId)).toEqual([]);
    expect(await t.call('operation.list', {})).toEqual([]);
    expect((await t.call('sync.summary', {})).operations).toMatchObject({ pending: 0 });
    expect((await t.call('sync.run', {})).errors).toEqual([]);
    expect(await serverState(user)).toEqual(before);
  });

  it('exports a local folder byte for byte, but for the From lines', async () => {
    const to = path.join(work, `${engine}-out.mbox`);
    const out = await t.call('mailbox.export', { to, format: 'mbox', mailboxId: local.id });
    expect(out).toMatchObject({ messages: 3, cancelled: false });
    expect(noFromLines(await readFile(to))).toBe(noFromLines(mbox(SOURCE)));
    // A selection too, as .eml files.
    const dir = path.join(work, `${engine}-eml`);
    const picked = await t.call('mailbox.export', {
      to: dir,
      format: 'eml',
      ids: [ids.get('Report attached')!],
    });
    expect(picked.messages).toBe(1);
  });

  it('moves mail of the account in: copied whole first, deleted on the server once', async () => {
    const raw = makeMail({ subject: 'Moved in', text: 'A bilby came.' });
    await (user === TWIN.user ? dovecot.forUser(TWIN.user) : dovecot).append('INBOX', raw);
    expect((await t.call('sync.run', {})).errors).toEqual([]);
    const inbox = await box('INBOX');
    const id = (await list(inbox.id)).find((m) => m.subject === 'Moved in')!.id;

    // The server out of reach: no copy, so nothing moves and nothing is queued.
    await dovecot.kill();
    try {
      const r = await t.svc.invoke('message.move', { ids: [id], mailboxId: local.id });
      expect(r.ok).toBe(false);
      expect((await t.call('message.get', { id })).message.mailboxId).toBe(inbox.id);
      expect(await t.call('operation.list', {})).toEqual([]);
    } finally {
      await dovecot.start();
    }

    const moved = await t.call('message.move', { ids: [id], mailboxId: local.id });
    expect(moved.affected).toBe(1);
    expect((await queued(moved.actionId)).map((o) => [o.kind, o.path, o.state])).toEqual([
      ['expunge', 'INBOX', 'pending'],
    ]);
    expect(await t.call('message.get', { id })).toMatchObject({
      message: { mailboxId: local.id, mailbox: 'Local Folders/Projects' },
    });
    expect(Buffer.from((await t.call('message.source', { id })).data, 'base64')).toEqual(raw);
    expect((await t.call('sync.run', {})).errors).toEqual([]);
    expect((await sources(user, 'INBOX')).some((s) => s.equals(raw))).toBe(false);
    expect(await t.call('operation.list', {})).toEqual([]);
    expect((await t.call('message.search', { query: 'bilby' })).hits).toHaveLength(1);
    expect((await t.call('message.get', { id })).message.mailboxId).toBe(local.id);
  });

  it('moves mail out into a server folder by one APPEND, once, a crash in the middle included', async () => {
    const projects = await box('Projects');
    const festival = ids.get('The festival')!;
    const moved = await t.call('message.move', { ids: [festival], mailboxId: projects.id });
    const [op] = await queued(moved.actionId);
    expect(op).toMatchObject({ kind: 'append', path: 'Local Folders/Projects', state: 'pending' });
    expect((await t.call('sync.run', {})).errors).toEqual([]);
    const there = await sources(user, 'Projects');
    expect(there.filter((s) => s.equals(HTML_ONLY))).toHaveLength(1);
    const now = await t.call('message.get', { id: festival });
    expect(now.message).toMatchObject({ mailboxId: projects.id, flags: ['\\Seen'] });
    expect(now.message.uid).toBeGreaterThan(0);
    expect(await t.svc.store.bodies.raw(festival)).toBeNull();
    expect((await t.svc.store.operations.get(op!.id))!.state).toBe('done');

    // The process died after the server took the message, before it was recorded: the replay
    // finds it there instead of appending it again.
    const plain = ids.get('Plain words')!;
    const second = await t.call('message.move', { ids: [plain], mailboxId: projects.id });
    const [op2] = await queued(second.actionId);
    const status = await serverStatusNext(user, 'Projects');
    await (user === TWIN.user ? dovecot.forUser(TWIN.user) : dovecot).append('Projects', PLAIN);
    await t.svc.store.operations.setStep(op2!.id, 'appending', { uidMap: [], since: status });
    expect((await t.call('sync.run', {})).errors).toEqual([]);
    expect((await sources(user, 'Projects')).filter((s) => s.equals(PLAIN))).toHaveLength(1);
    expect((await t.call('message.get', { id: plain })).message.uid).toBe(status);
    expect(await t.call('operation.list', {})).toEqual([]);
    expect((await list(local.id)).map((m) => m.subject)).toEqual(['Moved in', 'Report attached']);
  });

  it('keeps a message whose target went from the server before its APPEND', async () => {
    await withClient(user, (c) => c.mailboxCreate('Gone'));
    expect((await t.call('sync.run', {})).errors).toEqual([]);
    const report = ids.get('Report attached')!;
    const before = (await t.call('message.get', { id: report })).message;
    const moved = await t.call('message.move', {
      ids: [report],
      mailboxId: (await box('Gone')).id,
    });
    expect(moved.affected).toBe(1);
    await withClient(user, (c) => c.mailboxDelete('Gone'));
    await t.call('sync.run', {});
    expect((await t.call('message.get', { id: report })).message).toMatchObject({
      mailboxId: local.id,
      uid: before.uid,
    });
    expect(Buffer.from((await t.call('message.source', { id: report })).data, 'base64')).toEqual(
      REPORT,
    );
    expect(await t.call('operation.list', { state: 'failed' })).toMatchObject([
      { kind: 'append', mailbox: 'Local Folders/Projects', error: { code: 'MAILBOX_GONE' } },
    ]);
    expect((await boxes()).some((m) => m.path === 'Gone')).toBe(false);
  });

  // The in-app backup is the desktop's (one SQLite store); the server of many people's
  // Postgres is backed up by its operator, so there is no such test for it.
  if (engine === 'sqlite')
    it('brings a local message back with a backup', async () => {
      const file = path.join(work, 'local.maildock-backup');
      await t.call('backup.create', { to: file });
      const target = path.join(work, 'restored');
      await restoreBackup({ dataDir: target, file });
      const back = await openService({ dataDir: target, secretKey: t.secretKey });
      try {
        const folder = (await back.call('mailbox.list', {})).find(
          (m) => m.local && m.name === 'Projects',
        )!;
        expect(folder).toMatchObject({ path: 'Local Folders/Projects', total: 2 });
        const report = ids.get('Report attached')!;
        const eml = await back.call('message.source', { id: report });
        expect(Buffer.from(eml.data, 'base64')).toEqual(REPORT);
      } finally {
        await back.close();
      }
    });
});

async function writeTemp(name: string, raw: Buffer): Promise<string> {
  const dir = await mkdtemp(path.join(work, 'eml-'));
  await writeFile(path.join(dir, name), raw);
  return dir;
}

function serverStatusNext(user: string, folder: string): Promise<number> {
  return withClient(user, async (client) => {
    const s = await client.status(folder, { uidNext: true });
    return (s && s.uidNext) || 1;
  });
}
