// Migration 0013 gives Postgres's search the Cc, Bcc and List-Id vector (`more`) and fills it
// for the mail already stored, as the store's own writers would: run by an owner who is no
// superuser, under the row policies it lifts for its own transaction only. Afterwards cc:
// and bcc: find the old mail, new headers bring their List-Id, and the policies hold again.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPostgresStore } from '../../main/core/store/postgres/engine.js';
import { migrations } from '../../main/core/store/postgres/migrations/index.js';
import { headerRecord } from '../support/headers.js';
import { startPostgres, type PostgresServer } from '../support/postgres.js';
import { query } from '../support/postgres-store.js';

let server: PostgresServer;

beforeAll(async () => {
  server = await startPostgres();
}, 120_000);

afterAll(async () => {
  await server?.stop();
});

/** A database owned by a role that may make roles but is no superuser, as a server's is. */
async function ownedDatabase(name: string): Promise<string> {
  const admin = await server.createDatabase(`${name}_admin`);
  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  try {
    await client.query(`CREATE ROLE ${name}_owner LOGIN PASSWORD 'owner-pw' CREATEROLE`);
    await client.query(`CREATE DATABASE ${name} OWNER ${name}_owner`);
  } finally {
    await client.end();
  }
  const url = new URL(admin);
  url.username = `${name}_owner`;
  url.password = 'owner-pw';
  url.pathname = `/${name}`;
  return url.toString();
}

describe('migration 0013 (search fields)', () => {
  it("fills Cc and the Bcc of mail sent from here for the stored mail, under the owner's own policies", async () => {
    const url = await ownedDatabase('m0013');
    const before = await openPostgresStore(url, {
      migrations: migrations.filter((m) => m.version < 13),
    });
    const account = await before.accounts.add({
      email: 'me@x.test',
      imap: { host: '127.0.0.1', port: 143, security: 'none', user: 'me' },
    });
    const inbox = await before.mailboxes.upsert(account.id, {
      path: 'INBOX',
      name: 'INBOX',
      delimiter: '/',
      role: 'inbox',
    });
    await before.outbox.add({
      accountId: account.id,
      messageId: '<sent@x.test>',
      from: 'me@x.test',
      recipients: ['bob@x.test', 'secret@hidden.example'],
      subject: 'Plans',
      raw: Buffer.from('Subject: Plans\r\n\r\nx'),
      inReplyTo: null,
      references: [],
      sendAt: 1,
      sentCopy: 0,
    });
    await before.close();
    // Rows as the store of schema 12 wrote them (its writer is gone from this code).
    const row = `INSERT INTO messages (id, account_id, mailbox_id, uid, message_id, subject, from_json,
        to_json, cc_json, sender, recipients, date) VALUES ($1, $2, $3, $4, $5, 'x', '[]', $6, $7, '', '', 1)`;
    await query(url, row, [
      1024,
      account.id,
      inbox,
      1,
      '<in@x.test>',
      '[{"name":"Me","address":"me@x.test"}]',
      '[{"name":"Dave Dunn","address":"dave@x.test"}]',
    ]);
    await query(url, row, [
      2048,
      account.id,
      inbox,
      2,
      '<sent@x.test>',
      '[{"name":"Bob","address":"bob@x.test"}]',
      '[]',
    ]);

    const store = await openPostgresStore(url);
    try {
      const found = async (q: string) =>
        (await store.search.search(q, { limit: 10 })).hits.map((h) => h.id);
      expect(await found('cc:dave')).toEqual([1024]);
      expect(await found('cc:"dave dunn"')).toEqual([1024]);
      expect(await found('bcc:secret@hidden.example')).toEqual([2048]);
      expect(await found('bcc:bob')).toEqual([]);
      const [id] = await store.messages.insertHeaders(account.id, inbox, [
        headerRecord(9, { listId: 'Dev <dev.lists.x.test>' }),
      ]);
      expect(await found('list:dev.lists.x.test')).toEqual([id]);
    } finally {
      await store.close();
    }
    const forced = await query<{ relname: string; relforcerowsecurity: boolean }>(
      url,
      `SELECT relname, relforcerowsecurity FROM pg_class
        WHERE relname IN ('messages', 'outbox') ORDER BY relname`,
    );
    expect(forced).toEqual([
      { relname: 'messages', relforcerowsecurity: true },
      { relname: 'outbox', relforcerowsecurity: true },
    ]);
  });
});
