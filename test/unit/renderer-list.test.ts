// The list's logic: a long list held as pages by offset (its length known at once, a page
// anywhere in one request, a refresh that keeps the place), where the selection may go by
// folder, and selection with click, Ctrl-click, Shift-click and j/k.
import { describe, expect, it } from 'vitest';
import type { Mailbox, MessageSummary } from '../../common/types.js';
import { SparseList, type FetchOffset } from '../../renderer/src/state/sparse-list.js';
import { emptySelection, select, single, step } from '../../renderer/src/state/selection.js';
import { dropChoice, moveChoices } from '../../renderer/src/ui/move-choices.js';

const msg = (id: number) => ({ message: { id, flags: [] } as unknown as MessageSummary });
const settle = () => new Promise((r) => setTimeout(r, 0));

/** A folder as message.list serves it by offset: ids newest first, the count on request. */
function folder(ids: number[], log: string[]): FetchOffset {
  return async (offset, limit, count) => {
    log.push(`${offset}${count ? '+count' : ''}`);
    const sorted = [...ids].sort((a, b) => b - a);
    return {
      items: sorted.slice(offset, offset + limit).map(msg),
      total: count ? sorted.length : null,
    };
  };
}

describe('a long list held as pages by offset', () => {
  const ids = Array.from({ length: 100_000 }, (_, i) => i + 1);

  it('knows its length from the first page and fetches a far page in one request', async () => {
    const log: string[] = [];
    const list = new SparseList(folder(ids, log), 200);
    list.want(0, 20);
    // The first page alone while the length is unknown; the next one once it is.
    expect(log).toEqual(['0+count']);
    await settle();
    expect(list.total).toBe(100_000);
    expect(list.itemAt(0)?.message.id).toBe(100_000);
    expect(log).toEqual(['0+count', '200']);
    // The scrollbar dragged to the middle: that page and its neighbours, nothing in between.
    log.length = 0;
    list.want(50_010, 50_030);
    expect(list.itemAt(50_010)).toBeUndefined();
    await settle();
    expect(log).toEqual(['49800', '50000', '50200']);
    expect(list.itemAt(50_010)?.message.id).toBe(100_000 - 50_010);
    expect(list.loaded()).toHaveLength(5 * 200);
    // What is on hand is not asked for again.
    list.want(50_010, 50_030);
    await settle();
    expect(log).toHaveLength(3);
  });

  it('a refresh keeps the rows in view until their fresh copy lands and forgets the rest', async () => {
    const data = ids.slice(0, 1000);
    const log: string[] = [];
    const fetch = folder(data, log);
    let gate: Promise<void> | null = null;
    let open = () => undefined as void;
    const list = new SparseList(async (o, l, c) => {
      if (gate) await gate;
      return fetch(o, l, c);
    }, 100);
    list.want(0, 10);
    await settle();
    list.want(500, 510);
    await settle();
    expect(list.itemAt(505)?.message.id).toBe(1000 - 505);
    // New mail on top while the user is at row 500; the answers wait at the gate.
    data.push(5000);
    gate = new Promise<void>((r) => (open = r));
    log.length = 0;
    list.refresh();
    await settle();
    // Meanwhile the old copy is still shown; pages far from the view are gone.
    expect(list.itemAt(505)?.message.id).toBe(1000 - 505);
    expect(list.itemAt(5)).toBeUndefined();
    expect(log).toEqual([]);
    open();
    await settle();
    await settle();
    expect(log.sort()).toEqual(['400+count', '500', '600']);
    expect(list.total).toBe(1001);
    expect(list.itemAt(505)?.message.id).toBe(1000 - 504);
  });

  it('starts from a first page in hand, and asks only for the pages beside it', async () => {
    const log: string[] = [];
    const list = new SparseList(folder(ids, log), 200);
    list.seed({ items: [msg(100_000), msg(99_999)], total: 100_000 });
    expect(list.total).toBe(100_000);
    expect(list.itemAt(1)?.message.id).toBe(99_999);
    list.want(0, 20);
    await settle();
    expect(log).toEqual(['200']);
    // A refresh counts the list again, as after any first page.
    log.length = 0;
    list.refresh();
    await settle();
    expect(log.sort()).toEqual(['0+count', '200']);
  });

  it('a list that shrank drops the pages past its end', async () => {
    const data = ids.slice(0, 450);
    const list = new SparseList(folder(data, []), 100);
    list.want(400, 450);
    await settle();
    expect(list.itemAt(420)).toBeDefined();
    data.splice(0, 300);
    list.refresh();
    await settle();
    expect(list.total).toBe(150);
    expect(list.itemAt(420)).toBeUndefined();
  });

  it('a failed page is an error to show, and a refresh tries again', async () => {
    let fail = true;
    const ok = folder(ids.slice(0, 10), []);
    const list = new SparseList(async (o, l, c) => {
      if (fail) throw new Error('offline');
      return ok(o, l, c);
    }, 100);
    list.want(0, 10);
    await settle();
    expect(list.error).toBeInstanceOf(Error);
    expect(list.total).toBeNull();
    fail = false;
    list.refresh();
    await settle();
    expect(list.error).toBeNull();
    expect(list.total).toBe(10);
  });
});

