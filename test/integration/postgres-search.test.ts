// Postgres search answers as SQLite's does: the same mailbox in both engines, every query of
// the table, the same hits in the same order with the same snippets and highlights, the
// same paging, and no input that reaches the tsquery parser as syntax.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { MaildockError } from '../../common/errors.js';
import type { SearchPage, Store } from '../../main/core/store/index.js';
import { openPostgresStore } from '../../main/core/store/postgres/engine.js';
import { SqliteStore } from '../../main/core/store/sqlite/engine.js';
import { randomInputs } from '../support/fuzz.js';
import { startPostgres, type PostgresServer } from '../support/postgres.js';
import {
  HOSTILE_INPUTS,
  SEARCH_CASES,
  searchMailbox,
  type SearchMailbox,
} from '../support/search-cases.js';

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

async function searchError(store: Store, query: string): Promise<unknown> {
  try {
    await store.search.search(query, { limit: 5 });
    return undefined;
  } catch (err) {
    return err;
  }
}

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

  it('highlights the words as typed and the spelling in the mail', async () => {
    const [station] = (await pg.store.search.search('station', { limit: 5 })).hits;
    expect(station?.highlights.map(([s, e]) => station.snippet.slice(s, e))).toEqual(['station']);
    const cafe = (await pg.store.search.search('cafe', { limit: 5 })).hits;
    expect(cafe.map((h) => h.highlights.map(([s, e]) => h.snippet.slice(s, e)))).toEqual([
      ['café'],
      ['Cafe'],
    ]);
    const [parcel] = (await pg.store.search.search('parcel', { limit: 5 })).hits;
    expect(parcel).toEqual({ id: pg.ids.pending, snippet: 'Parcel notice', highlights: [[0, 6]] });
    const [filtered] = (await pg.store.search.search('from:carol', { limit: 5 })).hits;
    expect(filtered).toEqual({
      id: pg.ids.report,
      snippet: 'The quarterly report is attached. Numbers look good.',
      highlights: [],
    });
  });

  it('reports the same syntax errors at the same positions', async () => {
    for (const query of [
      'lunch "near the',
      'lunch from:',
      'before:2024-13-45',
      'lunch - x',
      '-lunch -in:inbox',
      'lunch foo:bar',
      'e:f',
    ]) {
      const error = await searchError(pg.store, query);
      expect(error, query).toBeInstanceOf(MaildockError);
      expect((error as MaildockError).code).toBe('SEARCH_SYNTAX');
      expect((error as MaildockError).fields).toEqual(
        ((await searchError(lite.store, query)) as MaildockError).fields,
      );
    }
  });

  it('never lets a Postgres error through, whatever is typed', async () => {
    for (const q of HOSTILE_INPUTS) {
      expect(await searchError(pg.store, q), q).toBeUndefined();
    }
    const alphabet = [
      'lunch',
      ' ',
      '"',
      '-',
      ':',
      '*',
      '(',
      ')',
      'from:',
      'in:',
      'is:read',
      '&',
      '|',
      '!',
      '<->',
      "'",
      '\\',
      '\u0000',
      'é',
      ':A',
      'x:y',
    ];
    for (const q of randomInputs(alphabet, 300, 8, 11)) {
      const error = await searchError(pg.store, q);
      if (error === undefined) continue;
      expect(error, q).toBeInstanceOf(MaildockError);
      expect((error as MaildockError).code, q).toBe('SEARCH_SYNTAX');
    }
  });

  it('rejects a bad limit or paging id', async () => {
    for (const opts of [{ limit: 0 }, { limit: 1.5 }, { limit: 5, before: -1 }]) {
      await expect(pg.store.search.search('lunch', opts)).rejects.toThrow(MaildockError);
    }
  });
});

describe('Postgres search: order and paging', () => {
  beforeEach(open, 60_000);
  afterEach(close);

  async function addMany(box: SearchMailbox, n: number): Promise<number[]> {
    const base = new Date(2023, 0, 1).getTime();
    const out: number[] = [];
    // Several messages share a millisecond, so ids differ only in their low bits.
    for (let i = 0; i < n; i++) {
      out.push(
        await box.add(box.accounts[0], box.mailbox.inbox, {
          subject: `Newsletter ${i}`,
          from: { name: 'Eve', address: 'eve@shop.example' },
          to: [],
          date: new Date(base + Math.floor(i / 3) * 60_000),
          body: `weekly digest number ${i} ${i % 5 === 0 ? 'special' : ''}`,
          flags: i % 2 ? ['\\Seen'] : [],
        }),
      );
    }
    return out;
  }

  async function pages(store: Store, query: string, limit: number): Promise<number[]> {
    const all: number[] = [];
    let before: number | undefined;
    for (;;) {
      const page = await store.search.search(
        query,
        before === undefined ? { limit } : { limit, before },
      );
      all.push(...ids(page));
      if (page.nextBefore === null) return all;
      expect(page.hits).toHaveLength(limit);
      expect(page.nextBefore).toBe(page.hits.at(-1)?.id);
      before = page.nextBefore;
    }
  }

  it('returns newest first and pages as SQLite does', async () => {
    const added = await addMany(pg, 31);
    expect(await addMany(lite, 31)).toEqual(added);
    for (const query of [
      'digest',
      'special weekly',
      'in:inbox',
      'in:inbox -special',
      'newsletter is:unread',
    ]) {
      const all = ids(await pg.store.search.search(query, { limit: 1000 }));
      expect(all, query).toEqual([...all].sort((a, b) => b - a));
      expect(all, query).toEqual(ids(await lite.store.search.search(query, { limit: 1000 })));
      for (const limit of [1, 7]) expect(await pages(pg.store, query, limit), query).toEqual(all);
    }
  });

  it('pages strictly before the given id', async () => {
    const all = ids(await pg.store.search.search('lunch', { limit: 10 }));
    const next = await pg.store.search.search('lunch', { limit: 10, before: all[0]! });
    expect(ids(next)).toEqual(all.slice(1));
    expect((await pg.store.search.search('lunch', { limit: 3 })).nextBefore).toBe(all[2]);
    expect((await pg.store.search.search('lunch', { limit: 4 })).nextBefore).toBeNull();
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
