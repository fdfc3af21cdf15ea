// @vitest-environment jsdom
// The recipients field as the keyboard uses it: a comma or Enter makes a chip (not inside a
// quoted name), arrows move through the suggestions and Enter or Tab picks one, Backspace in
// the empty field removes the last chip (never one the reply adds itself), Escape closes the
// suggestions without reaching the dialog, a pasted list becomes chips with invalid ones marked.
import { act, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { afterEach, describe, expect, it } from 'vitest';
import type { Contact } from '../../common/types.js';
import type { Recipient } from '../../renderer/src/compose/addresses.js';
import { AddressField } from '../../renderer/src/compose/AddressField.js';

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

let container: HTMLElement | null = null;
afterEach(() => container?.remove());

const contact = (name: string, address: string): Contact => ({
  name,
  address,
  count: 1,
  lastSeen: '2025-01-01T00:00:00.000Z',
});
const BOOK = [
  contact('Ann Archer', 'ann@maildock.test'),
  contact('Anna Bell', 'anna@maildock.test'),
  contact('Bob Stone', 'bob@maildock.test'),
];

function setup(locked: Recipient[] = []) {
  const asked: string[] = [];
  const state: { recipients: Recipient[]; text: string } = { recipients: [], text: '' };
  function Harness() {
    const [recipients, setRecipients] = useState<Recipient[]>([]);
    const [text, setText] = useState('');
    state.recipients = recipients;
    state.text = text;
    return (
      <AddressField
        label="To"
        recipients={recipients}
        text={text}
        locked={locked}
        onChange={(r, t) => {
          setRecipients(r);
          setText(t);
        }}
        suggest={async (q) => {
          asked.push(q);
          return BOOK.filter((c) =>
            `${c.name} ${c.address}`.toLowerCase().includes(q.toLowerCase()),
          );
        }}
      />
    );
  }
  container = document.createElement('div');
  document.body.append(container);
  const root = createRoot(container);
  act(() => root.render(<Harness />));
  const input = container.querySelector('input')!;
  const el = container;
  const type = (value: string) =>
    act(() => {
      const set = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')!.set!;
      set.call(input, value);
      input.dispatchEvent(new Event('input', { bubbles: true }));
    });
  const key = (k: string, init: KeyboardEventInit = {}) => {
    const e = new KeyboardEvent('keydown', { key: k, bubbles: true, cancelable: true, ...init });
    act(() => void input.dispatchEvent(e));
    return e;
  };
  const chips = () =>
    [...el.querySelectorAll('.chip')].map((c) => c.querySelector('.chip-text')!.textContent);
  const options = () => [...el.querySelectorAll('[role=option]')];
  /** Waits for the debounced suggestions to arrive. */
  const suggestions = async () => {
    for (let i = 0; i < 50 && options().length === 0; i++) {
      await act(() => new Promise((r) => setTimeout(r, 20)));
    }
    return options();
  };
  return { input, state, type, key, chips, options, suggestions, asked, el };
}

describe('the recipients field', () => {
  it('makes a chip on comma or Enter, but not on a comma inside a quoted name', () => {
    const t = setup();
    t.type('ann@maildock.test');
    expect(t.key(',').defaultPrevented).toBe(true);
    expect(t.chips()).toEqual(['ann@maildock.test']);
    expect(t.input.value).toBe('');

    t.type('"Stone, Bob');
    expect(t.key(',').defaultPrevented).toBe(false);
    t.type('"Stone, Bob" <bob@maildock.test>');
    t.key('Enter');
    expect(t.chips()).toEqual(['ann@maildock.test', 'Stone, Bob']);
    expect(t.state.recipients[1]).toEqual({
      name: 'Stone, Bob',
      address: 'bob@maildock.test',
      valid: true,
    });
    // Enter in an empty field does nothing (it must not send the form).
    expect(t.key('Enter').defaultPrevented).toBe(false);
  });

  it('completes: arrows move, Enter picks, Tab picks and lets the focus move on', async () => {
    const t = setup();
    t.type('an');
    let opts = await t.suggestions();
    expect(opts.map((o) => o.textContent)).toEqual([
      'Ann Archerann@maildock.test',
      'Anna Bellanna@maildock.test',
    ]);
    expect(t.input.getAttribute('aria-expanded')).toBe('true');
    expect(opts[0]!.getAttribute('aria-selected')).toBe('true');
    t.key('ArrowDown');
    opts = t.options();
    expect(opts[1]!.getAttribute('aria-selected')).toBe('true');
    expect(t.input.getAttribute('aria-activedescendant')).toBe(opts[1]!.id);
    t.key('ArrowDown');
    expect(t.options()[0]!.getAttribute('aria-selected')).toBe('true');
    t.key('ArrowUp');
    t.key('Enter');
    expect(t.state.recipients).toEqual([
      { name: 'Anna Bell', address: 'anna@maildock.test', valid: true },
    ]);
    expect(t.options()).toHaveLength(0);

    // Already chosen addresses are not suggested again.
    t.type('an');
    opts = await t.suggestions();
    expect(opts.map((o) => o.textContent)).toEqual(['Ann Archerann@maildock.test']);
    const tab = t.key('Tab');
    expect(tab.defaultPrevented).toBe(false);
    expect(t.chips()).toEqual(['Anna Bell', 'Ann Archer']);
  });

  it('Escape closes the suggestions and goes no further; the next Escape is the dialog’s', async () => {
    const t = setup();
    let reached = 0;
    const count = () => reached++;
    document.addEventListener('keydown', count);
    try {
      t.type('bo');
      await t.suggestions();
      const first = t.key('Escape');
      expect(first.defaultPrevented).toBe(true);
      expect(t.options()).toHaveLength(0);
      expect(reached).toBe(0);
      const second = t.key('Escape');
      expect(second.defaultPrevented).toBe(false);
      expect(reached).toBe(1);
    } finally {
      document.removeEventListener('keydown', count);
    }
  });

  it('Backspace in the empty field removes the last chip, never a locked one', () => {
    const t = setup([{ name: 'Bob Stone', address: 'bob@maildock.test', valid: true }]);
    t.type('ann@maildock.test, cy@maildock.test,');
    // Typed with the separators at once (as autofill would): taken as it is until a key.
    t.key('Enter');
    expect(t.chips()).toEqual(['Bob Stone', 'ann@maildock.test', 'cy@maildock.test']);
    t.key('Backspace');
    expect(t.chips()).toEqual(['Bob Stone', 'ann@maildock.test']);
    t.key('Backspace');
    t.key('Backspace');
    expect(t.chips()).toEqual(['Bob Stone']);
    expect(t.el.querySelector('.chip-locked button')).toBeNull();
    // With text in the field, Backspace is the text's.
    t.type('x');
    expect(t.key('Backspace').defaultPrevented).toBe(false);
  });

  it('makes chips of a pasted list and marks the invalid ones', () => {
    const t = setup();
    const paste = new Event('paste', { bubbles: true, cancelable: true });
    Object.defineProperty(paste, 'clipboardData', {
      value: {
        getData: () =>
          'Ann Archer <ann@maildock.test>, "Stone, Bob" <bob@maildock.test>; not-an-address',
      },
    });
    act(() => void t.input.dispatchEvent(paste));
    expect(paste.defaultPrevented).toBe(true);
    expect(t.chips()).toEqual(['Ann Archer', 'Stone, Bob', 'not-an-address']);
    const bad = t.el.querySelectorAll('.chip-invalid');
    expect(bad).toHaveLength(1);
    expect(bad[0]!.textContent).toContain('(not a valid address)');
    expect(t.input.getAttribute('aria-invalid')).toBe('true');
    // Each chip can be removed by its named button.
    const remove = t.el.querySelector<HTMLButtonElement>(
      'button[aria-label="Remove not-an-address"]',
    )!;
    act(() => remove.click());
    expect(t.chips()).toEqual(['Ann Archer', 'Stone, Bob']);
    expect(t.input.getAttribute('aria-invalid')).toBeNull();
  });
});
