// @vitest-environment jsdom
// A search the server could not understand (SEARCH_SYNTAX with a position) is shown with
// the ERROR_TEXT sentence, the server's explanation and the spot marked in the query; hits
// show their snippets with the contract's highlight offsets.
import { act } from 'react';
import { createRoot } from 'react-dom/client';
import { afterEach, describe, expect, it } from 'vitest';
import { ERROR_TEXT, type ErrorData } from '../../common/errors.js';
import { highlightRuns } from '../../renderer/src/ui/highlight.js';
import { syntaxMarker } from '../../renderer/src/ui/search-error.js';
import { SearchError } from '../../renderer/src/ui/SearchError.js';

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

const syntax = (message: string, position: number, near: string): ErrorData => ({
  code: 'SEARCH_SYNTAX',
  message,
  fields: { position, near },
});

let container: HTMLElement | null = null;
afterEach(() => container?.remove());

function render(node: React.ReactNode): HTMLElement {
  container = document.createElement('div');
  document.body.append(container);
  const root = createRoot(container);
  act(() => root.render(node));
  return container;
}

describe('the search error', () => {
  it('marks the token at the position the server gave', () => {
    const q = 'from:alice bogus:x hello';
    expect(syntaxMarker(q, syntax('Unknown operator bogus', 11, 'bogus:x'))).toEqual({
      before: 'from:alice ',
      at: 'bogus:x',
      after: ' hello',
      column: 12,
    });
  });

  it('marks the end of the query for a quote never closed, and a clipped "near"', () => {
    expect(syntaxMarker('"abc', syntax('never closed', 4, ''))).toMatchObject({
      before: '"abc',
      at: '',
      after: '',
    });
    const long = `subject:"${'x'.repeat(60)}`;
    const m = syntaxMarker(long, syntax('never closed', 8, `"${'x'.repeat(39)}…`));
    expect(m?.at).toBe(`"${'x'.repeat(39)}`);
  });

  it('shows no marker for other errors or a position that is not a number', () => {
    expect(syntaxMarker('x', { code: 'INTERNAL', message: 'boom' })).toBeNull();
    expect(syntaxMarker('x', { code: 'SEARCH_SYNTAX', message: 'bad' })).toBeNull();
  });

  it('renders the sentence, the explanation and the marked query', () => {
    const el = render(
      <SearchError
        query="from:alice -"
        error={syntax('A lone "-" at position 11: put what to exclude right after it.', 11, '-')}
      />,
    );
    const alert = el.querySelector('[role="alert"]')!;
    expect(alert.textContent).toContain(ERROR_TEXT.SEARCH_SYNTAX);
    expect(alert.textContent).toContain('A lone "-" at position 11');
    expect(el.querySelector('mark')?.textContent).toBe('-');
    expect(el.querySelector('code')?.textContent).toBe('from:alice -');
    expect(el.querySelector('[aria-label="Problem at column 12"]')).not.toBeNull();
  });
});

describe('highlighted snippets', () => {
  it('cuts a snippet into runs at the highlight offsets', () => {
    expect(
      highlightRuns('the quarterly report is here', [
        [4, 13],
        [14, 20],
      ]),
    ).toEqual([
      { text: 'the ', hit: false },
      { text: 'quarterly', hit: true },
      { text: ' ', hit: false },
      { text: 'report', hit: true },
      { text: ' is here', hit: false },
    ]);
  });

  it('mends offsets that overlap, come out of order or run past the end', () => {
    const runs = highlightRuns('abcdef', [
      [4, 99],
      [0, 2],
      [1, 3],
      [5, 5],
      [-3, 1],
    ]);
    expect(runs).toEqual([
      { text: 'abc', hit: true },
      { text: 'd', hit: false },
      { text: 'ef', hit: true },
    ]);
    expect(runs.map((r) => r.text).join('')).toBe('abcdef');
  });
});
