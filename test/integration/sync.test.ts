// The sync engine against a real Dovecot: initial sync, server-side changes, UIDVALIDITY,
// threads, and the server dying in the middle of it all.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startDovecot, type DovecotServer } from '../support/dovecot.js';
import { accountInput, openService, type TestService } from '../support/service.js';
import { dayAt, makeMail } from '../support/mail.js';
import { MimePool } from '../../main/core/mime/pool.js';
import { connect } from '../../main/core/sync/connect.js';
import { syncMailboxList } from '../../main/core/sync/mailbox-list.js';
import { syncMailbox } from '../../main/core/sync/mailbox-sync.js';
import { SliceWriter } from '../../main/core/sync/slices.js';
import { storeFile, type Store, type Transaction } from '../../main/core/store/index.js';
import Database from 'better-sqlite3';

let server: DovecotServer;
let t: TestService;

beforeEach(async () => {
  server = await startDovecot({ folders: ['Projects', 'Projects/2024'] });
  t = await openService();
});

afterEach(async () => {
  await t?.close();
  await server?.stop();
});

async function addAccount() {
  return t.call('account.add', accountInput(server));
}

async function mailboxByPath(path: string) {
  return (await t.svc.store.mailboxes.list()).find((m) => m.path === path)!;
}

async function messagesIn(path: string, limit = 10_000) {
  return t.svc.store.messages.list((await mailboxByPath(path)).id, limit);
}

async function subjects(path: string): Promise<string[]> {
  return (await messagesIn(path)).map((m) => m.subject);
}

/** Every stored message of every folder, by id. */
async function allMessages() {
  const all = [];
  for (const box of await t.svc.store.mailboxes.list())
    all.push(...(await t.svc.store.messages.list(box.id, 100_000)));
  return all.sort((a, b) => a.id - b.id);
}

