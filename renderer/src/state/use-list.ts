// The message list's data, from whichever source is chosen. A folder or the unified Inbox
// is a SparseList: its length is known at once and any page is one request by offset. A
// search's hits are appended page by page as the end nears; its first page brings the
// count (exact up to a limit, then "more than"). A newer source makes answers to older
// requests void, so a slow page never lands in the wrong list. Typing a search asks a new
// one at every pause: until its answer, the last answer stays (rows, count or error), so the
// list does not blink through "Searching…" at each key.
import { useCallback, useEffect, useMemo, useRef, useState, useSyncExternalStore } from 'react';
import type { MethodInput } from '../../../common/api.js';
import type { ErrorData } from '../../../common/errors.js';
import { errorDataOf, type MaildockClient } from '../client/client.js';
import { singlePager, type ListItem, type Pager } from './pager.js';
import { PAGE_SIZE, SparseList } from './sparse-list.js';

export type ListSource =
  | { kind: 'mailbox'; mailboxId: number }
  | { kind: 'unified'; mailboxIds: number[] }
  | { kind: 'search'; query: string };

/** Search pages: a small first one shows results soonest. */
export const FIRST_PAGE = 100;
export const NEXT_PAGE = 500;
/** Start loading the next search page this many rows before the end. */
const PREFETCH_ROWS = 50;

export function sourceKey(s: ListSource, threads = false): string {
  return JSON.stringify(s.kind === 'search' ? s : { ...s, threads });
}

/** How many rows the whole list has, as its title shows it. */
export interface ListTotal {
  count: number;
  /** There are more than `count` (a search stops counting at a limit). */
  more: boolean;
}

export interface ListState {
  /** Rows the list stands for: the folder's whole length, or the hits found so far. */
  count: number;
  /** The whole list's size, once known: the folder's length, or what a search counted. */
  total: ListTotal | null;
  itemAt(index: number): ListItem | undefined;
  /** The rows on hand, in list order. */
  items: ListItem[];
  /** The first answer is in (or failed). */
  ready: boolean;
  /** `count` is the whole list (a search may have more hits than fetched so far). */
  complete: boolean;
  loading: boolean;
  error: ErrorData | null;
  /** The search the error is of (a newer one may be under way meanwhile). */
  errorQuery?: string | null;
  /** Rows [start, end) are in view. */
  want(start: number, end: number): void;
  reload(): void;
}

/** A folder, or the unified Inbox: a list whose length is known. */
export type FolderSource = Exclude<ListSource, { kind: 'search' }>;

/** message.list's input for `limit` rows of a folder or the unified Inbox from `offset`. */
export function listInput(
  source: FolderSource,
  threads: boolean,
  offset: number,
  limit: number,
  count: boolean,
): MethodInput<'message.list'> {
  const where =
    source.kind === 'mailbox' ? { mailboxId: source.mailboxId } : { mailboxIds: source.mailboxIds };
  return { ...where, offset, limit, threads, count };
}

/** What a folder's list asks for first: its first page, and the folder's length. */
export const firstPageInput = (source: FolderSource, threads: boolean) =>
  listInput(source, threads, 0, PAGE_SIZE, true);

/** The unified Inbox's first page, named by role before the Inboxes' ids are known. */
export const firstInboxPageInput = (threads: boolean): MethodInput<'message.list'> => ({
  role: 'inbox',
  offset: 0,
  limit: PAGE_SIZE,
  threads,
  count: true,
});

function sparseFor(client: MaildockClient, source: FolderSource, threads: boolean): SparseList {
  const list = new SparseList(async (offset, limit, count) => {
    const r = await client.call('message.list', listInput(source, threads, offset, limit, count));
    return { items: r.messages.map((message) => ({ message })), total: r.total };
  });
  // The first page in hand already (the first screen's): the list's first render has rows.
  const first = client.peek?.('message.list', firstPageInput(source, threads));
  if (first?.total != null) {
    list.seed({ items: first.messages.map((message) => ({ message })), total: first.total });
  }
  return list;
}

/** A search's pages; the first one also counts the matches, handed to `onTotal`. */
function searchPager(
  client: MaildockClient,
  query: string,
  onTotal: (total: ListTotal) => void,
): Pager {
  let first = true;
  return singlePager(async (before, limit) => {
    const count = first;
    first = false;
    const r = await client.call('message.search', {
      query,
      limit,
      count,
      ...(before !== undefined ? { before } : {}),
    });
    if (count && r.total !== null) onTotal({ count: r.total, more: r.more });
    return {
      items: r.hits.map(({ message, snippet, highlights }) => ({
        message,
        hit: { snippet, highlights },
      })),
      nextBefore: r.nextBefore,
    };
  });
}

const noop = () => () => undefined;

