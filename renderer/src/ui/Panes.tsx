// The three panes (folders, list, reader), the first two resizable by dragging or with the
// arrow keys on their dividers; widths are remembered. Widths travel as CSS custom
// properties set through the CSSOM, which the page's CSP allows (style attributes it does not).
import { useRef, useState, type CSSProperties, type ReactNode } from 'react';
import { safeGet, safeSet } from './theme.js';

interface Widths {
  folders: number;
  list: number;
}
type Pane = keyof Widths;

const KEY = 'maildock.panes';
const DEFAULTS: Widths = { folders: 220, list: 420 };
const LIMITS: Record<Pane, [number, number]> = { folders: [140, 480], list: [260, 1000] };

const clamp = (pane: Pane, v: number) => Math.min(LIMITS[pane][1], Math.max(LIMITS[pane][0], v));

function load(): Widths {
  try {
    const v = JSON.parse(safeGet(KEY) ?? 'null') as Partial<Widths> | null;
    return {
      folders: clamp('folders', Number(v?.folders) || DEFAULTS.folders),
      list: clamp('list', Number(v?.list) || DEFAULTS.list),
    };
  } catch {
    return DEFAULTS;
  }
}

export function Panes(props: { folders: ReactNode; list: ReactNode; reader: ReactNode }) {
  const [widths, setWidths] = useState(load);
  const drag = useRef<{ pane: Pane; x: number; start: number } | null>(null);

  const set = (pane: Pane, v: number) =>
    setWidths((w) => {
      const next = { ...w, [pane]: clamp(pane, v) };
      safeSet(KEY, JSON.stringify(next));
      return next;
    });

  const divider = (pane: Pane, label: string) => (
    <div
      className="divider"
      role="separator"
      aria-orientation="vertical"
      aria-label={label}
      aria-valuenow={widths[pane]}
      tabIndex={0}
      onPointerDown={(e) => {
        e.currentTarget.setPointerCapture(e.pointerId);
        drag.current = { pane, x: e.clientX, start: widths[pane] };
      }}
      onPointerMove={(e) => {
        const d = drag.current;
        if (d?.pane === pane) set(pane, d.start + e.clientX - d.x);
      }}
      onPointerUp={() => (drag.current = null)}
      onKeyDown={(e) => {
        if (e.key === 'ArrowLeft') set(pane, widths[pane] - 16);
        else if (e.key === 'ArrowRight') set(pane, widths[pane] + 16);
      }}
    />
  );

  const style = {
    '--pane-folders': `${widths.folders}px`,
    '--pane-list': `${widths.list}px`,
  } as CSSProperties;
  return (
    <div className="panes" style={style}>
      <nav className="pane pane-folders" aria-label="Folders">
        {props.folders}
      </nav>
      {divider('folders', 'Resize the folder pane')}
      <section className="pane pane-list" aria-label="Messages">
        {props.list}
      </section>
      {divider('list', 'Resize the message list')}
      <section className="pane pane-reader" aria-label="Reader">
        {props.reader}
      </section>
    </div>
  );
}
