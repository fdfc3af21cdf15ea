// The same Dovecot mailbox synced once into each engine of the store, then read through the
// contract: folders, every page of every list (by message and by conversation), every
// message with its text, HTML, attachments and flags, every conversation, and twenty
// searches with their order, snippets and highlights must be the same on SQLite and on
// Postgres; and again after local changes replayed to the server by a second sync.
//
// Each engine syncs its own copy of the mailbox (two users of one Dovecot, loaded alike), so
// that the changes one replays to the server are not the other's to find.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EngineName } from '../../main/core/store/index.js';
import { contractView, type ContractView } from '../support/contract-view.js';
import { startDovecot, type DovecotServer, type DovecotUser } from '../support/dovecot.js';
import { ENGINE_SEARCHES, MAILBOX_FOLDERS, enginesMailbox } from '../support/engines-mailbox.js';
import { startPostgres, type PostgresServer } from '../support/postgres.js';
import { accountInput, openService, type TestService } from '../support/service.js';

const TWIN = { user: 'twin', password: 'twin-password' };

let dovecot: DovecotServer;
let postgres: PostgresServer;
const services = new Map<EngineName, TestService>();
const views = new Map<EngineName, ContractView>();

/** The same bytes into each copy (a message's MIME boundaries are random). */
async function load(users: DovecotUser[]) {
  for (const [folder, messages] of Object.entries(enginesMailbox()))
    for (const user of users) await user.loadMaildir(folder, messages);
}

/** The twin's folders get the main user's UIDVALIDITY: the copies differ in nothing else. */
async function alignUidValidity() {
  const folders = (await dovecot.doveadm('mailbox', 'list', '-u', dovecot.user)).split('\n');
  for (const folder of folders.filter(Boolean)) {
    // A folder that only holds others (Reisen above Reisen/Zürich) has no status.
    const status = await dovecot
      .doveadm('mailbox', 'status', '-u', dovecot.user, 'uidvalidity', folder)
      .catch(() => '');
    const uidValidity = /uidvalidity=(\d+)/.exec(status)?.[1];
    if (uidValidity)
      await dovecot.doveadm(
        'mailbox',
        'update',
        '-u',
        TWIN.user,
        '--uid-validity',
        uidValidity,
        folder,
      );
  }
}

async function syncAll(t: TestService) {
  const summary = await t.call('sync.run', {});
  expect(summary.errors).toEqual([]);
}

async function readAll() {
  for (const [engine, t] of services)
    views.set(engine, await contractView(t.call, ENGINE_SEARCHES));
}

function expectSameViews() {
  const sqlite = views.get('sqlite')!;
  const pg = views.get('postgres')!;
  expect(pg.mailboxes).toEqual(sqlite.mailboxes);
  expect(Object.keys(pg.lists)).toEqual(Object.keys(sqlite.lists));
  for (const folder of Object.keys(sqlite.lists))
    expect(pg.lists[folder], folder).toEqual(sqlite.lists[folder]);
  expect([...pg.ids.keys()].sort()).toEqual([...sqlite.ids.keys()].sort());
  for (const key of sqlite.ids.keys()) {
    expect(pg.details[key], key).toEqual(sqlite.details[key]);
    expect(pg.threads[key], key).toEqual(sqlite.threads[key]);
  }
  for (const query of ENGINE_SEARCHES)
    expect(pg.searches[query], query).toEqual(sqlite.searches[query]);
}

beforeAll(async () => {
  [dovecot, postgres] = await Promise.all([
    startDovecot({ users: [TWIN], folders: MAILBOX_FOLDERS }),
    startPostgres(),
  ]);
  await load([dovecot, dovecot.forUser(TWIN.user)]);
  await alignUidValidity();
  const sqlite = await openService({ timeoutMs: 20_000 });
  services.set('sqlite', sqlite);
  const pg = await openService({
    timeoutMs: 20_000,
    database: await postgres.createDatabase('engines_sync'),
  });
  services.set('postgres', pg);
  await sqlite.call('account.add', accountInput(dovecot));
  const imap = { ...accountInput(dovecot).imap, user: TWIN.user };
  await pg.call('account.add', { email: 'twin@maildock.test', imap, password: TWIN.password });
}, 180_000);

afterAll(async () => {
  for (const t of services.values()) await t.close();
  await dovecot?.stop();
  await postgres?.stop();
});

describe('one mailbox synced into each engine', () => {
  it('reads the same through the contract after the first sync', async () => {
    for (const t of services.values()) await syncAll(t);
    await readAll();
    expectSameViews();
    // The mailbox is what it should be, so that equal views say something.
    const sqlite = views.get('sqlite')!;
    expect(sqlite.ids.size).toBeGreaterThan(90);
    for (const query of ENGINE_SEARCHES) {
      const hits = sqlite.searches[query]!.filter((row) => 'snippet' in (row as object));
      expect(hits.length, query).toBeGreaterThan(0);
    }
    expect(sqlite.threads['INBOX|<report@engines.test>']).toHaveLength(4);
    // A conversation by subject alone: the replies join each other; the first message is no
    // reply and, synced after them (newest first), starts a conversation of its own.
    const weekly = ['1', '2', '3'].map((week) =>
      sqlite.threadIds.get(`INBOX|<sync-${week}@engines.test>`),
    );
    expect(new Set(weekly).size).toBe(1);
    expect(sqlite.details['INBOX|<news@engines.test>']).toMatchObject({
      html: expect.stringContaining('müsli'),
      attachments: [],
    });
    expect(sqlite.details['INBOX|<report@engines.test>']).toMatchObject({
      text: expect.stringContaining('quarterly report'),
      attachments: [{ filename: 'q1-report.pdf', contentType: 'application/pdf' }],
    });
  }, 240_000);

  it('reads the same after local changes, and after a sync replays them', async () => {
    for (const [engine, t] of services) {
      const { ids, threadIds } = views.get(engine)!;
      const id = (folder: string, name: string) => ids.get(`${folder}|<${name}@engines.test>`)!;
      await t.call('message.mark', {
        threadIds: [threadIds.get('INBOX|<sync-1@engines.test>')],
        read: true,
      });
      await t.call('message.mark', { ids: [id('INBOX', 'cafe')], read: false, flagged: true });
      await t.call('message.move', {
        ids: [id('INBOX', 'note-1'), id('INBOX', 'note-2')],
        role: 'archive',
      });
      await t.call('message.delete', { ids: [id('INBOX', 'note-3'), id('Sent', 'cafe-reply')] });
    }
    await readAll();
    expectSameViews();
    for (const t of services.values()) await syncAll(t);
    await readAll();
    expectSameViews();
    const after = views.get('sqlite')!;
    expect([...after.ids.keys()]).toEqual(
      expect.arrayContaining([
        'Archive|<note-1@engines.test>',
        'Trash|<note-3@engines.test>',
        'Trash|<cafe-reply@engines.test>',
      ]),
    );
    expect(after.ids.has('INBOX|<note-2@engines.test>')).toBe(false);
    const flags = (key: string) =>
      (after.details[`INBOX|<${key}@engines.test>`] as { message: { flags: string[] } }).message
        .flags;
    expect(flags('sync-3')).toContain('\\Seen');
    expect(flags('cafe')).toContain('\\Flagged');
    expect(flags('cafe')).not.toContain('\\Seen');
  }, 240_000);
});
