// Local folders in the store, alike on both engines: made, renamed, moved and deleted here
// only; never listed over by a sync (not even by a server folder at their path); their
// messages stored whole and read as synced ones are (search, reader, attachments, source);
// and the user's changes to them (mark, move, delete, junk, undo) kept for undo alone, with
// no operation for any server. Only a move out of one into a server folder queues one.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { LocalActions } from '../../main/core/actions/actions.js';
import { FolderActions } from '../../main/core/actions/folders.js';
import { importLocal } from '../../main/core/local/import.js';
import { addLocalMessages } from '../../main/core/local/records.js';
import { localAttachment, localMessages } from '../../main/core/local/messages.js';
import { parseBody } from '../../main/core/mime/parse.js';
import {
  openServerDatabase,
  type ServerDatabase,
  type Store,
} from '../../main/core/store/index.js';
import { appRoleName } from '../../main/core/store/postgres/app-role.js';
import { openSource } from '../../main/core/transfer/sources.js';
import { engines } from '../support/engines.js';
import { headerRecord } from '../support/headers.js';
import { makeMail } from '../support/mail.js';
import { startPostgres, type PostgresServer } from '../support/postgres.js';
import { freshDatabase } from '../support/postgres-store.js';

const all = engines();
afterEach(() => all.close());
afterAll(() => all.stop());

const HTML_ONLY = Buffer.from(
  [
    'From: Weekly News <news@letters.example>',
    'To: Bob <bob@example.test>',
    'Subject: =?utf-8?q?Neuigkeiten_f=C3=BCr_Sie?=',
    'Date: Tue, 05 Mar 2024 09:00:00 +0000',
    'Message-ID: <html-only@local.test>',
    'List-Unsubscribe: <https://letters.example/u/1>',
    'MIME-Version: 1.0',
    'Content-Type: text/html; charset=utf-8',
    '',
    '<html><body><p>The <b>quokka</b> festival starts on Monday.</p></body></html>',
    '',
  ].join('\r\n'),
);

const PDF = Buffer.from('%PDF-1.4 quarterly numbers\n');
const WITH_ATTACHMENT = makeMail({
  subject: 'Report attached',
  messageId: '<report@local.test>',
  date: new Date(Date.UTC(2024, 2, 6, 10)),
  text: 'See the numbers.',
  attachment: { filename: 'q1.pdf', contentType: 'application/pdf', content: PDF },
});

async function local(store: Store, accountId: number, name: string, parentId?: number) {
  const folders = new FolderActions(store);
  return (await folders.create({ accountId, name, local: true, parentId })).mailbox;
}

/** Stores raw messages in a local folder as an import does; returns their ids. */
async function keep(store: Store, mailboxId: number, raws: Buffer[], flags: string[][] = []) {
  const box = (await store.mailboxes.info(mailboxId))!;
  const parsed = await Promise.all(raws.map((raw) => parseBody(raw, {}, { envelope: true })));
  const added = await store.transaction((tx) =>
    addLocalMessages(
      tx,
      box,
      raws.map((raw, i) => ({ raw, body: parsed[i]!, flags: flags[i] ?? [], date: null })),
    ),
  );
  return added.ids;
}

/** Every operation an action queued for a server (none for local changes). */
async function queued(store: Store, actionId: number | null) {
  return actionId === null ? [] : store.operations.ofAction(actionId);
}

async function refusal(p: Promise<unknown>): Promise<{ code: string; fields: unknown }> {
  const err = (await p.then(
    () => null,
    (e: unknown) => e,
  )) as { code: string; fields: unknown } | null;
  if (!err) throw new Error('expected a refusal');
  return { code: err.code, fields: err.fields };
}

