// The list's logic: pages merged newest first for the unified Inbox, and selection with
// click, Ctrl-click, Shift-click and j/k.
import { describe, expect, it } from 'vitest';
import type { MessageSummary } from '../../common/types.js';
import { mergedPager, type FetchPage } from '../../renderer/src/state/pager.js';
import { emptySelection, select, single, step } from '../../renderer/src/state/selection.js';

const msg = (id: number) => ({ message: { id } as MessageSummary });

/** A mailbox as message.list serves it: ids newest first, `before` as the cursor. */
function mailbox(ids: number[], log: string[], name: string): FetchPage {
  const sorted = [...ids].sort((a, b) => b - a);
  return async (before, limit) => {
    log.push(`${name}:${before ?? '-'}`);
    const page = sorted.filter((id) => before === undefined || id < before).slice(0, limit);
    return { items: page.map(msg), nextBefore: page.length === limit ? page.at(-1)! : null };
  };
}

describe('the unified Inbox', () => {
  it('merges several inboxes newest first, page by page, without losing or repeating one', async () => {
    const a = [1, 4, 5, 9, 12, 13, 20];
    const b = [2, 3, 6, 7, 8, 30];
    const c: number[] = [];
    const log: string[] = [];
    const pager = mergedPager([mailbox(a, log, 'a'), mailbox(b, log, 'b'), mailbox(c, log, 'c')]);
    const seen: number[] = [];
    for (let i = 0; i < 10 && !pager.done; i++) {
      seen.push(...(await pager.next(3)).map((x) => x.message.id));
    }
    expect(seen).toEqual([...a, ...b].sort((x, y) => y - x));
    expect(pager.done).toBe(true);
    // Each source was asked for its next page only when its buffer ran out.
    expect(log.filter((l) => l.startsWith('c'))).toEqual(['c:-']);
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
