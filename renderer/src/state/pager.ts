// Pages of a message list, newest first, behind one interface whatever the source: one
// folder, several inboxes merged into one (the unified Inbox), or search results. Message
// ids sort like dates across accounts (store migration 0001), so merging is by id.
import type { MessageSummary, SearchHit } from '../../../common/types.js';

/** A row of the list: a message, with its search snippet when it is a search hit. */
export interface ListItem {
  message: MessageSummary;
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

/**
 * Several sources merged newest first. A source's buffered rows may be handed out only
 * while it has rows left in its buffer or has ended: otherwise its next page could hold a
 * newer row than the one chosen.
 */
export function mergedPager(sources: FetchPage[]): Pager {
  const parts = sources.map((fetch) => ({ pager: singlePager(fetch), buffer: [] as ListItem[] }));
  const needsFill = (p: (typeof parts)[number]) => p.buffer.length === 0 && !p.pager.done;
  return {
    get done() {
      return parts.every((p) => p.buffer.length === 0 && p.pager.done);
    },
    async next(limit) {
      const out: ListItem[] = [];
      while (out.length < limit) {
        await Promise.all(
          parts.filter(needsFill).map(async (p) => p.buffer.push(...(await p.pager.next(limit)))),
        );
        let best: (typeof parts)[number] | undefined;
        for (const p of parts) {
          const head = p.buffer[0];
          if (head && (!best || head.message.id > best.buffer[0]!.message.id)) best = p;
        }
        if (!best) break;
        out.push(best.buffer.shift()!);
      }
      return out;
    },
  };
}