describe('initial sync', () => {
  it('stores every folder with roles, newest first, with bodies and attachments', async () => {
    await server.loadMaildir(
      'INBOX',
      Array.from({ length: 30 }, (_, i) => ({
        raw: makeMail({
          subject: `inbox ${i}`,
          date: dayAt(i),
          text: `body of inbox message ${i}`,
        }),
        flags: i % 3 === 0 ? ['\\Seen'] : [],
      })),
    );
    await server.loadMaildir('Sent', [{ raw: makeMail({ subject: 'sent one', date: dayAt(1) }) }]);
    await server.loadMaildir('Projects/2024', [
      {
        raw: makeMail({
          subject: 'report',
          date: dayAt(2),
          html: '<p>The <b>report</b></p>',
          attachment: {
            filename: 'report.pdf',
            contentType: 'application/pdf',
            content: Buffer.alloc(5000, 7),
          },
        }),
      },
    ]);
    await addAccount();

    const summary = await t.call('sync.run');
    expect(summary).toMatchObject({ accounts: 1, messages: 32, bodies: 32, errors: [] });

    const boxes = await t.call('mailbox.list');
    const byPath = Object.fromEntries(boxes.map((b) => [b.path, b]));
    expect(byPath.INBOX).toMatchObject({ role: 'inbox', total: 30, unread: 20 });
    expect(byPath.Sent?.role).toBe('sent');
    expect(byPath.Trash?.role).toBe('trash');
    expect(byPath['Projects/2024']?.total).toBe(1);

    const page = await t.call('message.list', { path: 'INBOX', limit: 10 });
    expect(page.messages.map((m) => m.subject)).toEqual(
      Array.from({ length: 10 }, (_, i) => `inbox ${29 - i}`),
    );
    const next = await t.call('message.list', {
      path: 'INBOX',
      limit: 10,
      before: page.nextBefore!,
    });
    expect(next.messages[0]!.subject).toBe('inbox 19');

    const report = (await t.call('message.list', { path: 'Projects/2024' })).messages[0]!;
    expect(report.hasAttachments).toBe(true);
    const detail = await t.call('message.get', { id: report.id });
    expect(detail.html).toContain('<b>report</b>');
    expect(detail.attachments).toEqual([
      expect.objectContaining({
        filename: 'report.pdf',
        contentType: 'application/pdf',
        size: 5000,
      }),
    ]);
    // Attachments on demand: fetched from the server once, then kept for offline use.
    const pdf = await t.call('attachment.get', { id: detail.attachments[0]!.id });
    expect(Buffer.from(pdf.data, 'base64')).toEqual(Buffer.alloc(5000, 7));
    expect(pdf).toMatchObject({
      filename: 'report.pdf',
      contentType: 'application/pdf',
      size: 5000,
    });
    await server.kill();
    const offline = await t.call('attachment.get', { id: detail.attachments[0]!.id });
    expect(offline.data).toBe(pdf.data);
    await server.start();
    const first = await t.call('message.get', { id: page.messages[0]!.id });
    expect(first.text).toContain('body of inbox message 29');
  });

  it('leaves large attachments on the server and still reads the text around them', async () => {
    const big = Buffer.alloc(300_000, 1);
    await server.loadMaildir('INBOX', [
      {
        raw: makeMail({
          subject: 'big attachment',
          text: 'see the attached archive, café',
          html: '<p>see the <i>attached</i> archive</p>',
          attachment: {
            filename: 'data.bin',
            contentType: 'application/octet-stream',
            content: big,
          },
        }),
      },
    ]);
    // Watch what reaches the parser: the attachment's 400 KB must not.
    const pool = new MimePool({ size: 1 });
    const seen: number[] = [];
    await t.close();
    t = await openService({ parser: { parse: (src) => (seen.push(src.length), pool.parse(src)) } });
    await addAccount();
    expect(await t.call('sync.run')).toMatchObject({ messages: 1, bodies: 1, errors: [] });
    await pool.close();
    expect(seen).toHaveLength(1);
    expect(seen[0]).toBeLessThan(5_000);
    const m = (await t.call('message.list', { path: 'INBOX' })).messages[0]!;
    const d = await t.call('message.get', { id: m.id });
    expect(d.text).toContain('see the attached archive, café');
    expect(d.html).toContain('<i>attached</i>');
    expect(d.parseError).toBeNull();
    expect(d.attachments).toHaveLength(1);
    expect(d.attachments[0]).toMatchObject({
      filename: 'data.bin',
      contentType: 'application/octet-stream',
      partId: '3',
    });
    // The size comes from BODYSTRUCTURE (encoded), converted back: close to the real one.
    expect(Math.abs(d.attachments[0]!.size - big.length)).toBeLessThan(big.length * 0.01);
    expect((await t.call('message.search', { query: 'cafe archive' })).hits).toHaveLength(1);
    const content = await t.call('attachment.get', { id: d.attachments[0]!.id });
    expect(Buffer.from(content.data, 'base64').equals(big)).toBe(true);
    expect((await t.svc.invoke('attachment.get', { id: 999_999 })).ok).toBe(false);
  });

  it('fetches bodies in batches of bytes, a few batches at once, and stores each once', async () => {
    const mails = Array.from({ length: 40 }, (_, i) => ({
      raw: makeMail({
        subject: `note ${i}`,
        text: `body of note ${i}, word${i}x ${'filler '.repeat(200 * (i % 5))}`,
      }),
    }));
    await server.loadMaildir('INBOX', mails);
    await t.close();
    // About one message a batch: forty batches, with the next ones fetched while earlier
    // ones are parsed and written.
    t = await openService({ bodyBatchBytes: 1500 });
    const progress: [number, number][] = [];
    t.svc.on('sync.progress', (p) => {
      if (p.phase === 'bodies') progress.push([p.done, p.total]);
    });
    await addAccount();
    expect(await t.call('sync.run')).toMatchObject({ messages: 40, bodies: 40, errors: [] });
    const stored = await messagesIn('INBOX');
    expect(stored).toHaveLength(40);
    for (let i = 0; i < 40; i++) {
      const hits = (await t.call('message.search', { query: `word${i}x` })).hits;
      expect(
        hits.map((h) => h.message.subject),
        `note ${i}`,
      ).toEqual([`note ${i}`]);
    }
    // Progress only goes up, and ends at the total.
    expect(progress.length).toBeGreaterThan(10);
    for (let i = 1; i < progress.length; i++)
      expect(progress[i]![0]).toBeGreaterThanOrEqual(progress[i - 1]![0]);
    expect(progress.at(-1)).toEqual([40, 40]);
  });

  it('groups replies into threads by references, and by subject when they are missing', async () => {
    const root = '<root@maildock.test>';
    await server.loadMaildir('INBOX', [
      { raw: makeMail({ subject: 'Plans', messageId: root, date: dayAt(1) }) },
      {
        raw: makeMail({
          subject: 'Re: Plans',
          inReplyTo: root,
          references: [root],
          date: dayAt(2),
          messageId: '<r1@maildock.test>',
        }),
      },
      { raw: makeMail({ subject: 'RE: plans', date: dayAt(3) }) },
      { raw: makeMail({ subject: 'Unrelated', date: dayAt(4) }) },
    ]);
    // The parent of this reply is in another folder and is synced after it.
    await server.loadMaildir('Sent', [
      {
        raw: makeMail({
          subject: 'Re: Plans',
          inReplyTo: '<r1@maildock.test>',
          references: [root, '<r1@maildock.test>'],
          date: dayAt(5),
        }),
      },
    ]);
    await addAccount();
    await t.call('sync.run');
    const all = [...(await messagesIn('INBOX', 100)), ...(await messagesIn('Sent', 100))];
    const thread = (s: string) =>
      all.filter((m) => m.subject.toLowerCase().includes(s)).map((m) => m.threadId);
    const plans = thread('plans');
    expect(plans).toHaveLength(4);
    expect(new Set(plans).size).toBe(1);
    expect(thread('unrelated')[0]).not.toBe(plans[0]);
  });
});

