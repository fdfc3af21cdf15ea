// The message list, virtualized: only the rows in view (plus a few) exist in the DOM, all
// of one fixed height, so 100,000 messages scroll like 100. Pages load as the end nears.
import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useMemo, useRef } from 'react';
import type { ListItem } from '../state/pager.js';
import type { ClickMode, Selection } from '../state/selection.js';
import { MessageRow, ROW_HEIGHT } from './MessageRow.js';

/** Start loading the next page this many rows before the end. */
const PREFETCH_ROWS = 50;

export function MessageList(props: {
  items: ListItem[];
  loading: boolean;
  done: boolean;
  selection: Selection;
  label: string;
  onPick(id: number, mode: ClickMode): void;
  onOpen(id: number): void;
  loadMore(): void;
}) {
  const { items, selection } = props;
  const scroller = useRef<HTMLDivElement>(null);
  const virtual = useVirtualizer({
    count: items.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 8,
  });
  const rows = virtual.getVirtualItems();
  const lastIndex = rows.at(-1)?.index ?? -1;

  const { done, loading, loadMore } = props;
  useEffect(() => {
    if (!done && !loading && lastIndex >= items.length - PREFETCH_ROWS) loadMore();
  }, [lastIndex, items.length, done, loading, loadMore]);

  const indexOf = useMemo(() => new Map(items.map((it, i) => [it.message.id, i])), [items]);
  const cursorIndex = selection.cursor === null ? -1 : (indexOf.get(selection.cursor) ?? -1);
  useEffect(() => {
    if (cursorIndex >= 0) virtual.scrollToIndex(cursorIndex, { align: 'auto' });
  }, [cursorIndex, virtual]);

  return (
    <div
      ref={scroller}
      className="list-scroll"
      role="listbox"
      aria-label={props.label}
      aria-multiselectable="true"
      aria-activedescendant={selection.cursor !== null ? `message-${selection.cursor}` : undefined}
      tabIndex={0}
    >
      <div className="list-inner" style={{ height: `${virtual.getTotalSize()}px` }}>
        {rows.map((row) => {
          const item = items[row.index]!;
          const id = item.message.id;
          return (
            <MessageRow
              key={id}
              item={item}
              top={row.start}
              selected={selection.ids.has(id)}
              cursor={selection.cursor === id}
              onPick={props.onPick}
              onOpen={props.onOpen}
            />
          );
        })}
      </div>
      {loading ? <div className="list-more">Loading…</div> : null}
    </div>
  );
}
