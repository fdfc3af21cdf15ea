// The message list, virtualized: only the rows in view (plus a few) exist in the DOM, all
// of one fixed height, so 100,000 messages scroll like 100. The scrollbar stands for the
// whole list; rows not fetched yet show as placeholders until their page lands. Each row
// says its place in the whole list (aria-posinset/setsize), and the listbox names the
// cursor's row (aria-activedescendant), which is kept in view and so always rendered.
import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useMemo, useRef } from 'react';
import type { ListItem } from '../state/pager.js';
import type { ClickMode, Selection } from '../state/selection.js';
import { rowHeight, type Density } from '../state/layout.js';
import { FIRST_SCREEN_ROWS, useServerFirstScreen } from '../first-screen/context.js';
import { MessageRow, PlaceholderRow, type RowMenuOpen } from './MessageRow.js';

export function MessageList(props: {
  count: number;
  itemAt(index: number): ListItem | undefined;
  items: ListItem[];
  loading: boolean;
  selection: Selection;
  label: string;
  onPick(id: number, mode: ClickMode): void;
  onOpen(id: number): void;
  onMenu?: RowMenuOpen;
  onDragRow?(id: number): void;
  onDragEnd?(): void;
  density: Density;
  want(start: number, end: number): void;
}) {
  const { count, itemAt, items, selection } = props;
  const scroller = useRef<HTMLDivElement>(null);
  const height = rowHeight(props.density);
  const virtual = useVirtualizer({
    count,
    getScrollElement: () => scroller.current,
    estimateSize: () => height,
    overscan: 8,
  });
  // Rows of another height: every offset changes.
  useEffect(() => virtual.measure(), [height, virtual]);
  const rows = virtual.getVirtualItems();
  const firstIndex = rows[0]?.index ?? 0;
  const lastIndex = rows.at(-1)?.index ?? -1;

  const { want } = props;
  useEffect(() => {
    if (lastIndex >= 0) want(firstIndex, lastIndex + 1);
  }, [firstIndex, lastIndex, want]);

  // The cursor's row is kept in view; its index is found among the rows on hand.
  const indexOf = useMemo(() => {
    const m = new Map<number, number>();
    for (let i = 0, n = 0; i < count && n < items.length; i++) {
      const it = itemAt(i);
      if (it) {
        m.set(it.message.id, i);
        n++;
      }
    }
    return m;
  }, [count, items, itemAt]);
  const cursorIndex = selection.cursor === null ? -1 : (indexOf.get(selection.cursor) ?? -1);
  useEffect(() => {
    if (cursorIndex >= 0) virtual.scrollToIndex(cursorIndex, { align: 'auto' });
  }, [cursorIndex, virtual]);

  // The server's first screen: no window to measure, so the first rows in plain flow.
  const serverRows = useServerFirstScreen()
    ? Array.from({ length: Math.min(count, FIRST_SCREEN_ROWS[props.density]) }, (_, i) =>
        itemAt(i),
      ).filter((it) => it !== undefined)
    : null;

  const openCursorMenu = () => {
    const id = selection.cursor;
    if (id === null || cursorIndex < 0 || !props.onMenu) return;
    const box = document.getElementById(`message-${id}`)?.getBoundingClientRect();
    props.onMenu(id, box ? { x: box.left + 24, y: box.bottom } : { x: 0, y: 0 });
  };

  return (
    <div
      ref={scroller}
      className={[
        'list-scroll',
        props.density === 'compact' && 'list-compact',
        serverRows && 'list-static',
      ]
        .filter(Boolean)
        .join(' ')}
      role="listbox"
      aria-label={props.label}
      aria-multiselectable="true"
      aria-busy={props.loading}
      aria-activedescendant={cursorIndex >= 0 ? `message-${selection.cursor}` : undefined}
      tabIndex={0}
      onKeyDown={(e) => {
        // The menu key and Shift+F10 open the cursor's menu, under its row.
        if (e.key !== 'ContextMenu' && !(e.shiftKey && e.key === 'F10')) return;
        e.preventDefault();
        openCursorMenu();
      }}
      onContextMenu={(e) => {
        // Rows handle their own right click; this is the keyboard's, on the listbox itself.
        if (e.target !== e.currentTarget) return;
        e.preventDefault();
        openCursorMenu();
      }}
    >
      {serverRows ? (
        <div className="list-inner">
          {serverRows.map((item, i) => (
            <MessageRow
              key={item.message.id}
              item={item}
              position={i + 1}
              setSize={count}
              selected={false}
              cursor={false}
              onPick={props.onPick}
              onOpen={props.onOpen}
            />
          ))}
        </div>
      ) : (
        <div className="list-inner" style={{ height: `${virtual.getTotalSize()}px` }}>
          {rows.map((row) => {
            const item = itemAt(row.index);
            if (!item) return <PlaceholderRow key={`p${row.index}`} top={row.start} />;
            const id = item.message.id;
            return (
              <MessageRow
                key={id}
                item={item}
                top={row.start}
                position={row.index + 1}
                setSize={count}
                selected={selection.ids.has(id)}
                cursor={selection.cursor === id}
                onPick={props.onPick}
                onOpen={props.onOpen}
                onMenu={props.onMenu}
                onDragRow={props.onDragRow}
                onDragEnd={props.onDragEnd}
              />
            );
          })}
        </div>
      )}
    </div>
  );
}