describe('incremental sync follows the server', () => {
  it('applies flag changes, expunges, new mail and folder create/rename/delete', async () => {
    await server.loadMaildir(
      'INBOX',
      Array.from({ length: 20 }, (_, i) => ({
        raw: makeMail({ subject: `m${i}`, date: dayAt(i) }),
      })),
    );
    await server.loadMaildir('Projects', [{ raw: makeMail({ subject: 'in projects' }) }]);
    await addAccount();
    await t.call('sync.run');
    const before = await messagesIn('INBOX', 100);
    const idOf = (s: string) => before.find((m) => m.subject === s)!.id;

    await server.doveadm(
      'flags',
      'add',
      '-u',
      server.user,
      '\\Flagged \\Seen',
      'mailbox',
      'INBOX',
      'uid',
      '1:3',
    );
    await server.doveadm('expunge', '-u', server.user, 'mailbox', 'INBOX', 'uid', '4:5');
    await server.append('INBOX', makeMail({ subject: 'brand new', date: dayAt(100) }));
    await server.doveadm('mailbox', 'create', '-u', server.user, 'Fresh');
    await server.doveadm('mailbox', 'rename', '-u', server.user, 'Projects', 'Renamed');
    await server.doveadm('mailbox', 'delete', '-u', server.user, 'Renamed/2024');

    const summary = await t.call('sync.run');
    expect(summary.errors).toEqual([]);
    const after = await messagesIn('INBOX', 100);
    expect(after).toHaveLength(19);
    expect(after.map((m) => m.subject)).not.toContain('m3');
    expect(after.map((m) => m.subject)).not.toContain('m4');
    expect(after[0]!.subject).toBe('brand new');
    const m0 = after.find((m) => m.subject === 'm0')!;
    expect(m0.flags).toEqual(expect.arrayContaining(['\\Seen', '\\Flagged']));
    expect(m0.id).toBe(idOf('m0'));
    expect(after.find((m) => m.subject === 'm5')!.flags).toEqual([]);

    const paths = (await t.call('mailbox.list')).map((m) => m.path);
    expect(paths).toContain('Fresh');
    expect(paths).toContain('Renamed');
    expect(paths).not.toContain('Projects');
    expect(paths).not.toContain('Projects/2024');
    expect(paths).not.toContain('Renamed/2024');
    expect(await subjects('Renamed')).toEqual(['in projects']);
    // Removed messages are gone from search too.
    expect((await t.call('message.search', { query: 'subject:m3' })).hits).toEqual([]);
    expect((await t.call('message.search', { query: 'subject:new' })).hits).toHaveLength(1);
  });

  it('follows flags, expunges and new mail by a UID/FLAGS scan on a server without CONDSTORE', async () => {
    await server.stop();
    // Dovecot's own list, less CONDSTORE and QRESYNC: the server then sends no MODSEQ at all.
    server = await startDovecot({
      imapCapability:
        'IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE IDLE SORT UNSELECT CHILDREN NAMESPACE UIDPLUS LIST-EXTENDED LIST-STATUS MOVE SPECIAL-USE LITERAL+',
    });
    await server.loadMaildir(
      'INBOX',
      Array.from({ length: 12 }, (_, i) => ({
        raw: makeMail({ subject: `scan${i}`, date: dayAt(i) }),
      })),
    );
    await addAccount();
    expect(await t.call('sync.run')).toMatchObject({ messages: 12, errors: [] });
    const inbox = async () =>
      (await t.svc.store.mailboxes.state((await mailboxByPath('INBOX')).id))!;
    expect((await inbox()).syncedModseq).toBeNull();

    await server.doveadm(
      'flags',
      'add',
      '-u',
      server.user,
      '\\Flagged',
      'mailbox',
      'INBOX',
      'uid',
      '2',
    );
    await server.doveadm(
      'flags',
      'remove',
      '-u',
      server.user,
      '\\Seen',
      'mailbox',
      'INBOX',
      'uid',
      '1:12',
    );
    await server.doveadm(
      'flags',
      'add',
      '-u',
      server.user,
      '\\Seen',
      'mailbox',
      'INBOX',
      'uid',
      '3',
    );
    await server.doveadm('expunge', '-u', server.user, 'mailbox', 'INBOX', 'uid', '5:6');
    await server.append('INBOX', makeMail({ subject: 'scan new', date: dayAt(50) }));

    expect(await t.call('sync.run')).toMatchObject({ messages: 11, errors: [] });
    const list = await messagesIn('INBOX', 100);
    const flagsOf = (subject: string) => list.find((m) => m.subject === subject)?.flags;
    expect(list.map((m) => m.subject)).toEqual([
      'scan new',
      ...[11, 10, 9, 8, 7, 6, 3, 2, 1, 0].map((i) => `scan${i}`),
    ]);
    expect(flagsOf('scan1')).toEqual(['\\Flagged']);
    expect(flagsOf('scan2')).toEqual(['\\Seen']);
    expect(flagsOf('scan0')).toEqual([]);
    expect((await inbox()).syncedModseq).toBeNull();
  });

  it('a resync with no change selects nothing and changes nothing', async () => {
    await server.loadMaildir('INBOX', [{ raw: makeMail({ subject: 'one' }) }]);
    await addAccount();
    await t.call('sync.run');
    const rows = async () =>
      (await allMessages()).map(({ id, flags, uid }) => ({ id, flags, uid }));
    const snapshot = await rows();
    expect(snapshot).toHaveLength(1);
    const again = await t.call('sync.run');
    expect(again).toMatchObject({ messages: 1, errors: [] });
    expect(await rows()).toEqual(snapshot);
  });

  it('a UIDVALIDITY change discards the cached UIDs and refetches', async () => {
    await server.loadMaildir(
      'INBOX',
      Array.from({ length: 5 }, (_, i) => ({
        raw: makeMail({ subject: `v${i}`, date: dayAt(i) }),
      })),
    );
    await addAccount();
    await t.call('sync.run');
    const oldValidity = (await mailboxByPath('INBOX')).uidValidity;
    await server.doveadm(
      'mailbox',
      'update',
      '-u',
      server.user,
      '--uid-validity',
      '12345',
      'INBOX',
    );
    await server.doveadm('expunge', '-u', server.user, 'mailbox', 'INBOX', 'uid', '1');
    const summary = await t.call('sync.run');
    expect(summary.errors).toEqual([]);
    const box = await mailboxByPath('INBOX');
    expect(box.uidValidity).toBe('12345');
    expect(box.uidValidity).not.toBe(oldValidity);
    expect((await subjects('INBOX')).sort()).toEqual(['v1', 'v2', 'v3', 'v4']);
  });
});