describe.each(all.names)('local folders on %s', (engine) => {
  it('are made, renamed, moved and deleted here only, under their own root', async () => {
    const { store, accountId } = await all.open(engine);
    const folders = new FolderActions(store);
    const old = await local(store, accountId, 'Archive');
    expect(old).toMatchObject({
      path: 'Local Folders/Archive',
      name: 'Archive',
      delimiter: '/',
      role: null,
      local: true,
      uidNext: 1,
      total: 0,
    });
    // The server's Archive and the local one side by side; the server's listed first.
    const listed = await store.mailboxes.list(accountId);
    expect(listed.map((m) => [m.path, m.local])).toEqual([
      ['INBOX', false],
      ['Archive', false],
      ['Local Folders/Archive', true],
    ]);
    const sub = await local(store, accountId, '2019', old.id);
    expect(sub.path).toBe('Local Folders/Archive/2019');
    const ids = await keep(store, sub.id, [WITH_ATTACHMENT]);

    const renamed = await folders.rename({ id: old.id, name: 'Old mail' });
    expect(renamed.mailbox.path).toBe('Local Folders/Old mail');
    expect(await store.mailboxes.info(sub.id)).toMatchObject({
      path: 'Local Folders/Old mail/2019',
      local: true,
    });
    // To the root, and back under another local folder.
    await folders.rename({ id: sub.id, parentId: null });
    expect((await store.mailboxes.get(sub.id))!.path).toBe('Local Folders/2019');
    await folders.rename({ id: sub.id, parentId: old.id });
    expect((await store.messages.list(sub.id, 10)).map((m) => m.id)).toEqual(ids);

    // Nothing for the server, nothing to undo.
    expect(await store.operations.pendingFolders(accountId)).toEqual([]);
    expect(await store.operations.lastAction()).toBeNull();
    // Local and server folders do not mix.
    const archive = (await folders.create({ accountId, name: 'Stuff' })).mailbox;
    expect(await refusal(local(store, accountId, 'x', archive.id))).toMatchObject({
      code: 'INVALID_INPUT',
    });
    expect(await refusal(folders.create({ accountId, name: 'x', parentId: old.id }))).toMatchObject(
      { code: 'INVALID_INPUT' },
    );
    expect(await refusal(folders.rename({ id: old.id, parentId: archive.id }))).toMatchObject({
      code: 'INVALID_INPUT',
    });
    expect(await refusal(local(store, accountId, 'a/b'))).toMatchObject({
      code: 'INVALID_INPUT',
      fields: { name: 'a/b', delimiter: '/' },
    });
    expect(await refusal(local(store, accountId, 'Old mail'))).toMatchObject({
      code: 'ALREADY_EXISTS',
    });
    // A server folder renamed leaves the local folders where they are.
    await folders.rename({ id: archive.id, name: 'Kept' });
    expect((await store.mailboxes.get(old.id))!.path).toBe('Local Folders/Old mail');

    const gone = await folders.delete(old.id);
    expect(gone).toMatchObject({
      paths: ['Local Folders/Old mail/2019', 'Local Folders/Old mail'],
      messages: 1,
    });
    expect(await store.mailboxes.get(sub.id)).toBeNull();
    expect(await store.messages.summary(ids[0]!)).toBeNull();
    // Only the server folder's create and rename went into the journal.
    expect((await store.operations.pendingFolders(accountId)).map((o) => o.kind)).toEqual([
      'mailbox-create',
      'mailbox-rename',
    ]);
  });

  it('are none of the sync’s: left out of its states, never listed over', async () => {
    const { store, accountId } = await all.open(engine);
    const box = await local(store, accountId, 'Projects');
    expect((await store.mailboxes.states(accountId)).map((m) => m.path).sort()).toEqual([
      'Archive',
      'INBOX',
    ]);
    // A server folder of the same name is another folder; one at the very same path is refused.
    const server = await store.mailboxes.upsert(accountId, {
      path: 'Projects',
      name: 'Projects',
      delimiter: '/',
      role: null,
    });
    expect(server).not.toBe(box.id);
    expect(
      await refusal(
        store.mailboxes.upsert(accountId, {
          path: box.path,
          name: 'Projects',
          delimiter: '/',
          role: 'junk',
        }),
      ),
    ).toMatchObject({ code: 'ALREADY_EXISTS', fields: { path: 'Local Folders/Projects' } });
    expect(await store.mailboxes.get(box.id)).toMatchObject({
      path: 'Local Folders/Projects',
      role: null,
      local: true,
    });
    // Its UIDs come from its own counter, never given twice.
    expect(await store.mailboxes.takeLocalUids(box.id, 3)).toBe(1);
    expect(await store.mailboxes.takeLocalUids(box.id, 1)).toBe(4);
    expect((await store.mailboxes.get(box.id))!.uidNext).toBe(5);
    expect(await refusal(store.mailboxes.takeLocalUids(server, 1))).toMatchObject({
      code: 'INVALID_INPUT',
    });
  });

  it('keep their messages whole, read, searched and opened as synced ones', async () => {
    const { store, accountId } = await all.open(engine);
    const box = await local(store, accountId, 'Letters');
    const [news, report] = await keep(store, box.id, [HTML_ONLY, WITH_ATTACHMENT], [['\\Seen']]);
    expect(await store.mailboxes.get(box.id)).toMatchObject({ total: 2, unread: 1, uidNext: 3 });

    const summary = await store.messages.summary(news!);
    expect(summary).toMatchObject({
      mailboxId: box.id,
      mailbox: 'Local Folders/Letters',
      uid: 1,
      subject: 'Neuigkeiten für Sie',
      from: [{ name: 'Weekly News', address: 'news@letters.example' }],
      date: '2024-03-05T09:00:00.000Z',
      flags: ['\\Seen'],
      bodyState: 'ready',
      messageId: '<html-only@local.test>',
    });
    const detail = await store.messages.detail(news!);
    expect(detail!.html).toMatch(/quokka/);
    expect(detail!.unsubscribe).toMatchObject({ https: 'https://letters.example/u/1' });
    // The words of an HTML-only message are found.
    const found = await store.search.search('quokka', { limit: 10 });
    expect(found.hits.map((h) => h.id)).toEqual([news]);
    expect((await store.search.search('from:news festival', { limit: 10 })).hits).toHaveLength(1);

    const withFile = await store.messages.detail(report!);
    expect(withFile!.message.hasAttachments).toBe(true);
    expect(withFile!.attachments).toMatchObject([
      { filename: 'q1.pdf', contentType: 'application/pdf', size: PDF.length },
    ]);
    const stored = (await store.bodies.attachment(withFile!.attachments[0]!.id))!;
    expect(await localAttachment(store, stored, 1 << 20)).toEqual(PDF);
    // The bytes as they came, in UID order.
    const out = [];
    for await (const m of localMessages(store, box.id, null)) out.push(m.raw);
    expect(out).toEqual([HTML_ONLY, WITH_ATTACHMENT]);
    expect(await store.bodies.raw(report!)).toEqual(WITH_ATTACHMENT);
  });

  it('take marks, moves, junk and deletes here, for undo alone, with nothing queued', async () => {
    const { store, accountId, inbox } = await all.open(engine);
    const actions = new LocalActions(store);
    const a = await local(store, accountId, 'A');
    const b = await local(store, accountId, 'B');
    const [one, two, three] = await keep(store, a.id, [
      makeMail({ subject: 'one' }),
      makeMail({ subject: 'two' }),
      makeMail({ subject: 'three' }),
    ]);

    const marked = await actions.mark({ ids: [one!, two!] }, { read: true, flagged: true });
    expect(marked.affected).toBe(2);
    expect(await queued(store, marked.actionId)).toEqual([]);
    expect((await store.messages.summary(one!))!.flags.sort()).toEqual(['\\Flagged', '\\Seen']);

    const moved = await actions.move({ ids: [one!, three!] }, { mailboxId: b.id });
    expect(moved).toMatchObject({
      affected: 2,
      description: 'Moved 2 messages to Local Folders/B',
    });
    expect(await queued(store, moved.actionId)).toEqual([]);
    // New UIDs from the target's own counter.
    expect((await store.messages.list(b.id, 10)).map((m) => m.uid).sort()).toEqual([1, 2]);

    const junk = await actions.junk({ ids: [two!] }, true);
    expect(await queued(store, junk.actionId)).toEqual([]);
    expect((await store.messages.summary(two!))!).toMatchObject({ mailboxId: a.id });
    expect((await store.messages.summary(two!))!.flags).toContain('$Junk');
    // No Junk folder was made on the account for it.
    expect(await store.operations.pendingFolders(accountId)).toEqual([]);

    // Undo, last first; an older one under a later change to the same message waits.
    expect((await actions.undo(marked.actionId!)).undone).toBe(false);
    expect((await actions.undo(junk.actionId!)).undone).toBe(true);
    expect((await store.messages.summary(two!))!.flags).not.toContain('$Junk');
    expect((await actions.undo(moved.actionId!)).undone).toBe(true);
    expect((await store.messages.summary(one!))!).toMatchObject({ mailboxId: a.id, uid: 1 });
    expect((await store.messages.summary(three!))!).toMatchObject({ mailboxId: a.id, uid: 3 });
    expect((await actions.undo(marked.actionId!)).undone).toBe(true);
    expect((await store.messages.summary(one!))!.flags).toEqual([]);

    const deleted = await actions.delete({ ids: [three!] });
    expect(deleted).toMatchObject({ affected: 1, description: 'Deleted 1 message for good' });
    expect(await queued(store, deleted.actionId)).toEqual([]);
    expect(await store.messages.summary(three!)).toBeNull();
    expect(await actions.undo(deleted.actionId!)).toMatchObject({
      undone: false,
      description: 'Messages deleted for good cannot be brought back',
    });
    // Nothing at all for the server, and the server folders untouched.
    expect(await store.operations.pending(accountId)).toEqual([]);
    expect(await store.operations.list(undefined, 100)).toEqual([]);
    expect(await store.operations.counts()).toEqual({ pending: 0, failed: 0 });
    expect((await store.mailboxes.get(inbox))!.total).toBe(0);
  });

  it('imports in batches: a cancelled import goes on when run again, without duplicates', async () => {
    const { store, accountId } = await all.open(engine);
    const box = await local(store, accountId, 'Imported');
    const dir = await mkdtemp(path.join(os.tmpdir(), 'maildock-local-import-'));
    try {
      const file = path.join(dir, 'in.mbox');
      const raws = Array.from({ length: 250 }, (_, i) =>
        makeMail({ subject: `imported ${i}`, messageId: `<imported-${i}@local.test>` }),
      );
      await writeFile(
        file,
        raws
          .map(
            (r) =>
              `From a@x.test Mon Mar  4 12:00:00 2024\n${r.toString().replace(/\r\n/g, '\n')}\n`,
          )
          .join(''),
      );
      const parser = {
        parse: (raw: Buffer, opts?: { envelope?: boolean }) => parseBody(raw, {}, opts),
      };
      const run = async (stopAt: number | null) => {
        const abort = new AbortController();
        const mailbox = (await store.mailboxes.info(box.id))!;
        return importLocal(
          {
            store,
            mailbox,
            parser,
            signal: abort.signal,
            progress: (done) => {
              if (stopAt !== null && done >= stopAt) abort.abort();
            },
          },
          await openSource(file, 'mbox'),
        );
      };
      const first = await run(100);
      expect(first).toMatchObject({ cancelled: true, imported: 100, duplicates: 0 });
      expect(await store.imports.pending(box.id)).toEqual({ keys: [], sinceUid: null });
      const second = await run(null);
      expect(second).toMatchObject({ cancelled: false, imported: 150, duplicates: 100 });
      const all = await store.messages.list(box.id, 500);
      expect(all).toHaveLength(250);
      expect(new Set(all.map((m) => m.uid)).size).toBe(250);
      expect(Math.max(...all.map((m) => m.uid))).toBe(250);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('moves out into a server folder by a queued append, taken back while it waits', async () => {
    const { store, accountId, inbox } = await all.open(engine);
    const actions = new LocalActions(store);
    const a = await local(store, accountId, 'A');
    const [one] = await keep(store, a.id, [makeMail({ subject: 'out' })], [['\\Seen']]);
    const moved = await actions.move({ ids: [one!] }, { mailboxId: inbox });
    const [op] = await queued(store, moved.actionId);
    expect(op).toMatchObject({
      kind: 'append',
      mailboxId: a.id,
      path: 'Local Folders/A',
      state: 'pending',
      items: [{ id: one, uid: 1, flags: 1 }],
      args: { toMailboxId: inbox, toPath: 'INBOX' },
    });
    // Shown in the target at once, under a placeholder UID, its bytes still here.
    expect(await store.messages.summary(one!)).toMatchObject({ mailboxId: inbox, uid: -one! });
    expect(await store.bodies.raw(one!)).not.toBeNull();
    expect((await actions.undo(moved.actionId!)).undone).toBe(true);
    expect(await store.messages.summary(one!)).toMatchObject({ mailboxId: a.id, uid: 1 });
    expect((await store.operations.get(op!.id))!.state).toBe('cancelled');

    // Messages of a server folder come into a local one only with their copies in hand.
    const [synced] = await store.transaction((tx) =>
      tx.messages.insertHeaders(accountId, inbox, [headerRecord(7)]),
    );
    expect(await refusal(actions.move({ ids: [synced!] }, { mailboxId: a.id }))).toMatchObject({
      code: 'INVALID_INPUT',
    });
    expect(await store.messages.summary(synced!)).toMatchObject({ mailboxId: inbox, uid: 7 });
  });
});

describe('local folders on the server of many people', () => {
  let server: PostgresServer | null = null;
  let db: ServerDatabase | null = null;
  afterAll(async () => {
    await db?.close();
    await server?.stop();
  });

  it('are each person’s own, and so are the changes kept for their undo', async () => {
    server = await startPostgres();
    const url = await freshDatabase(server);
    const appPassword = randomBytes(24).toString('base64url');
    db = await openServerDatabase(url, { appPassword });
    const tenant = await db.people.tenants.add('acme');
    const owner = async (email: string) => {
      const p = await db!.people.users.add({
        tenantId: tenant.id,
        email,
        passwordHash: 'x',
        role: 'user',
      });
      return { tenantId: p.tenantId, userId: p.userId };
    };
    const alice = db.storeFor(await owner('alice@acme.test'));
    const bob = db.storeFor(await owner('bob@acme.test'));
    const account = await alice.accounts.add({
      email: 'alice@mail.test',
      imap: { host: '127.0.0.1', port: 143, security: 'none', user: 'alice' },
    });
    const box = await local(alice, account.id, 'Mine');
    const [id] = await keep(alice, box.id, [makeMail({ subject: 'private' })]);
    const marked = await new LocalActions(alice).mark({ ids: [id!] }, { read: true });
    expect(await alice.operations.localOfAction(marked.actionId!)).toHaveLength(1);
    expect(await bob.mailboxes.list()).toEqual([]);
    expect(await bob.operations.localOfAction(marked.actionId!)).toEqual([]);
    expect(await bob.bodies.raw(id!)).toBeNull();
    expect(await refusal(bob.mailboxes.takeLocalUids(box.id, 1))).toMatchObject({
      code: 'INVALID_INPUT',
    });

    const app = new URL(url);
    app.username = appRoleName(app.pathname.slice(1));
    app.password = appPassword;
    const client = new pg.Client({ connectionString: app.href });
    await client.connect();
    try {
      const forced = await client.query(
        `SELECT relrowsecurity AND relforcerowsecurity AS forced FROM pg_class WHERE relname = 'local_changes'`,
      );
      expect(forced.rows).toEqual([{ forced: true }]);
      expect((await client.query('SELECT count(*)::int AS n FROM local_changes')).rows).toEqual([
        { n: 0 },
      ]);
    } finally {
      await client.end();
    }
  });
});
