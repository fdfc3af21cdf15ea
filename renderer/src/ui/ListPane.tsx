// The middle pane: a title and the actions' toolbar, then the list, or why there is none (loading, empty, an error,
// a search that could not be understood).
import type { ReactNode } from 'react';
import type { ListState, ListSource } from '../state/use-list.js';
import type { ClickMode, Selection } from '../state/selection.js';
import { MessageList } from './MessageList.js';
import { SearchError } from './SearchError.js';
import { EmptyState, ErrorState, Loading } from './States.js';

export function ListPane(props: {
  title: string;
  source: ListSource | null;
  list: ListState;
  selection: Selection;
  onPick(id: number, mode: ClickMode): void;
  onOpen(id: number): void;
  /** The actions' toolbar, under the title. */
  toolbar?: ReactNode;
}) {
  const { list, source } = props;
  const search = source?.kind === 'search' ? source.query : null;
  let body;
  if (list.error && search !== null && list.error.code === 'SEARCH_SYNTAX') {
    body = <SearchError query={search} error={list.error} />;
  } else if (list.error) {
    body = <ErrorState error={list.error} onRetry={list.reload} />;
  } else if (list.items.length === 0 && !list.done) {
    body = <Loading what={search !== null ? 'Searching…' : 'Loading messages…'} />;
  } else if (list.items.length === 0) {
    body =
      search !== null ? (
        <EmptyState title="No messages match this search." />
      ) : (
        <EmptyState title="No messages in this folder." />
      );
  } else {
    body = (
      <MessageList
        items={list.items}
        loading={list.loading}
        done={list.done}
        selection={props.selection}
        label={props.title}
        onPick={props.onPick}
        onOpen={props.onOpen}
        loadMore={list.loadMore}
      />
    );
  }
  return (
    <div className="list-pane">
      <h2 className="pane-title">
        {props.title}
        {list.items.length > 0 ? (
          <span className="pane-count">
            {list.items.length}
            {list.done ? '' : '+'}
          </span>
        ) : null}
      </h2>
      {props.toolbar}
      {body}
    </div>
  );
}