describe('failures mid-sync', () => {
  it('converges when Dovecot is killed and restarted in the middle of a sync', async () => {
    const n = 3000;
    await server.loadMaildir(
      'INBOX',
      Array.from({ length: n }, (_, i) => ({
        raw: makeMail({ subject: `bulk ${i}`, date: dayAt(i), text: `text ${i} `.repeat(50) }),
      })),
    );
    await t.close();
    t = await openService({ attempts: 6 });
    await addAccount();
    let killed = false;
    t.svc.on('sync.progress', (p) => {
      if (!killed && p.phase === 'bodies' && p.done > 200) {
        killed = true;
        void server.kill().then(() => setTimeout(() => void server.start(), 300));
      }
    });
    const summary = await t.call('sync.run');
    expect(killed).toBe(true);
    expect(summary).toMatchObject({ messages: n, bodies: n, errors: [] });
    const ids = (await allMessages()).map((m) => m.messageId);
    expect(ids).toHaveLength(n);
    const dupes = new Set(ids.filter((id, i) => ids.indexOf(id) !== i)).size;
    expect(dupes).toBe(0);
    // The external-content index matches its content exactly (throws when it does not). No
    // repository says so: SQLite's own check, on a connection of the test's own.
    const db = new Database(storeFile(t.dataDir));
    try {
      db.prepare("INSERT INTO message_fts (message_fts, rank) VALUES ('integrity-check', 1)").run();
    } finally {
      db.close();
    }
  });
});

