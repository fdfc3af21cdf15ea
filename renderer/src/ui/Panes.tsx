// The three panes (folders, list, reader) laid out for the width there is (state/layout.ts):
// side by side when wide, the folders in a drawer when not, and one pane at a time when
// narrow, with a Back button over the reader. The folder and list panes are resizable by
// dragging or with the arrow keys on their dividers, never so far that the reader gets less
// than its minimum; widths are remembered. Widths travel as CSS custom properties set
// through the CSSOM, which the page's CSP allows (style attributes it does not).
import { useRef, useState, type CSSProperties, type ReactNode } from 'react';
import { FOLDERS_MIN, LIST_MIN, paneMax, type PaneLayout } from '../state/layout.js';
import { useTranslation } from '../i18n/index.js';
import { Drawer } from './Drawer.js';
import { safeGet, safeSet } from './theme.js';

interface Widths {
  folders: number;
  list: number;
}
type Pane = keyof Widths;

export const PANES_KEY = 'maildock.panes';
const DEFAULTS: Widths = { folders: 220, list: 420 };
const LIMITS: Record<Pane, [number, number]> = {
  folders: [FOLDERS_MIN, 480],
  list: [LIST_MIN, 1000],
};

const clamp = (pane: Pane, v: number) => Math.min(LIMITS[pane][1], Math.max(LIMITS[pane][0], v));

function load(): Widths {
  try {
    const v = JSON.parse(safeGet(PANES_KEY) ?? 'null') as Partial<Widths> | null;
    return {
      folders: clamp('folders', Number(v?.folders) || DEFAULTS.folders),
      list: clamp('list', Number(v?.list) || DEFAULTS.list),
    };
  } catch {
    return DEFAULTS;
  }
}

export function Panes(props: {
  layout: PaneLayout;
  /** The width the panes have, which bounds how far a divider goes. */
  width: number;
  /** Narrow only: the reader has the list's place. */
  reading: boolean;
  /** Narrow only: what the Back button over the reader goes back to. */
  backLabel: string;
  onBack(): void;
  drawerOpen: boolean;
  onDrawerClose(): void;
  folders: ReactNode;
  list: ReactNode;
  reader: ReactNode;
}) {
  const { t } = useTranslation();
  const [widths, setWidths] = useState(load);
  const drag = useRef<{ pane: Pane; x: number; start: number } | null>(null);
  const { layout } = props;
  const inline = layout === 'wide';

  const set = (pane: Pane, v: number) =>
    setWidths((w) => {
      const others = pane === 'list' ? (inline ? w.folders + 5 : 0) : w.list + 5;
      const max = paneMax(props.width, others, LIMITS[pane][1]);
      const next = { ...w, [pane]: Math.max(LIMITS[pane][0], Math.min(max, v)) };
      safeSet(PANES_KEY, JSON.stringify(next));
      return next;
    });

  const divider = (pane: Pane, label: string) => (
    <div
      className={`divider divider-${pane}`}
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
  const reading = layout === 'narrow' && props.reading;
  return (
    <div className={`panes panes-${layout}${reading ? ' panes-reading' : ''}`} style={style}>
      {inline ? (
        <>
          <nav className="pane pane-folders" aria-label={t('panes.folders')}>
            {props.folders}
          </nav>
          {divider('folders', t('panes.resizeFolders'))}
        </>
      ) : props.drawerOpen ? (
        <Drawer label={t('panes.folders')} onClose={props.onDrawerClose}>
          <nav className="pane-folders" aria-label={t('panes.folders')}>
            {props.folders}
          </nav>
        </Drawer>
      ) : null}
      {/* Covered rather than removed while the reader has its place, so the list keeps
          where it was scrolled to. */}
      <section
        className={`pane pane-list${reading ? ' pane-covered' : ''}`}
        aria-label={t('panes.messages')}
      >
        {props.list}
      </section>
      {layout === 'narrow' ? null : divider('list', t('panes.resizeList'))}
      <section
        className="pane pane-reader"
        aria-label={t('panes.reader')}
        hidden={layout === 'narrow' && !reading}
      >
        {reading ? (
          <div className="reader-nav">
            <button type="button" className="back-button" onClick={props.onBack}>
              <span aria-hidden="true">←</span> {props.backLabel}
            </button>
          </div>
        ) : null}
        {props.reader}
      </section>
    </div>
  );
}
