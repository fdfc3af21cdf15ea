// Search on SQLite alone: the marked snippets FTS5 gives turned into text and offsets, the
// external-content index kept in step with what it indexes, and the plans of the hot queries.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FTS_COLUMNS } from '../../main/core/store/sqlite/fts.js';
import { plainSnippet } from '../../main/core/store/sqlite/search.js';
import { besideStore, removeTempStoreFiles, tempStoreFile } from '../support/sqlite-file.js';
import { fill, found, ids, mailbox, named, store } from '../support/search-fixture.js';
import { sqliteStore } from '../support/store.js';

describe('SQLite search', () => {
  beforeEach(async () => {
    // In a file, so a second connection can compare the index with its content.
    await fill(sqliteStore(tempStoreFile('maildock-search-')));
  });
  afterEach(async () => {
    await store.close();
    removeTempStoreFiles();
  });

  it('turns marked text into plain text and offsets', async () => {
    expect(plainSnippet('…a \uFDD0b\uFDD1\n\n c\uFDD0 d\uFDD1…')).toEqual({
      snippet: '…a b c d…',
      highlights: [
        [3, 4],
        [7, 8],
      ],
    });
    expect(plainSnippet('\uFDD1x\uFDD0y')).toEqual({ snippet: 'xy', highlights: [[1, 2]] });
    expect(plainSnippet('  \u0001x\t\u0002 ')).toEqual({ snippet: 'x', highlights: [] });
  });

  describe('the FTS5 index kept in step with bodies', () => {
    // Compares what FTS5 holds against a fresh index of the content view: with external
    // content a wrong delete leaves stale tokens that nothing else would notice.
    function indexMatchesContent(): void {
      besideStore(store, (db) => {
        db.exec(`
        DROP TABLE IF EXISTS temp.fresh_fts;
        CREATE VIRTUAL TABLE temp.fresh_fts USING fts5(${FTS_COLUMNS},
          tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3');
        INSERT INTO temp.fresh_fts (rowid, ${FTS_COLUMNS})
          SELECT id, ${FTS_COLUMNS} FROM message_fts_content;
        CREATE VIRTUAL TABLE IF NOT EXISTS temp.live_vocab USING fts5vocab(main, message_fts, instance);
        CREATE VIRTUAL TABLE IF NOT EXISTS temp.fresh_vocab USING fts5vocab(temp, fresh_fts, instance);`);
        const diff = db
          .prepare(
            `SELECT 'stale' AS side, * FROM (SELECT term, doc, col, offset FROM temp.live_vocab
             EXCEPT SELECT term, doc, col, offset FROM temp.fresh_vocab)
           UNION ALL
           SELECT 'missing', * FROM (SELECT term, doc, col, offset FROM temp.fresh_vocab
             EXCEPT SELECT term, doc, col, offset FROM temp.live_vocab)`,
          )
          .all();
        expect(diff).toEqual([]);
        db.prepare(
          "INSERT INTO message_fts (message_fts, rank) VALUES ('integrity-check', 1)",
        ).run();
      });
    }

    it('finds the new body after saveBody and forgets the old one', async () => {
      indexMatchesContent();
      expect(await found('station')).toEqual(named('lunch'));
      await store.bodies.save(ids.lunch, {
        text: 'Change of plan: the pizzeria instead.',
        html: null,
        snippet: 'Change of plan',
        attachments: [],
        parseError: null,
      });
      expect(await found('station')).toEqual([]);
      expect(await found('café')).toEqual(named('reply'));
      expect(await found('pizzeria')).toEqual(named('lunch'));
      expect(await found('lunch')).toEqual(named('offsite', 'reply', 'lunch'));
      indexMatchesContent();
    });

    it('indexes a body that arrives after its headers', async () => {
      expect(await found('tracking')).toEqual([]);
      await store.bodies.save(ids.pending, {
        text: 'Your tracking code is ZX81.',
        html: null,
        snippet: 'Your tracking code',
        attachments: [],
        parseError: null,
      });
      expect(await found('tracking zx81')).toEqual(named('pending'));
      indexMatchesContent();
    });

    it('forgets deleted messages', async () => {
      await store.messages.deleteUids(mailbox.projects, [3]);
      expect(await found('quarterly')).toEqual(named('offsite'));
      expect(await found('has:attachment')).toEqual([]);
      indexMatchesContent();
    });
  });

  describe('query plans', () => {
    const hot = [
      'report',
      '"quarterly report"',
      'from:carol subject:report',
      'report -offsite',
      'report in:inbox is:unread has:attachment -in:sent',
      'report -in:inbox',
      'after:2024-03-01 before:2024-03-06 report',
      'in:inbox',
      'in:inbox -offsite is:read',
      'is:unread',
      '-in:sent is:flagged',
      'after:2024-03-01',
      'alic',
      'quart* report',
      'from:alice OR from:carol',
      '(lunch OR report) -offsite',
      'cc:dave',
      'bcc:car is:read',
      'list:team',
      'report has:pdf',
      'report filename:q1',
      'report larger:1M',
      'lunch OR is:flagged',
      'in:inbox OR in:sent',
      'is:answered',
    ];

    it.each(hot)('%s needs no sort and no full scan, its count neither', async (query) => {
      const plans = await store.search.explain(query, { limit: 50, before: 2 ** 52, count: true });
      expect(plans.length).toBeGreaterThan(1);
      for (const { sql, plan } of plans) {
        const text = plan.join('\n');
        expect(text, sql).not.toContain('TEMP B-TREE');
        expect(text, sql).not.toMatch(/^SCAN (m|messages)\b/m);
      }
    });

    it('walks FTS5 outside and looks messages up by primary key inside', async () => {
      const [first] = await store.search.explain('report in:inbox is:unread', { limit: 50 });
      expect(first?.plan[0]).toMatch(/^SCAN message_fts VIRTUAL TABLE/);
      expect(first?.plan[1]).toBe('SEARCH m USING INTEGER PRIMARY KEY (rowid=?)');
    });

    it('walks the folder index for folder-only searches, once per folder', async () => {
      const plans = await store.search.explain('in:inbox', { limit: 50 });
      const walks = plans.filter((p) => p.sql.includes('mailbox_id = @mailbox'));
      expect(walks).toHaveLength(2);
      for (const w of walks)
        expect(w.plan[0]).toContain(
          'USING INDEX messages_mailbox (mailbox_id=? AND id>? AND id<?)',
        );
    });
  });
});
