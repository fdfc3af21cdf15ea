// The search language on every engine, as people type it (issue 26): every query of the
// table (support/search-cases.ts) with the messages it must find and their exact count,
// prefixes highlighted whole, Bcc from the outbox, attachments once a body is stored, and
// counts that stop at their limit and agree with the folder's.
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SEARCH_COUNT_LIMIT } from '../../main/core/store/search-common.js';
import { closeEngineStores, stopEngines, storeEngines } from '../support/engines.js';
import { headerRecord } from '../support/headers.js';
import { SEARCH_CASES } from '../support/search-cases.js';
import {
  ATTACHMENTS,
  add,
  bob,
  dave,
  eve,
  fill,
  firstAccount,
  found,
  ids,
  mailbox,
  named,
  store,
} from '../support/search-fixture.js';

afterAll(stopEngines);

afterEach(async () => {
  await closeEngineStores();
});

describe.each(storeEngines)('the search language on %s', (_engine, open) => {
  beforeEach(async () => {
    await fill(await open());
  });

  it.each(SEARCH_CASES)('%j finds its messages, and counts them', async (query, names) => {
    const page = await store.search.search(query, { limit: 50, count: true });
    expect(
      page.hits.map((h) => h.id),
      query,
    ).toEqual(named(...names));
    expect(page.total, query).toEqual({ count: names.length, more: false });
  });

  it('highlights the whole word a prefix matched', async () => {
    const [hit] = (await store.search.search('stati', { limit: 5 })).hits;
    expect(hit?.id).toBe(ids.lunch);
    expect(hit?.highlights.map(([s, e]) => hit.snippet.slice(s, e))).toEqual(['station']);
    const hits = (await store.search.search('caf', { limit: 5 })).hits;
    expect(hits.map((h) => h.highlights.map(([s, e]) => h.snippet.slice(s, e)))).toEqual([
      ['café'],
      ['Cafe'],
    ]);
  });

  it('highlights the words of every side of an OR', async () => {
    const hits = (await store.search.search('station OR numbers', { limit: 5 })).hits;
    expect(hits.map((h) => h.highlights.map(([s, e]) => h.snippet.slice(s, e)))).toEqual([
      ['Numbers'],
      ['station'],
    ]);
  });

  it('knows the Bcc of mail sent from here from its outbox', async () => {
    const messageId = '<sent-from-here@example.org>';
    await store.outbox.add({
      accountId: firstAccount,
      messageId,
      from: bob.address,
      recipients: [dave.address, 'Secret.Keeper@example.com', eve.address],
      subject: 'Plans',
      raw: Buffer.from('Subject: Plans\r\n\r\nx'),
      inReplyTo: null,
      references: [],
      sendAt: Date.now(),
      sentCopy: 0,
    });
    // The copy in Sent names To and Cc only: the rest of the outbox's recipients were Bcc.
    const sent = await add(firstAccount, mailbox.sent, {
      subject: 'Plans',
      from: bob,
      to: [dave],
      cc: [eve],
      date: new Date(2024, 3, 1),
      body: 'See you there.',
      messageId,
    });
    expect(await found('bcc:secret.keeper@example.com')).toEqual([sent]);
    expect(await found('bcc:keeper')).toEqual([sent]);
    expect(await found('bcc:dave')).toEqual([]);
    expect(await found('cc:eve')).toEqual([sent]);
  });

  it('finds attachments once the body is stored', async () => {
    const [id] = await store.messages.insertHeaders(firstAccount, mailbox.inbox, [
      headerRecord(900, { subject: 'Scan', hasAttachments: true }),
    ]);
    expect(await found('has:pdf scan')).toEqual([]);
    await store.bodies.save(id!, {
      text: 'Scanned.',
      html: null,
      snippet: 'Scanned.',
      attachments: [
        { ...ATTACHMENTS[0]!, filename: 'SCAN-0001.PDF', contentType: 'application/octet-stream' },
      ],
      parseError: null,
    });
    expect(await found('has:pdf scan')).toEqual([id]);
    expect(await found('filename:scan-0001')).toEqual([id]);
    expect(await found('filename:0001 -has:pdf')).toEqual([]);
  });

  describe('counts', () => {
    it('counts every match, whatever the page holds and wherever it starts', async () => {
      const first = await store.search.search('lunch', { limit: 1, count: true });
      expect(first.hits).toHaveLength(1);
      expect(first.total).toEqual({ count: 3, more: false });
      const next = await store.search.search('lunch', {
        limit: 1,
        before: first.nextBefore!,
        count: true,
      });
      expect(next.total).toEqual({ count: 3, more: false });
      expect((await store.search.search('lunch', { limit: 1 })).total).toBeNull();
    });

    it("agrees with the folders' own counts, over several folders too", async () => {
      const folders = await store.mailboxes.list();
      const inboxes = folders.filter((f) => f.role === 'inbox');
      const total = (await store.search.search('in:inbox', { limit: 1, count: true })).total;
      expect(total).toEqual({ count: inboxes.reduce((n, f) => n + f.total, 0), more: false });
      const sent = folders.find((f) => f.id === mailbox.sent)!;
      expect((await store.search.search('in:sent', { limit: 1, count: true })).total).toEqual({
        count: sent.total,
        more: false,
      });
    });

    it('counts exactly up to its limit, then says there are more', async () => {
      const n = SEARCH_COUNT_LIMIT + 5;
      const records = Array.from({ length: n }, (_, i) =>
        headerRecord(1000 + i, { subject: `Newsletter ${i}`, flags: i < 5 ? [] : ['\\Seen'] }),
      );
      for (let at = 0; at < n; at += 500)
        await store.messages.insertHeaders(
          firstAccount,
          mailbox.inbox,
          records.slice(at, at + 500),
        );
      const all = await store.search.search('newsletter', { limit: 50, count: true });
      expect(all.hits).toHaveLength(50);
      expect(all.total).toEqual({ count: SEARCH_COUNT_LIMIT, more: true });
      const counted = async (q: string) =>
        (await store.search.search(q, { limit: 50, count: true })).total;
      expect(await counted('newsletter is:unread')).toEqual({ count: 5, more: false });
      // Exactly the limit is not "more".
      expect(await counted('newsletter -is:unread')).toEqual({
        count: SEARCH_COUNT_LIMIT,
        more: false,
      });
      const inbox = (await store.mailboxes.list()).find((f) => f.id === mailbox.inbox)!;
      expect(inbox.total).toBeGreaterThan(SEARCH_COUNT_LIMIT);
      expect((await store.search.search('in:inbox', { limit: 1, count: true })).total).toEqual({
        count: SEARCH_COUNT_LIMIT,
        more: true,
      });
    });
  });
});
