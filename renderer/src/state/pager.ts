// Pages of search results, newest first, by cursor: a search counts its matches only up to
// a limit, so its hits come page after page as the end of the list nears. (Folders and the
// unified Inbox are read by offset instead: sparse-list.ts.)
import type { ListRow, SearchHit } from '../../../common/types.js';

/**
 * A row of the list: a message (in conversation view the newest of its conversation, with
 * the conversation's size), with its search snippet when it is a search hit.
 */
export interface ListItem {
  message: ListRow;
  hit?: Pick<SearchHit, 'snippet' | 'highlights'>;
}

export interface Page {
  items: ListItem[];
  /** Cursor for the next page, null at the end. */
  nextBefore: number | null;
}

export type FetchPage = (before: number | undefined, limit: number) => Promise<Page>;

export interface Pager {
  /** The next `limit` items, newest first; an empty array at the end. */
  next(limit: number): Promise<ListItem[]>;
  readonly done: boolean;
}

export function singlePager(fetch: FetchPage): Pager {
  let cursor: number | undefined;
  let done = false;
  return {
    get done() {
      return done;
    },
    async next(limit) {
      if (done) return [];
      const page = await fetch(cursor, limit);
      // An empty page ends the list too, so a confused server cannot make this loop.
      if (page.nextBefore === null || page.items.length === 0) done = true;
      else cursor = page.nextBefore;
      return page.items;
    },
  };
}
