// Postgres search answers as SQLite's does: the same mailbox in both engines, every query of
// the table, the same pages with the same snippets and highlights (Postgres makes them in
// JavaScript, SQLite's come from FTS5); and its tsvector follows the bodies. What every
// engine answers alike, checked against expected results, is in store-search.test.ts.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { SearchPage } from '../../main/core/store/index.js';
import { openPostgresStore } from '../../main/core/store/postgres/engine.js';
import { SqliteStore } from '../../main/core/store/sqlite/engine.js';
import { startPostgres, type PostgresServer } from '../support/postgres.js';
import { SEARCH_CASES } from '../support/search-cases.js';
import { searchMailbox, type SearchMailbox } from '../support/search-fixture.js';

let server: PostgresServer;
let databases = 0;
let pg: SearchMailbox;
let lite: SearchMailbox;

beforeAll(async () => {
  server = await startPostgres();
}, 120_000);

afterAll(async () => {
  await server?.stop();
});

/** The mailbox in both engines, Postgres in a database of its own. */
async function open(): Promise<void> {
  const url = await server.createDatabase(`search_${++databases}`);
  pg = await searchMailbox(await openPostgresStore(url));
  lite = await searchMailbox(SqliteStore.open(':memory:'));
}

async function close(): Promise<void> {
  await pg?.store.close();
  await lite?.store.close();
}

const ids = (page: SearchPage) => page.hits.map((h) => h.id);

describe('Postgres search: the same answers as SQLite', () => {
  // Searches change nothing: one mailbox serves them all.
  beforeAll(open, 60_000);
  afterAll(close);

  it('gives both engines the same message ids', () => {
    expect(pg.ids).toEqual(lite.ids);
  });

  it.each(SEARCH_CASES)('%s', async (query, names) => {
    const page = await pg.store.search.search(query, { limit: 50 });
    expect(ids(page), query).toEqual(pg.named(...names));
    expect(page).toEqual(await lite.store.search.search(query, { limit: 50 }));
  });
});

describe('Postgres search: the vector follows the body', () => {
  beforeEach(open, 60_000);
  afterEach(close);

  it('finds a word deep in a long body and shows it there', async () => {
    const body = `${'filler words to pad the text '.repeat(2000)}the needle is here ${'tail '.repeat(50)}`;
    for (const box of [pg, lite]) {
      await box.add(box.accounts[0], box.mailbox.inbox, {
        subject: 'Long one',
        from: { name: 'Eve', address: 'eve@shop.example' },
        to: [],
        date: new Date(2024, 5, 1),
        body,
      });
    }
    const [hit] = (await pg.store.search.search('needle', { limit: 5 })).hits;
    expect(hit?.highlights.map(([s, e]) => hit.snippet.slice(s, e))).toEqual(['needle']);
    expect((await lite.store.search.search('needle', { limit: 5 })).hits.map((h) => h.id)).toEqual([
      hit?.id,
    ]);
  });

  it('finds the new body after a save and forgets the old one', async () => {
    await pg.store.bodies.save(pg.ids.lunch, {
      text: 'Change of plan: the pizzeria instead.',
      html: null,
      snippet: 'Change of plan',
      attachments: [],
      parseError: null,
    });
    const found = async (q: string) => ids(await pg.store.search.search(q, { limit: 10 }));
    expect(await found('station')).toEqual([]);
    expect(await found('café')).toEqual(pg.named('reply'));
    expect(await found('pizzeria')).toEqual(pg.named('lunch'));
    expect(await found('subject:lunch')).toEqual(pg.named('reply', 'lunch'));
    expect(await found('from:alice')).toEqual(pg.named('lunch'));
  });

  it('indexes a body that arrives after its headers, and forgets deleted messages', async () => {
    await pg.store.bodies.save(pg.ids.pending, {
      text: 'Your tracking code is ZX81.',
      html: null,
      snippet: 'Your tracking code',
      attachments: [],
      parseError: null,
    });
    const found = async (q: string) => ids(await pg.store.search.search(q, { limit: 10 }));
    expect(await found('tracking zx81')).toEqual(pg.named('pending'));
    expect(await found('parcel tracking')).toEqual(pg.named('pending'));
    await pg.store.messages.deleteIds([pg.ids.report]);
    expect(await found('quarterly')).toEqual(pg.named('offsite'));
    expect(await found('has:attachment')).toEqual([]);
  });
});
