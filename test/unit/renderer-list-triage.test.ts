// The message list's triage logic: the keys Delete, Backspace, o, Shift+J and Ctrl/⌘+A;
// junk or not junk; which message comes next once some leave the list; select all; the row
// menu's items; the density's rows.
import { describe, expect, it } from 'vitest';
import { UI_ACTIONS, type MessageSummary } from '../../common/types.js';
import { marksJunk } from '../../renderer/src/state/actions.js';
import { densityOf, rowHeight } from '../../renderer/src/state/layout.js';
import { rowMenuKeys } from '../../renderer/src/state/row-menu.js';
import { emptySelection, nextAfter, selectAll } from '../../renderer/src/state/selection.js';
import { handleKey, LIST_KEY_ACTIONS, type KeyActions } from '../../renderer/src/state/use-keys.js';

function press(init: Partial<KeyboardEvent> & { key: string }, target?: unknown) {
  const log: string[] = [];
  const actions = Object.fromEntries(
    [...UI_ACTIONS, ...LIST_KEY_ACTIONS].map((n) => [n, () => log.push(n)]),
  ) as KeyActions;
  const e = {
    ctrlKey: false,
    metaKey: false,
    altKey: false,
    shiftKey: false,
    target: target ?? null,
    ...init,
  } as KeyboardEvent;
  return { handled: handleKey(e, actions), log };
}

/** A stand-in element: `closest` answers for the selectors it is inside. */
const el = (inside: string[], tagName = 'DIV') => ({
  tagName,
  closest: (sel: string) => (sel.split(', ').some((s) => inside.includes(s)) ? {} : null),
});

describe('the triage keys', () => {
  it('deletes with Delete, leaves Backspace to the app, opens with o', () => {
    expect(press({ key: 'Delete' }).log).toEqual(['delete']);
    expect(press({ key: 'Backspace' }).log).toEqual(['erase']);
    expect(press({ key: 'o' }).log).toEqual(['open']);
    expect(press({ key: 'Enter' }).log).toEqual(['open']);
  });

  it('selects all with Ctrl/⌘+A in the list or on the page, never in a field or the reader', () => {
    expect(press({ key: 'a', ctrlKey: true }, el(['.list-pane'])).log).toEqual(['selectAll']);
    expect(press({ key: 'a', metaKey: true }, el([], 'BODY')).log).toEqual(['selectAll']);
    expect(press({ key: 'a', ctrlKey: true }, el(['.reader']))).toEqual({
      handled: false,
      log: [],
    });
    expect(press({ key: 'a', ctrlKey: true }, el(['input', '.list-pane']))).toEqual({
      handled: false,
      log: [],
    });
    expect(press({ key: 'Delete' }, el(['input']))).toEqual({ handled: false, log: [] });
  });
});

describe('junk', () => {
  it('is Shift+J: not j, not Caps Lock’s J without Shift, not with Ctrl, not in a field', () => {
    expect(press({ key: 'J', shiftKey: true }).log).toEqual(['junk']);
    expect(press({ key: 'j' }).log).toEqual(['next']);
    expect(press({ key: 'J' })).toEqual({ handled: false, log: [] });
    expect(press({ key: 'J', shiftKey: true, ctrlKey: true })).toEqual({ handled: false, log: [] });
    expect(press({ key: 'J', shiftKey: true }, el(['textarea']))).toEqual({
      handled: false,
      log: [],
    });
  });

  it('is not junk when every message is in a Junk folder already, else junk', () => {
    const junkFolders = new Set([9, 19]);
    expect(marksJunk([{ mailboxId: 1 }], junkFolders)).toBe(true);
    expect(marksJunk([{ mailboxId: 9 }, { mailboxId: 19 }], junkFolders)).toBe(false);
    // A mixed selection (a search over every folder) ends all in Junk.
    expect(marksJunk([{ mailboxId: 9 }, { mailboxId: 1 }], junkFolders)).toBe(true);
    expect(marksJunk([{ mailboxId: 1 }], new Set())).toBe(true);
  });
});

describe('the message after an archive or delete', () => {
  const order = [1, 2, 3, 4, 5];
  it('is the one below the last that left, else the one above the first', () => {
    expect(nextAfter(order, new Set([2]))).toBe(3);
    expect(nextAfter(order, new Set([2, 4]))).toBe(5);
    expect(nextAfter(order, new Set([5]))).toBe(4);
    expect(nextAfter(order, new Set([3, 4, 5]))).toBe(2);
    expect(nextAfter(order, new Set(order))).toBeNull();
    expect(nextAfter(order, new Set([9]))).toBeNull();
  });
});

describe('select all', () => {
  it('selects every row and keeps the cursor, or puts it on the first', () => {
    const all = selectAll(emptySelection, [7, 8, 9]);
    expect([...all.ids]).toEqual([7, 8, 9]);
    expect(all.cursor).toBe(7);
    const kept = selectAll({ ids: new Set([8]), anchor: 8, cursor: 8 }, [7, 8, 9]);
    expect(kept.cursor).toBe(8);
    expect(selectAll(emptySelection, [])).toBe(emptySelection);
  });
});

const msg = (id: number, flags: string[]) => ({ id, flags }) as unknown as MessageSummary;

describe('the row menu', () => {
  it('offers open, reply and forward for one message, and the toggles as they would go', () => {
    expect(rowMenuKeys([msg(1, [])])).toEqual([
      'open',
      'reply',
      'forward',
      'markRead',
      'flag',
      'archive',
      'move',
      'export',
      'delete',
    ]);
    expect(rowMenuKeys([msg(1, ['\\Seen', '\\Flagged']), msg(2, ['\\Seen', '\\Flagged'])])).toEqual(
      ['markUnread', 'unflag', 'archive', 'move', 'export', 'delete'],
    );
    expect(rowMenuKeys([])).toEqual([]);
  });
});

describe('the density', () => {
  it('is three lines unless compact was chosen, with the rows’ heights to match', () => {
    expect(densityOf(null)).toBe('comfortable');
    expect(densityOf('bogus')).toBe('comfortable');
    expect(densityOf('compact')).toBe('compact');
    expect(rowHeight('comfortable')).toBe(76);
    expect(rowHeight('compact')).toBeLessThan(40);
  });
});
