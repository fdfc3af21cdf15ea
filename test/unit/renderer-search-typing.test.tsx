// @vitest-environment jsdom
// Search as you type in the renderer (issue 26): the box asks a search at each pause of the
// typing, not at each key, and at once on Enter; the list keeps the last answer on show
// until the next one is in, ignores the answers of queries typed over, asks the count with
// the first page only, and shows a syntax error with the query it belongs to; the title says
// how many a search found, exactly or "more than".
import { act } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { MethodInput, MethodOutput } from '../../common/api.js';
import type { ErrorData } from '../../common/errors.js';
import type { ListRow } from '../../common/types.js';
import { ClientError, type MaildockClient } from '../../renderer/src/client/client.js';
import { useMessageList, type ListState } from '../../renderer/src/state/use-list.js';
import { emptySelection } from '../../renderer/src/state/selection.js';
import { ListPane } from '../../renderer/src/ui/ListPane.js';
import { SEARCH_PAUSE_MS, SearchBox } from '../../renderer/src/ui/SearchBox.js';

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

let container: HTMLElement;
let root: Root;
beforeEach(() => {
  container = document.createElement('div');
  document.body.append(container);
  root = createRoot(container);
});
afterEach(() => {
  act(() => root.unmount());
  container.remove();
  vi.useRealTimers();
});

/** Types into a React input as a person does: one input event per key. */
function typeInto(input: HTMLInputElement, text: string): void {
  const setValue = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')!.set!;
  for (const ch of text) {
    act(() => {
      setValue.call(input, input.value + ch);
      input.dispatchEvent(new Event('input', { bubbles: true }));
    });
  }
}

describe('the search box', () => {
  it('asks a search at each pause of the typing, and at once on Enter', () => {
    vi.useFakeTimers();
    const asked: string[] = [];
    let cleared = 0;
    act(() =>
      root.render(
        <SearchBox
          inputRef={null}
          active={null}
          onSearch={(q) => asked.push(q)}
          onClear={() => cleared++}
        />,
      ),
    );
    const input = container.querySelector('input')!;
    typeInto(input, 'alic');
    expect(asked).toEqual([]);
    act(() => vi.advanceTimersByTime(SEARCH_PAUSE_MS));
    expect(asked).toEqual(['alic']);
    expect(input.value).toBe('alic');

    // A space after the word is kept: it makes the word whole.
    typeInto(input, 'e ');
    act(() => vi.advanceTimersByTime(SEARCH_PAUSE_MS - 1));
    expect(asked).toEqual(['alic']);
    act(() => vi.advanceTimersByTime(1));
    expect(asked).toEqual(['alic', 'alice ']);

    typeInto(input, 'OR bob');
    act(() => input.form!.requestSubmit());
    expect(asked).toEqual(['alic', 'alice ', 'alice OR bob']);
    // The pause that follows asks nothing more.
    act(() => vi.advanceTimersByTime(SEARCH_PAUSE_MS * 2));
    expect(asked).toHaveLength(3);
    expect(cleared).toBe(0);
  });

  it('goes back to the folder at once when the field is emptied', () => {
    vi.useFakeTimers();
    let cleared = 0;
    const asked: string[] = [];
    act(() =>
      root.render(
        <SearchBox
          inputRef={null}
          active="x"
          onSearch={(q) => asked.push(q)}
          onClear={() => cleared++}
        />,
      ),
    );
    const input = container.querySelector('input')!;
    typeInto(input, 'x');
    const setValue = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')!.set!;
    act(() => {
      setValue.call(input, '');
      input.dispatchEvent(new Event('input', { bubbles: true }));
    });
    expect(cleared).toBe(1);
    act(() => vi.advanceTimersByTime(SEARCH_PAUSE_MS * 2));
    expect(asked).toEqual([]);
  });
});

type SearchInput = MethodInput<'message.search'>;
type SearchOutput = MethodOutput<'message.search'>;

