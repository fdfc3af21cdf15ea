// @vitest-environment jsdom
// Views loaded apart from the page's start (ui/lazy.tsx): shown once their code is here; at
// once, in the same render, when it already is (a second dialog of the same module, or one
// fetched ahead); and where the code does not arrive, an error with Try again that loads it.
import { act } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { afterEach, expect, it, vi } from 'vitest';
import { later, loader } from '../../renderer/src/ui/lazy.js';

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

let container: HTMLDivElement | null = null;
let root: Root | null = null;
afterEach(() => {
  vi.restoreAllMocks();
  act(() => root?.unmount());
  container?.remove();
  container = root = null;
});

function mount(node: React.ReactNode) {
  container = document.createElement('div');
  document.body.append(container);
  root = createRoot(container);
  act(() => root!.render(node));
  return container;
}

const views = {
  Hello: (p: { name: string }) => <p>Hello {p.name}</p>,
  Bye: () => <p>Bye</p>,
};

it('shows a view once its code is here, and another of the same module in the same render', async () => {
  let release!: (m: typeof views) => void;
  const module = loader(() => new Promise<typeof views>((r) => (release = r)));
  const Hello = later(module, (m) => m.Hello, <p>Opening…</p>);
  const Bye = later(module, (m) => m.Bye);
  const el = mount(<Hello name="Ann" />);
  expect(el.textContent).toBe('Opening…');
  await act(async () => release(views));
  expect(el.textContent).toBe('Hello Ann');
  // No await: rendered in this very pass.
  act(() => root!.render(<Bye />));
  expect(el.textContent).toBe('Bye');
});

it('renders at once what was fetched ahead', async () => {
  const module = loader(async () => views);
  module.preload();
  await Promise.resolve();
  await Promise.resolve();
  const Hello = later(module, (m) => m.Hello);
  expect(mount(<Hello name="Bo" />).textContent).toBe('Hello Bo');
});

it('says so when the code does not arrive, and Try again loads it', async () => {
  // React logs the failure its boundary caught.
  vi.spyOn(console, 'error').mockImplementation(() => undefined);
  let fail = true;
  const module = loader(async () => {
    if (fail) throw new TypeError('Failed to fetch dynamically imported module');
    return views;
  });
  const Hello = later(module, (m) => m.Hello);
  const el = mount(<Hello name="Cy" />);
  await act(async () => undefined);
  expect(el.querySelector('.state-error')?.textContent).toContain(
    'Failed to fetch dynamically imported module',
  );
  fail = false;
  const retry = [...el.querySelectorAll('button')].find((b) => b.textContent === 'Try again')!;
  await act(async () => retry.click());
  expect(el.textContent).toBe('Hello Cy');
});
