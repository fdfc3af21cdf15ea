// Which messages are selected in the list: click for one, Ctrl/⌘-click to add or remove
// one, Shift-click for the range from the anchor; j/k move one step. Kept by message id,
// so a list that grows or refreshes keeps the selection.
export interface Selection {
  ids: ReadonlySet<number>;
  /** Where a Shift range starts. */
  anchor: number | null;
  /** The row the keyboard is on; the reader shows it when it is the only one selected. */
  cursor: number | null;
}

export const emptySelection: Selection = { ids: new Set(), anchor: null, cursor: null };

export type ClickMode = 'single' | 'toggle' | 'range';

export function clickMode(e: { shiftKey: boolean; ctrlKey: boolean; metaKey: boolean }) {
  if (e.shiftKey) return 'range';
  return e.ctrlKey || e.metaKey ? 'toggle' : 'single';
}

export function select(
  sel: Selection,
  id: number,
  mode: ClickMode,
  order: readonly number[],
): Selection {
  if (mode === 'toggle') {
    const ids = new Set(sel.ids);
    if (ids.has(id)) ids.delete(id);
    else ids.add(id);
    return { ids, anchor: id, cursor: id };
  }
  if (mode === 'range' && sel.anchor !== null) {
    const a = order.indexOf(sel.anchor);
    const b = order.indexOf(id);
    if (a >= 0 && b >= 0) {
      const [from, to] = a < b ? [a, b] : [b, a];
      return { ids: new Set(order.slice(from, to + 1)), anchor: sel.anchor, cursor: id };
    }
  }
  return { ids: new Set([id]), anchor: id, cursor: id };
}

/** One step down (+1) or up (-1) from the cursor; the first row when there is none. */
export function step(sel: Selection, delta: 1 | -1, order: readonly number[]): Selection {
  if (order.length === 0) return sel;
  const at = sel.cursor === null ? -1 : order.indexOf(sel.cursor);
  const next = at < 0 ? 0 : Math.min(order.length - 1, Math.max(0, at + delta));
  return select(sel, order[next]!, 'single', order);
}

/** The one message the reader shows: the only one selected, else none. */
export function single(sel: Selection): number | null {
  if (sel.ids.size !== 1) return null;
  return sel.ids.values().next().value ?? null;
}

/** Ctrl/⌘+A: every message of the list; the cursor stays where it was, or goes to the first. */
export function selectAll(sel: Selection, order: readonly number[]): Selection {
  if (order.length === 0) return sel;
  const cursor = sel.cursor !== null && order.includes(sel.cursor) ? sel.cursor : order[0]!;
  return { ids: new Set(order), anchor: sel.anchor ?? cursor, cursor };
}

/**
 * The message to go to once `gone` leave the list (archived, deleted): the first one below
 * the last of them that stays, else the nearest one above the first of them; null when none stays.
 */
export function nextAfter(order: readonly number[], gone: ReadonlySet<number>): number | null {
  let first = -1;
  let last = -1;
  order.forEach((id, i) => {
    if (!gone.has(id)) return;
    if (first < 0) first = i;
    last = i;
  });
  if (first < 0) return null;
  for (let i = last + 1; i < order.length; i++) if (!gone.has(order[i]!)) return order[i]!;
  for (let i = first - 1; i >= 0; i--) if (!gone.has(order[i]!)) return order[i]!;
  return null;
}