/** Slices of exactly 100, the n-th of which throws inside its transaction, as a kill would. */
class DyingWriter extends SliceWriter {
  private slices = 0;
  constructor(
    store: Store,
    private readonly dieAt: number,
  ) {
    super(store, { first: 100, min: 100, max: 100 });
  }
  override write<T>(
    items: readonly T[],
    write: (tx: Transaction, slice: readonly T[], last: boolean) => Promise<void>,
  ): Promise<void> {
    return super.write(items, async (tx, slice, last) => {
      if (++this.slices === this.dieAt) throw new Error('killed mid-batch');
      await write(tx, slice, last);
    });
  }
}

describe('a batch stored in slices', () => {
  async function syncInbox(
    writer: (store: Store) => SliceWriter,
    opts: { closeBeforeSearch?: boolean } = {},
  ) {
    const account = (await t.svc.store.accounts.list())[0]!;
    const client = await connect(account.imap, server.password, { timeoutMs: 5000 });
    if (opts.closeBeforeSearch) {
      // The connection goes as a watcher's stop() takes it: imapflow then answers the
      // search with false, not an error.
      const search = client.search.bind(client);
      client.search = (...args: Parameters<typeof search>) => {
        client.close();
        return search(...args);
      };
    }
    try {
      const listed = await syncMailboxList(client, t.svc.store, account.id);
      const inbox = listed.find((m) => m.path === 'INBOX')!;
      return await syncMailbox(
        {
          client,
          store: t.svc.store,
          accountId: account.id,
          batchSize: 300,
          writer: writer(t.svc.store),
          vanished: new Set(),
          progress: () => undefined,
          onNew: () => undefined,
        },
        inbox,
      );
    } finally {
      await client.logout().catch(() => client.close());
    }
  }
  const stored = async () => (await messagesIn('INBOX')).map((m) => m.uid).sort((a, b) => a - b);
  const cursors = async () =>
    (await t.svc.store.mailboxes.state((await mailboxByPath('INBOX')).id))!;
  const mails = (from: number, count: number) =>
    Array.from({ length: count }, (_, i) => ({
      raw: makeMail({ subject: `slice ${from + i}`, date: dayAt(from + i) }),
    }));

  it('dies with its cursors at the last committed slice, and the next pass stores the rest once', async () => {
    await server.loadMaildir('INBOX', mails(0, 900));
    await addAccount();

    // Downwards, in chunks of 300 (UIDs 601–900, then 301–600, …) and slices of 100: the
    // fifth slice (UIDs 401–500) dies, so 501–900 are stored and low_uid is 501.
    await expect(syncInbox((s) => new DyingWriter(s, 5))).rejects.toThrow('killed mid-batch');
    expect(await cursors()).toMatchObject({ headUid: 900, lowUid: 501 });
    expect(await stored()).toEqual(Array.from({ length: 400 }, (_, i) => 501 + i));

    await syncInbox((s) => new SliceWriter(s));
    expect(await cursors()).toMatchObject({ headUid: 900, lowUid: 1 });
    expect(await stored()).toEqual(Array.from({ length: 900 }, (_, i) => 1 + i));

    // Upwards, for new mail: UIDs 901–1000 are stored, 1001–1100 die, head_uid is 1000.
    await server.loadMaildir('INBOX', mails(900, 250));
    await expect(syncInbox((s) => new DyingWriter(s, 2))).rejects.toThrow('killed mid-batch');
    expect(await cursors()).toMatchObject({ headUid: 1000, lowUid: 1 });
    expect(await stored()).toHaveLength(1000);

    const r = await syncInbox((s) => new SliceWriter(s));
    expect(r.added).toBe(150);
    expect(await cursors()).toMatchObject({ headUid: 1150, lowUid: 1 });
    expect(await stored()).toEqual(Array.from({ length: 1150 }, (_, i) => 1 + i));
  });

  it('takes a search answered false on a closed connection for a failure, not an empty mailbox', async () => {
    await server.loadMaildir('INBOX', mails(0, 900));
    await addAccount();

    // The initial sync: nothing is stored and the mailbox is not marked complete.
    await expect(syncInbox((s) => new SliceWriter(s), { closeBeforeSearch: true })).rejects.toThrow(
      /connection was lost/,
    );
    expect((await cursors()).lowUid).not.toBe(1);
    expect(await stored()).toEqual([]);
    await syncInbox((s) => new SliceWriter(s));
    expect(await stored()).toEqual(Array.from({ length: 900 }, (_, i) => 1 + i));

    // New mail above the head: the head stays where it was until the mail is stored.
    await server.loadMaildir('INBOX', mails(900, 100));
    await expect(syncInbox((s) => new SliceWriter(s), { closeBeforeSearch: true })).rejects.toThrow(
      /connection was lost/,
    );
    expect(await cursors()).toMatchObject({ headUid: 900, lowUid: 1 });
    const r = await syncInbox((s) => new SliceWriter(s));
    expect(r.added).toBe(100);
    expect(await stored()).toEqual(Array.from({ length: 1000 }, (_, i) => 1 + i));
  });
});