function useSparse(client: MaildockClient, source: ListSource | null, threads: boolean) {
  const key = source && source.kind !== 'search' ? sourceKey(source, threads) : null;
  const list = useMemo(
    () => (key ? sparseFor(client, JSON.parse(key) as FolderSource, threads) : null),
    [client, key, threads],
  );
  const version = () => list?.version ?? 0;
  // The same on the server's first screen (first-screen/render.tsx), where nothing changes.
  useSyncExternalStore(list ? (fn) => list.subscribe(fn) : noop, version, version);
  useEffect(() => list?.want(0, 50), [list]);
  return list;
}

function useSearch(client: MaildockClient, query: string | null) {
  const [items, setItems] = useState<ListItem[]>([]);
  const [total, setTotal] = useState<ListTotal | null>(null);
  // The query the rows, count and error belong to: a newer query keeps showing them until
  // its own first answer (or error) replaces them.
  const [state, setState] = useState({
    query: null as string | null,
    ready: false,
    loading: false,
    done: false,
  });
  const [failed, setFailed] = useState<{ query: string; error: ErrorData } | null>(null);
  const [generation, setGeneration] = useState(0);
  const run = useRef<{ query: string; pager: Pager; busy: boolean; first: boolean } | null>(null);

  const loadMore = useCallback(() => {
    const r = run.current;
    if (!r || r.busy || r.pager.done) return;
    r.busy = true;
    setState((s) => ({ ...s, loading: true }));
    r.pager
      .next(r.first ? FIRST_PAGE : NEXT_PAGE)
      .then((page) => {
        if (run.current !== r) return;
        const first = r.first;
        r.first = false;
        setItems((prev) => (first ? page : prev.concat(page)));
        setFailed(null);
      })
      .catch((err: unknown) => {
        if (run.current !== r) return;
        // A first page that failed leaves nothing of the last query's on show.
        if (r.first) {
          setItems([]);
          setTotal(null);
        }
        setFailed({ query: r.query, error: errorDataOf(err) });
      })
      .finally(() => {
        r.busy = false;
        if (run.current === r)
          setState({ query: r.query, ready: true, loading: false, done: r.pager.done });
      });
  }, []);

  useEffect(() => {
    if (query === null) {
      run.current = null;
      setItems([]);
      setTotal(null);
      setFailed(null);
      // Forgotten, so the same query asked again is not "ready" before its answer.
      setState({ query: null, ready: false, loading: false, done: false });
      return;
    }
    // The answers of an earlier query are ignored from here on (run.current is this one).
    const r = { query, pager: null as unknown as Pager, busy: false, first: true };
    r.pager = searchPager(client, query, (t) => run.current === r && setTotal(t));
    run.current = r;
    setState((s) => ({ ...s, loading: true, done: false }));
    loadMore();
  }, [client, query, generation, loadMore]);

  const reload = useCallback(() => setGeneration((g) => g + 1), []);
  const current = state.query === query;
  return {
    items,
    total,
    // The last query's answer counts as ready: its rows stay on show meanwhile.
    ready: state.ready && query !== null,
    loading: state.loading,
    done: current && state.done,
    error: failed?.error ?? null,
    errorQuery: failed?.query ?? null,
    loadMore,
    reload,
  };
}

export function useMessageList(
  client: MaildockClient,
  source: ListSource | null,
  opts: { threads?: boolean } = {},
): ListState {
  const threads = opts.threads ?? false;
  const sparse = useSparse(client, source, threads);
  const search = useSearch(client, source?.kind === 'search' ? source.query : null);
  const version = sparse?.version ?? -1;

  // `version` stands for the list's content: a new one means new rows.
  const sparseItems = useMemo(
    () => (version >= 0 ? (sparse?.loaded() ?? []) : []),
    [sparse, version],
  );
  const itemAt = useCallback((i: number) => sparse?.itemAt(i), [sparse]);
  const want = useCallback((start: number, end: number) => sparse?.want(start, end), [sparse]);
  const refresh = useCallback(() => sparse?.refresh(), [sparse]);
  const { loadMore } = search;
  const searchLength = search.items.length;
  const searchDone = search.done;
  const wantSearch = useCallback(
    (_start: number, end: number) => {
      if (!searchDone && end >= searchLength - PREFETCH_ROWS) loadMore();
    },
    [searchDone, searchLength, loadMore],
  );

  if (sparse) {
    return {
      count: sparse.total ?? 0,
      total: sparse.total === null ? null : { count: sparse.total, more: false },
      itemAt,
      items: sparseItems,
      ready: sparse.total !== null || sparse.error !== null,
      complete: sparse.total !== null,
      loading: sparse.loading,
      error: sparse.error === null ? null : errorDataOf(sparse.error),
      want,
      reload: refresh,
    };
  }
  return {
    count: search.items.length,
    total: search.total,
    itemAt: (i) => search.items[i],
    items: search.items,
    ready: search.ready || search.error !== null,
    complete: search.done,
    loading: search.loading,
    error: search.error,
    errorQuery: search.errorQuery,
    want: wantSearch,
    reload: search.reload,
  };
}