describe('moving to a folder', () => {
  const box = (id: number, accountId: number, path: string, local = false): Mailbox => ({
    id,
    accountId,
    path,
    name: path.split('/').at(-1)!,
    delimiter: '/',
    role: path === 'INBOX' ? 'inbox' : null,
    uidValidity: null,
    uidNext: null,
    highestModseq: null,
    total: 0,
    unread: 0,
    local,
  });
  const boxes = [
    box(1, 1, 'INBOX'),
    box(2, 1, 'Projects'),
    box(3, 1, 'Archive'),
    box(4, 2, 'INBOX'),
    box(5, 2, 'Archive'),
  ];

  it("offers one account's other folders by id, and for several accounts the paths they share", () => {
    expect(moveChoices(boxes, [1, 1], new Set([1]))).toEqual([
      { label: 'Archive', target: { mailboxId: 3 } },
      { label: 'Projects', target: { mailboxId: 2 } },
    ]);
    expect(moveChoices(boxes, [1, 2], new Set([1, 4])).map((c) => c.target)).toEqual([
      { path: 'Archive' },
      { path: 'INBOX' },
    ]);
  });

  it('offers local folders after the server folders, named under Local Folders', () => {
    const withLocal = [
      ...boxes,
      box(6, 1, 'Local Folders/Old', true),
      box(7, 1, 'Local Folders/Old/2019', true),
      box(8, 2, 'Local Folders/Old', true),
      // Account 2's server has a folder of that path: not the same as a local folder.
      box(9, 2, 'Local Folders/Old/2019'),
    ];
    expect(moveChoices(withLocal, [1], new Set([1]))).toEqual([
      { label: 'Archive', target: { mailboxId: 3 } },
      { label: 'Projects', target: { mailboxId: 2 } },
      { label: 'Local Folders/Old', target: { mailboxId: 6 } },
      { label: 'Local Folders/Old/2019', target: { mailboxId: 7 } },
    ]);
    expect(moveChoices(withLocal, [1, 2], new Set([1, 4]))).toEqual([
      { label: 'Archive', target: { path: 'Archive' } },
      { label: 'INBOX', target: { path: 'INBOX' } },
      { label: 'Local Folders/Old', target: { path: 'Local Folders/Old' } },
    ]);
    expect(dropChoice(withLocal, [{ accountId: 1, mailboxId: 1 }], withLocal[6]!)).toEqual({
      label: 'Local Folders/Old/2019',
      target: { mailboxId: 7 },
    });
  });
});

describe('selection', () => {
  const order = [50, 40, 30, 20, 10];

  it('selects one on click, adds with Ctrl, takes a range with Shift', () => {
    let s = select(emptySelection, 40, 'single', order);
    expect(single(s)).toBe(40);
    s = select(s, 10, 'toggle', order);
    expect([...s.ids]).toEqual([40, 10]);
    expect(single(s)).toBeNull();
    s = select(s, 40, 'toggle', order);
    expect([...s.ids]).toEqual([10]);
    s = select(select(emptySelection, 40, 'single', order), 20, 'range', order);
    expect([...s.ids].sort()).toEqual([20, 30, 40]);
    // The anchor stays: a second Shift-click measures from it again.
    s = select(s, 50, 'range', order);
    expect([...s.ids].sort()).toEqual([40, 50]);
  });

  it('moves with j/k and stops at the ends', () => {
    let s = step(emptySelection, 1, order);
    expect(single(s)).toBe(50);
    s = step(s, -1, order);
    expect(single(s)).toBe(50);
    for (let i = 0; i < 10; i++) s = step(s, 1, order);
    expect(single(s)).toBe(10);
    expect(step(emptySelection, 1, [])).toBe(emptySelection);
  });
});
