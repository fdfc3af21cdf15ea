// The middle pane: a title with the list's size and the actions' toolbar, then the list, or
// why there is none (loading, empty, an error, a search that could not be understood). A
// search's results can be exported to files from its header.
import type { ReactNode } from 'react';
import type { ListState, ListSource } from '../state/use-list.js';
import type { ClickMode, Selection } from '../state/selection.js';
import type { Density } from '../state/layout.js';
import { MessageList } from './MessageList.js';
import type { RowMenuOpen } from './MessageRow.js';
import { SearchError } from './SearchError.js';
import { EmptyState, ErrorState, Loading } from './States.js';
import { count } from '../format.js';
import { useTranslation } from '../i18n/index.js';

export function ListPane(props: {
  title: string;
  source: ListSource | null;
  list: ListState;
  selection: Selection;
  onPick(id: number, mode: ClickMode): void;
  onOpen(id: number): void;
  onMenu?: RowMenuOpen;
  onDragRow?(id: number): void;
  onDragEnd?(): void;
  density: Density;
  /** The actions' toolbar, under the title. */
  toolbar?: ReactNode;
  /** Controls beside the title (the conversation-view switch). */
  options?: ReactNode;
  /** Export what the search finds (all its hits, not only those loaded). */
  onExportResults?(): void;
}) {
  const { t } = useTranslation();
  const { list, source } = props;
  const search = source?.kind === 'search' ? source.query : null;
  let body;
  if (list.error && search !== null && list.error.code === 'SEARCH_SYNTAX') {
    body = <SearchError query={list.errorQuery ?? search} error={list.error} />;
  } else if (list.error && list.count === 0) {
    body = <ErrorState error={list.error} onRetry={list.reload} />;
  } else if (list.count === 0 && !list.ready) {
    body = <Loading what={search !== null ? t('list.searching') : t('list.loading')} />;
  } else if (list.count === 0) {
    body =
      search !== null ? (
        <EmptyState title={t('list.noMatch')} />
      ) : (
        <EmptyState title={t('list.empty')} />
      );
  } else {
    body = (
      <MessageList
        count={list.count}
        itemAt={list.itemAt}
        items={list.items}
        loading={list.loading}
        selection={props.selection}
        label={props.title}
        onPick={props.onPick}
        onOpen={props.onOpen}
        onMenu={props.onMenu}
        onDragRow={props.onDragRow}
        onDragEnd={props.onDragEnd}
        density={props.density}
        want={list.want}
      />
    );
  }
  // A folder's length, or what a search counted: exactly, or "more than" past the count's limit.
  const total = list.total ?? (list.count > 0 ? { count: list.count, more: !list.complete } : null);
  return (
    <div className="list-pane">
      <div className="pane-head">
        <h2 className="pane-title">
          <span className="pane-title-text">{props.title}</span>
          {total && total.count > 0 ? (
            <span className="pane-count">
              {total.more ? t('list.moreThan', { total: count(total.count) }) : count(total.count)}
            </span>
          ) : null}
        </h2>
        {props.options}
        {search !== null && props.onExportResults && list.count > 0 ? (
          <button type="button" className="pane-export" onClick={props.onExportResults}>
            {t('transfer.exportResults')}
          </button>
        ) : null}
      </div>
      {props.toolbar}
      {list.error && list.count > 0 ? (
        <p className="list-error" role="alert">
          {t('list.partFailed')}{' '}
          <button type="button" onClick={list.reload}>
            {t('list.tryAgain')}
          </button>
        </p>
      ) : null}
      {body}
    </div>
  );
}