/** A client whose searches wait until the test answers them, in any order. */
function fakeClient() {
  const pending: {
    input: SearchInput;
    answer(out: Partial<SearchOutput> & { ids: number[] }): void;
    fail(error: ErrorData): void;
  }[] = [];
  const client = {
    transport: 'http',
    call(method: string, input: SearchInput) {
      if (method !== 'message.search') throw new Error(method);
      return new Promise((resolve, reject) =>
        pending.push({
          input,
          answer: ({ ids, ...rest }) =>
            resolve({
              hits: ids.map((id) => ({
                message: { id, flags: [] } as unknown as ListRow,
                snippet: '',
                highlights: [],
              })),
              nextBefore: null,
              total: input.count ? ids.length : null,
              more: false,
              ...rest,
            }),
          fail: (error) => reject(new ClientError(error)),
        }),
      );
    },
    on: () => () => undefined,
  } as unknown as MaildockClient;
  return { client, pending };
}

describe('the list of a search typed', () => {
  let list: ListState;
  function Probe(props: { client: MaildockClient; query: string }) {
    list = useMessageList(props.client, { kind: 'search', query: props.query });
    return null;
  }
  const ids = () => list.items.map((i) => i.message.id);
  const settle = () => act(async () => await new Promise((r) => setTimeout(r, 0)));

  it('keeps the last answer on show, ignores answers typed over, counts with the first page', async () => {
    const { client, pending } = fakeClient();
    act(() => root.render(<Probe client={client} query="alic" />));
    expect(list.ready).toBe(false);
    expect(pending[0]!.input).toMatchObject({ query: 'alic', count: true });
    pending[0]!.answer({ ids: [3] });
    await settle();
    expect([ids(), list.total, list.ready]).toEqual([[3], { count: 1, more: false }, true]);

    // Typed on: the last answer stays until the newest query's own.
    act(() => root.render(<Probe client={client} query="alice" />));
    act(() => root.render(<Probe client={client} query="alice b" />));
    expect([ids(), list.ready]).toEqual([[3], true]);
    pending[2]!.answer({ ids: [9, 8], total: 1000, more: true });
    await settle();
    pending[1]!.answer({ ids: [1, 2, 3, 4] });
    await settle();
    expect(ids()).toEqual([9, 8]);
    expect(list.total).toEqual({ count: 1000, more: true });
  });

  it('shows a syntax error with the query it is of, and no rows of an earlier one', async () => {
    const { client, pending } = fakeClient();
    act(() => root.render(<Probe client={client} query="lunch" />));
    pending[0]!.answer({ ids: [5] });
    await settle();
    act(() => root.render(<Probe client={client} query="lunch (" />));
    const error = {
      code: 'SEARCH_SYNTAX',
      message: 'never closed',
      fields: { position: 6, near: '(' },
    };
    pending[1]!.fail(error as ErrorData);
    await settle();
    expect(list.error?.code).toBe('SEARCH_SYNTAX');
    expect(list.errorQuery).toBe('lunch (');
    expect([ids(), list.total]).toEqual([[], null]);
    // Closed: the error stays on show until the answer replaces it.
    act(() => root.render(<Probe client={client} query="lunch ()" />));
    expect(list.error?.code).toBe('SEARCH_SYNTAX');
    pending[2]!.answer({ ids: [5] });
    await settle();
    expect([list.error, ids()]).toEqual([null, [5]]);
  });
});

describe('the title of a search', () => {
  const state = (total: ListState['total']): ListState => ({
    count: 0,
    total,
    itemAt: () => undefined,
    items: [],
    ready: true,
    complete: true,
    loading: false,
    error: null,
    want: () => undefined,
    reload: () => undefined,
  });
  const title = (total: ListState['total']) => {
    act(() =>
      root.render(
        <ListPane
          title="Search: x"
          source={{ kind: 'search', query: 'x' }}
          list={state(total)}
          selection={emptySelection}
          onPick={() => undefined}
          onOpen={() => undefined}
          density="comfortable"
        />,
      ),
    );
    return container.querySelector('.pane-count')?.textContent ?? null;
  };

  it('shows the count exactly, or "more than" past its limit', () => {
    expect(title({ count: 189, more: false })).toBe('189');
    expect(title({ count: 1000, more: true })).toBe('more than 1,000');
    expect(title({ count: 0, more: false })).toBeNull();
  });
});
