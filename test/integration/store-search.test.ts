// Search on every engine: words and phrases, the operators, snippets with highlights, order
// and paging, over the messages of support/search-fixture.ts.
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MaildockError } from '../../common/errors.js';
import type { SearchPage } from '../../main/core/store/index.js';
import { closeEngineStores, stopEngines, storeEngines } from '../support/engines.js';
import { randomInputs } from '../support/fuzz.js';
import { HOSTILE_INPUTS } from '../support/search-cases.js';
import {
  bob,
  eve,
  expectSyntaxError,
  fill,
  firstAccount,
  found,
  ids,
  mailbox,
  named,
  add,
  store,
} from '../support/search-fixture.js';

afterAll(stopEngines);

afterEach(async () => {
  await closeEngineStores();
});

describe.each(storeEngines)('search on %s', (_engine, open) => {
  beforeEach(async () => {
    await fill(await open());
  });

  describe('words and phrases', () => {
    it('finds a word in the body, the subject or an address, newest first', async () => {
      expect(await found('quarterly')).toEqual(named('offsite', 'report'));
      expect(await found('parcel')).toEqual(named('pending'));
      expect(await found('archer')).toEqual(named('offsite', 'reply', 'lunch'));
    });

    it('ignores case and diacritics, both ways', async () => {
      expect(await found('cafe')).toEqual(named('lunch', 'reply'));
      expect(await found('CAFÉ')).toEqual(named('lunch', 'reply'));
    });

    it('matches whole words, but the last word as typed as a prefix', async () => {
      expect(await found('quarter ')).toEqual([]);
      expect(await found('caf lunch')).toEqual([]);
      expect(await found('quarter')).toEqual(named('offsite', 'report'));
      expect(await found('lunch caf')).toEqual(named('reply', 'lunch'));
    });

    it('ANDs words wherever they are, but a phrase needs them side by side', async () => {
      expect(await found('quarterly report')).toEqual(named('offsite', 'report'));
      expect(await found('"quarterly report"')).toEqual(named('report'));
      expect(await found('"report quarterly"')).toEqual([]);
      expect(await found('quarterly noon')).toEqual([]);
    });

    it('excludes negated words and phrases', async () => {
      expect(await found('report -offsite')).toEqual(named('report'));
      expect(await found('report -"quarterly report"')).toEqual(named('offsite'));
      expect(await found('lunch -re ')).toEqual(named('offsite', 'lunch'));
    });

    it("treats an index's syntax (FTS5's, a tsquery's) in the input as text, never failing in it", async () => {
      expect(await found('NEAR')).toEqual(named('invoice', 'lunch'));
      expect(await found('AND invoice')).toEqual(named('invoice'));
      expect(await found('"quotes" freely')).toEqual(named('invoice'));
      expect(await found('a*b (c)')).toEqual(named('invoice'));
      expect(await found('"e:f"')).toEqual(named('invoice'));
      await expectSyntaxError('e:f', 0);
      expect(await found('invoice*')).toEqual(named('invoice'));
      await expectSyntaxError('(lunch', 0);
      for (const q of HOSTILE_INPUTS) {
        try {
          expect(await store.search.search(q, { limit: 10 }), q).toBeDefined();
        } catch (err) {
          expect((err as MaildockError).code, q).toBe('SEARCH_SYNTAX');
        }
      }
    });

    it("never lets the index's or the database's error through, whatever is typed", async () => {
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
        'NEAR',
        'AND',
        'OR',
        '^',
        '\u0000',
        'é',
        "'",
        ';',
        '{',
        '}',
        '+',
        'x:y',
        '&',
        '|',
        '!',
        '<->',
        '\\',
        ':A',
      ];
      for (const q of randomInputs(alphabet, 1500, 8, 7)) {
        try {
          await store.search.search(q, { limit: 5 });
        } catch (err) {
          expect(err, q).toBeInstanceOf(MaildockError);
          expect((err as MaildockError).code, q).toBe('SEARCH_SYNTAX');
        }
      }
    });

    it('returns nothing for an empty or blank query, or punctuation alone', async () => {
      for (const q of ['', '   ', '*', '* ^'])
        expect(await store.search.search(q, { limit: 10, count: true })).toEqual({
          hits: [],
          nextBefore: null,
          total: { count: 0, more: false },
        });
    });
  });

  describe('operators', () => {
    it('from: matches the sender only', async () => {
      expect(await found('from:alice')).toEqual(named('lunch'));
      expect(await found('from:alice@example.com')).toEqual(named('lunch'));
      expect(await found('from:"carol cole"')).toEqual(named('report'));
      expect(await found('from:bob')).toEqual(named('reply'));
      expect(await found('lunch -from:alice')).toEqual(named('offsite', 'reply'));
    });

    it('to: matches To and Cc', async () => {
      expect(await found('to:dave')).toEqual(named('report'));
      expect(await found('to:alice')).toEqual(named('offsite', 'reply'));
      expect(await found('to:alice -to:dave quarterly')).toEqual(named('offsite'));
    });

    it('subject: matches the subject only', async () => {
      expect(await found('lunch')).toEqual(named('offsite', 'reply', 'lunch'));
      expect(await found('subject:lunch')).toEqual(named('reply', 'lunch'));
      expect(await found('subject:"quarterly report"')).toEqual(named('report'));
      expect(await found('subject:report -subject:offsite')).toEqual(named('report'));
    });

    it('in: matches a folder path in any case, or a role across accounts', async () => {
      expect(await found('in:inbox')).toEqual(named('pending', 'offsite', 'invoice', 'lunch'));
      expect(await found('in:INBOX lunch')).toEqual(named('offsite', 'lunch'));
      expect(await found('in:sent')).toEqual(named('reply'));
      expect(await found('in:work/projects')).toEqual(named('report'));
      expect(await found('in:"Work/Projects" quarterly')).toEqual(named('report'));
      expect(await found('in:nowhere')).toEqual([]);
      expect(await found('in:nowhere lunch')).toEqual([]);
      expect(await found('in:inbox in:sent')).toEqual([]);
      expect(await found('quarterly -in:inbox')).toEqual(named('report'));
      expect(await found('is:read -in:sent')).toEqual(named('offsite', 'report'));
      expect(await found('in:inbox -in:inbox')).toEqual([]);
    });

    it('has:attachment uses the attachment flag', async () => {
      expect(await found('has:attachment')).toEqual(named('report'));
      expect(await found('quarterly has:attachment')).toEqual(named('report'));
      expect(await found('quarterly -has:attachment')).toEqual(named('offsite'));
    });

    it('is:unread, is:read and is:flagged use the flags', async () => {
      expect(await found('is:unread')).toEqual(named('pending', 'invoice', 'lunch'));
      expect(await found('is:read')).toEqual(named('offsite', 'report', 'reply'));
      expect(await found('lunch is:unread')).toEqual(named('lunch'));
      expect(await found('lunch -is:unread')).toEqual(named('offsite', 'reply'));
      expect(await found('is:flagged')).toEqual(named('report'));
      expect(await found('quarterly -is:flagged')).toEqual(named('offsite'));
      expect(await found('is:read is:unread')).toEqual([]);
    });

    it('after: includes its day, before: excludes its day (local time)', async () => {
      expect(await found('after:2024-03-05')).toEqual(named('pending', 'offsite', 'report'));
      expect(await found('before:2024-03-05')).toEqual(named('invoice', 'lunch', 'reply'));
      expect(await found('after:2024-03-01 before:2024-03-02')).toEqual(named('lunch'));
      expect(await found('after:2024-03-01 before:2024-03-02 lunch')).toEqual(named('lunch'));
      expect(await found('after:2024-02-29 lunch')).toEqual(named('offsite', 'lunch'));
      expect(await found('before:2024-03-01 cafe')).toEqual(named('reply'));
      expect(await found('lunch -before:2024-03-02')).toEqual(named('offsite'));
      expect(await found('after:2024-03-02 before:2024-03-02')).toEqual([]);
      expect(await found('after:2030-01-01')).toEqual([]);
      expect(await found('before:1969-01-01 lunch')).toEqual([]);
    });

    it('combines every kind of filter', async () => {
      const q =
        'quarterly from:carol to:dave subject:report in:work/projects has:attachment is:read is:flagged after:2024-03-05 before:2024-03-06';
      expect(await found(q)).toEqual(named('report'));
      // Each filter, turned around, must lose the message.
      for (const [from, to] of [
        ['from:carol', 'from:dave'],
        ['to:dave', 'to:alice'],
        ['subject:report', 'subject:offsite'],
        ['in:work/projects', 'in:inbox'],
        ['has:attachment', '-has:attachment'],
        ['is:read', 'is:unread'],
        ['is:flagged', '-is:flagged'],
        ['after:2024-03-05', 'after:2024-03-06'],
        ['before:2024-03-06', 'before:2024-03-05'],
        ['quarterly', 'noon'],
      ] as const) {
        expect(await found(q.replace(from, to)), to).toEqual([]);
      }
      expect(await found('in:inbox is:read -offsite')).toEqual([]);
      expect(await found('in:inbox is:unread -invoice')).toEqual(named('pending', 'lunch'));
    });

    it('reports syntax errors with their position', async () => {
      await expectSyntaxError('lunch "near the', 6);
      await expectSyntaxError('lunch from:', 6);
      await expectSyntaxError('before:2024-13-45', 7);
      await expectSyntaxError('lunch - x', 6);
      await expectSyntaxError('-lunch -in:inbox', 0);
      await expectSyntaxError('lunch foo:bar', 6);
      await expectSyntaxError('(lunch OR station', 0);
      await expectSyntaxError('lunch) x', 5);
      await expectSyntaxError('x ()', 2);
      await expectSyntaxError('OR lunch', 0);
      await expectSyntaxError('lunch OR', 6);
      await expectSyntaxError('lunch larger:5Q', 13);
      await expectSyntaxError('has:video', 4);
    });

    it('rejects a bad limit or paging id', async () => {
      await expect(store.search.search('lunch', { limit: 0 })).rejects.toThrow(MaildockError);
      await expect(store.search.search('lunch', { limit: 1.5 })).rejects.toThrow(MaildockError);
      await expect(store.search.search('lunch', { limit: 5, before: -1 })).rejects.toThrow(
        MaildockError,
      );
    });
  });

  describe('snippets', () => {
    it('highlights point at the matched words in the returned snippet', async () => {
      const [hit] = (await store.search.search('station', { limit: 5 })).hits;
      expect(hit?.id).toBe(ids.lunch);
      expect(hit?.snippet).toContain('station');
      const marked = hit?.highlights.map(([s, e]) => hit.snippet.slice(s, e));
      expect(marked).toEqual(['station']);
    });

    it('highlights the original spelling when diacritics were ignored', async () => {
      const hits = (await store.search.search('cafe', { limit: 5 })).hits;
      const words = hits.map((h) => h.highlights.map(([s, e]) => h.snippet.slice(s, e)));
      expect(words).toEqual([['café'], ['Cafe']]);
    });

    it('highlights every matched word and whole phrases', async () => {
      const [hit] = (await store.search.search('"quarterly report" numbers', { limit: 5 })).hits;
      expect(hit?.id).toBe(ids.report);
      const words = hit?.highlights.map(([s, e]) => hit.snippet.slice(s, e).toLowerCase());
      expect(words).toEqual(['quarterly report', 'numbers']);
      for (const [s, e] of hit?.highlights ?? []) expect(s).toBeLessThan(e);
    });

    it('prefers the body, and shows the subject when only the subject matched', async () => {
      const [hit] = (await store.search.search('parcel', { limit: 5 })).hits;
      expect(hit?.snippet).toBe('Parcel notice');
      expect(hit?.highlights).toEqual([[0, 6]]);
    });

    it('uses the stored snippet without highlights when only filters matched', async () => {
      const [hit] = (await store.search.search('from:carol', { limit: 5 })).hits;
      expect(hit).toEqual({
        id: ids.report,
        snippet: 'The quarterly report is attached. Numbers look good.',
        highlights: [],
      });
      const [byFolder] = (await store.search.search('in:sent', { limit: 5 })).hits;
      expect(byFolder).toEqual({
        id: ids.reply,
        snippet: 'Cafe sounds great. See you at noon.',
        highlights: [],
      });
    });
  });

  describe('order and paging', () => {
    async function addMany(
      n: number,
      mailboxId: number,
      body: (i: number) => string,
    ): Promise<number[]> {
      const base = new Date(2023, 0, 1).getTime();
      const out: number[] = [];
      // Several messages share a millisecond, so ids differ only in their low bits.
      for (let i = 0; i < n; i++) {
        out.push(
          await add(firstAccount, mailboxId, {
            subject: `Newsletter ${i}`,
            from: eve,
            to: [bob],
            date: new Date(base + Math.floor(i / 3) * 60_000),
            body: body(i),
            flags: i % 2 ? ['\\Seen'] : [],
          }),
        );
      }
      return out;
    }

    async function pages(query: string, limit: number): Promise<{ ids: number[]; pages: number }> {
      const all: number[] = [];
      let before: number | undefined;
      let count = 0;
      for (;;) {
        const page: SearchPage = await store.search.search(
          query,
          before === undefined ? { limit } : { limit, before },
        );
        count++;
        all.push(...page.hits.map((h) => h.id));
        if (page.nextBefore === null) break;
        expect(page.hits).toHaveLength(limit);
        expect(page.nextBefore).toBe(page.hits.at(-1)?.id);
        before = page.nextBefore;
      }
      return { ids: all, pages: count };
    }

    it('returns newest first and pages without gaps or duplicates', async () => {
      const added = await addMany(
        47,
        mailbox.inbox,
        (i) => `weekly digest number ${i} ${i % 5 === 0 ? 'special' : ''}`,
      );
      const inInbox = [...added, ids.pending, ids.offsite, ids.invoice, ids.lunch].sort(
        (a, b) => b - a,
      );
      for (const [query, expected] of [
        ['digest', [...added].sort((a, b) => b - a)],
        ['special weekly', added.filter((_, i) => i % 5 === 0).sort((a, b) => b - a)],
        ['in:inbox', inInbox],
        [
          'in:inbox -special',
          inInbox.filter((id) => !added.filter((_, i) => i % 5 === 0).includes(id)),
        ],
        ['newsletter is:unread', added.filter((_, i) => i % 2 === 0).sort((a, b) => b - a)],
      ] as const) {
        const all = await found(query, 1000);
        expect(all, query).toEqual(expected);
        for (const limit of [1, 7, 10]) {
          const paged = await pages(query, limit);
          expect(paged.ids, `${query} by ${limit}`).toEqual(all);
          expect(new Set(paged.ids).size).toBe(paged.ids.length);
        }
      }
    });

    it('pages strictly before the given id', async () => {
      const all = await found('lunch');
      const next = (
        await store.search.search('lunch', { limit: 10, before: all[0] as number })
      ).hits.map((h) => h.id);
      expect(next).toEqual(all.slice(1));
      expect((await store.search.search('lunch', { limit: 1 })).nextBefore).toBe(all[0]);
      expect((await store.search.search('lunch', { limit: 3 })).nextBefore).toBe(all[2]);
      expect((await store.search.search('lunch', { limit: 4 })).nextBefore).toBeNull();
    });

    it('orders by message date even when messages arrived out of order', async () => {
      const late = await add(firstAccount, mailbox.inbox, {
        subject: 'Old lunch',
        from: eve,
        to: [bob],
        date: new Date(2020, 0, 1),
        body: 'x',
      });
      expect((await found('lunch')).at(-1)).toBe(late);
      expect((await found('lunch')).slice(0, 3)).toEqual(named('offsite', 'lunch', 'reply'));
    });
  });
});
