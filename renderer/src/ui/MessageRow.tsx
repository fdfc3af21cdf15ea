// One row of the message list: sender, date, subject, snippet (or the search snippet with
// its matches highlighted), and the unread, flag and attachment marks.
import { memo } from 'react';
import { senders, shortDate } from '../format.js';
import type { ListItem } from '../state/pager.js';
import type { ClickMode } from '../state/selection.js';
import { clickMode } from '../state/selection.js';
import { highlightRuns } from './highlight.js';
import { useTranslation } from '../i18n/index.js';

/** A row's context menu asked for, by the pointer (at its place) or the keyboard (at the row). */
export type RowMenuOpen = (id: number, at: { x: number; y: number }) => void;

export const MessageRow = memo(function MessageRow(props: {
  item: ListItem;
  /** Its offset in the virtual list; none in the server's first screen, where rows flow. */
  top?: number | undefined;
  /** Its place in the whole list, from 1, and the whole list's length. */
  position: number;
  setSize: number;
  selected: boolean;
  cursor: boolean;
  onPick(id: number, mode: ClickMode): void;
  onOpen(id: number): void;
  onMenu?: RowMenuOpen | undefined;
  /** A drag of this row (and the selection it is in) to a folder begins. */
  onDragRow?: ((id: number) => void) | undefined;
  onDragEnd?: (() => void) | undefined;
}) {
  // Also renders the row again when the language (and so the dates' locale) changes.
  const { t } = useTranslation();
  const { message, hit } = props.item;
  // A conversation counts as unread while any of its messages here is.
  const unread =
    message.threadUnread !== undefined
      ? message.threadUnread > 0
      : !message.flags.includes('\\Seen');
  const flagged = message.flags.includes('\\Flagged');
  const classes = [
    'row',
    unread && 'unread',
    props.selected && 'selected',
    props.cursor && 'cursor',
  ];
  return (
    <div
      role="option"
      aria-selected={props.selected}
      aria-posinset={props.position}
      aria-setsize={props.setSize}
      id={`message-${message.id}`}
      data-id={message.id}
      className={classes.filter(Boolean).join(' ')}
      // Positioned through the CSSOM (allowed by the CSP), never a style attribute in markup:
      // the server's first screen (first-screen/render.tsx) gives no offset.
      style={props.top === undefined ? undefined : { transform: `translateY(${props.top}px)` }}
      onMouseDown={(e) => {
        if (e.shiftKey) e.preventDefault(); // no text selection on Shift-click
      }}
      onClick={(e) => props.onPick(message.id, clickMode(e))}
      onDoubleClick={() => props.onOpen(message.id)}
      draggable={props.onDragRow ? true : undefined}
      onDragStart={(e) => {
        if (!props.onDragRow) return;
        e.dataTransfer.effectAllowed = 'move';
        e.dataTransfer.setData('text/plain', message.subject);
        props.onDragRow(message.id);
      }}
      onDragEnd={props.onDragEnd}
      onContextMenu={(e) => {
        if (!props.onMenu) return;
        e.preventDefault();
        props.onMenu(message.id, { x: e.clientX, y: e.clientY });
      }}
    >
      <div className="row-line">
        <span className="row-marks">
          <span
            className={unread ? 'mark-unread' : 'mark-none'}
            aria-label={unread ? t('list.unread') : undefined}
          />
        </span>
        <span className="row-from">{senders(message.from)}</span>
        {message.threadSize && message.threadSize > 1 ? (
          <span
            className="row-thread"
            aria-label={t('list.inConversation', { count: message.threadSize })}
          >
            {message.threadSize}
          </span>
        ) : null}
        {message.hasAttachments ? (
          <span
            className="mark-attachment"
            aria-label={t('list.hasAttachments')}
            title={t('list.attachments')}
          />
        ) : null}
        {flagged ? (
          <span className="mark-flag" aria-label={t('list.flagged')} title={t('list.flagged')} />
        ) : null}
        <time className="row-date" dateTime={message.date}>
          {shortDate(message.date)}
        </time>
      </div>
      <div className="row-subject">{message.subject || t('list.noSubject')}</div>
      <div className="row-snippet">
        {hit
          ? highlightRuns(hit.snippet, hit.highlights).map((r, i) =>
              r.hit ? <mark key={i}>{r.text}</mark> : <span key={i}>{r.text}</span>,
            )
          : message.snippet}
      </div>
    </div>
  );
});

/** A row whose page has not arrived yet: the list keeps its length and place meanwhile. */
export function PlaceholderRow(props: { top: number }) {
  return (
    <div
      className="row row-placeholder"
      aria-hidden="true"
      style={{ transform: `translateY(${props.top}px)` }}
    >
      <div className="placeholder-bar placeholder-wide" />
      <div className="placeholder-bar" />
    </div>
  );
}
