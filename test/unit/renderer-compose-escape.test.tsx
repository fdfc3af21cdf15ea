// @vitest-environment jsdom
// The page's one Escape stack: the layer opened last closes first and that keypress reaches
// nothing else; a layer that is not modal (the compose pane) answers only to keys typed in
// it; a layer that closes leaves the next Escape to the one under it.
import { act, useRef, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { afterEach, describe, expect, it } from 'vitest';
import { useEscape } from '../../renderer/src/ui/escape.js';

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

let container: HTMLElement | null = null;
afterEach(() => container?.remove());

function setup() {
  const closed: string[] = [];
  const state = { openMenu: () => undefined as void };
  function Menu(props: { onClose(): void }) {
    useEscape(props.onClose);
    return <div className="menu">menu</div>;
  }
  function Pane() {
    const area = useRef<HTMLElement>(null);
    const [menu, setMenu] = useState(false);
    state.openMenu = () => setMenu(true);
    useEscape(() => closed.push('pane'), { within: area });
    return (
      <section ref={area}>
        <input className="in-pane" />
        {menu ? (
          <Menu
            onClose={() => {
              closed.push('menu');
              setMenu(false);
            }}
          />
        ) : null}
      </section>
    );
  }
  container = document.createElement('div');
  document.body.append(container);
  const root = createRoot(container);
  act(() =>
    root.render(
      <>
        <input className="outside" />
        <Pane />
      </>,
    ),
  );
  let reached = 0;
  container.addEventListener('keydown', () => reached++);
  const escapeIn = (selector: string) => {
    const e = new KeyboardEvent('keydown', { key: 'Escape', bubbles: true, cancelable: true });
    act(() => void container!.querySelector(selector)!.dispatchEvent(e));
    return e;
  };
  return { closed, state, escapeIn, reached: () => reached };
}

describe('the Escape stack', () => {
  it('closes the topmost layer only, one per keypress', () => {
    const t = setup();
    act(() => t.state.openMenu());
    const first = t.escapeIn('.in-pane');
    expect(first.defaultPrevented).toBe(true);
    expect(t.closed).toEqual(['menu']);
    expect(t.reached()).toBe(0);
    t.escapeIn('.in-pane');
    expect(t.closed).toEqual(['menu', 'pane']);
  });

  it('a pane that is not modal ignores an Escape typed outside it; a menu does not', () => {
    const t = setup();
    const outside = t.escapeIn('.outside');
    expect(outside.defaultPrevented).toBe(false);
    expect(t.closed).toEqual([]);
    expect(t.reached()).toBe(1);
    act(() => t.state.openMenu());
    t.escapeIn('.outside');
    expect(t.closed).toEqual(['menu']);
  });
});
