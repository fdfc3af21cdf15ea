// The message list's data: pages fetched on demand as the user scrolls (the list may hold
// 100,000 messages), from whichever source is chosen. A newer source or a reload makes
// answers to older requests void, so a slow page never lands in the wrong list.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { ErrorData } from '../../../common/errors.js';
import { errorDataOf, type MaildockClient } from '../client/client.js';
import { mergedPager, singlePager, type FetchPage, type ListItem, type Pager } from './pager.js';

export type ListSource =
  | { kind: 'mailbox'; mailboxId: number }
  | { kind: 'unified'; mailboxIds: number[] }
  | { kind: 'search'; query: string };

/** A small first page shows the list soonest; later pages are as large as the contract allows. */
export const FIRST_PAGE = 200;
export const NEXT_PAGE = 1000;

export function sourceKey(s: ListSource): string {
  return JSON.stringify(s);
}

function pagerFor(client: MaildockClient, source: ListSource): Pager {
  const mailbox =
    (mailboxId: number): FetchPage =>
    async (before, limit) => {
      const r = await client.call('message.list', {
        mailboxId,
        limit,
        ...(before !== undefined ? { before } : {}),
      });
      return { items: r.messages.map((message) => ({ message })), nextBefore: r.nextBefore };
    };
  switch (source.kind) {
    case 'mailbox':
      return singlePager(mailbox(source.mailboxId));
    case 'unified':
      return mergedPager(source.mailboxIds.map(mailbox));
    case 'search':
      return singlePager(async (before, limit) => {
        const r = await client.call('message.search', {
          query: source.query,
          limit,
          ...(before !== undefined ? { before } : {}),
        });
        return {
          items: r.hits.map(({ message, snippet, highlights }) => ({
            message,
            hit: { snippet, highlights },
          })),
          nextBefore: r.nextBefore,
        };
      });
  }
}

export interface ListState {
  items: ListItem[];
  loading: boolean;
  error: ErrorData | null;
  done: boolean;
  loadMore(): void;
  reload(): void;
}

export function useMessageList(client: MaildockClient, source: ListSource | null): ListState {
  const [items, setItems] = useState<ListItem[]>([]);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<ErrorData | null>(null);
  const [done, setDone] = useState(false);
  const [generation, setGeneration] = useState(0);
  const current = useRef<{
    pager: Pager;
    busy: boolean;
    replace: boolean;
    first: boolean;
  } | null>(null);
  const shownKey = useRef<string | null>(null);
  const key = source ? sourceKey(source) : null;

  const loadMore = useCallback(() => {
    const run = current.current;
    if (!run || run.busy || run.pager.done) return;
    run.busy = true;
    setLoading(true);
    run.pager
      .next(run.first ? FIRST_PAGE : NEXT_PAGE)
      .then((page) => {
        if (current.current !== run) return;
        // Read now: React may run the updater later, after `run.replace` is reset below.
        const replace = run.replace;
        setItems((prev) => (replace ? page : prev.concat(page)));
        run.replace = false;
        run.first = false;
        setDone(run.pager.done);
      })
      .catch((err: unknown) => {
        if (current.current === run) setError(errorDataOf(err));
      })
      .finally(() => {
        run.busy = false;
        if (current.current === run) setLoading(false);
      });
  }, []);

  useEffect(() => {
    // A reload of the same list keeps the rows on screen until the fresh first page lands.
    const sameList = shownKey.current === key;
    shownKey.current = key;
    if (!sameList) setItems([]);
    setError(null);
    setDone(false);
    if (!key) {
      current.current = null;
      setLoading(false);
      return;
    }
    current.current = {
      pager: pagerFor(client, JSON.parse(key) as ListSource),
      busy: false,
      replace: sameList,
      first: true,
    };
    loadMore();
  }, [client, key, generation, loadMore]);

  const reload = useCallback(() => setGeneration((g) => g + 1), []);
  return { items, loading, error, done, loadMore, reload };
}
