// One Escape stack for the page: whatever opened last (a menu, a list of suggestions, a
// prompt, a dialog, the compose pane) closes first, and that keypress does nothing else.
// One listener on the window, in the capture phase, so a field, the editor or the platform's
// <dialog> never sees an Escape that a layer above it has taken.
import { useEffect, useRef, type RefObject } from 'react';

interface Layer {
  close(): void;
  /** A layer that is not modal answers only to keys typed inside it. */
  within: RefObject<HTMLElement | null> | undefined;
}

const layers: Layer[] = [];

function applies(layer: Layer, target: EventTarget | null): boolean {
  if (!layer.within) return true;
  const area = layer.within.current;
  return !!area && target instanceof Node && area.contains(target);
}

function onKeyDown(e: KeyboardEvent): void {
  // An Escape that ends an input method's composition is the input method's.
  if (e.key !== 'Escape' || e.isComposing) return;
  const top = layers.findLast((layer) => applies(layer, e.target));
  if (!top) return;
  e.preventDefault();
  e.stopPropagation();
  top.close();
}

function push(layer: Layer): () => void {
  if (!layers.length) window.addEventListener('keydown', onKeyDown, true);
  layers.push(layer);
  return () => {
    const at = layers.indexOf(layer);
    if (at >= 0) layers.splice(at, 1);
    if (!layers.length) window.removeEventListener('keydown', onKeyDown, true);
  };
}

/**
 * While `active`, Escape calls `onEscape` (the latest one given) unless something opened
 * later takes it first. With `within`, only Escape typed inside that element counts.
 */
export function useEscape(
  onEscape: () => void,
  opts: { active?: boolean; within?: RefObject<HTMLElement | null> } = {},
): void {
  const latest = useRef(onEscape);
  latest.current = onEscape;
  const active = opts.active ?? true;
  const within = opts.within;
  useEffect(() => {
    if (!active) return;
    return push({ close: () => latest.current(), within });
  }, [active, within]);
}
