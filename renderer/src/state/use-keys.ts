// The app's keyboard: j/k move through the list, Enter opens the message in the reader,
// Escape or Backspace goes back to the list where the reader took its place, / goes to the
// search field; s, u, e and # act on the selection, z (and Ctrl/⌘+Z, outside a field)
// undoes; v moves to a folder, ? lists every key; r, a and f answer the open message
// (reply, reply all, forward), c writes a new one. [ and ] step through the sidebar's
// folders, g then a letter goes to a folder (Gmail's letters), t switches conversations.
// Delete (and Backspace where it does not go back) deletes the selection, Shift+J marks it
// as junk (not junk in the Junk folder), o opens like Enter, Ctrl/⌘+A selects the whole
// list. Keys typed into a field are the field's.
import { useEffect, useRef } from 'react';
import type { UiAction } from '../../../common/types.js';

/** One function per action of the contract's list (the desktop menu asks for them too). */
export type KeyActions = Record<UiAction | ListKeyAction, () => void>;

/**
 * The list's own keys, beyond the contract's actions (the desktop menu does not ask for
 * them): `erase` is Backspace, back to the list where the reader took its place, else delete.
 */
export const LIST_KEY_ACTIONS = ['delete', 'erase'] as const;
export type ListKeyAction = (typeof LIST_KEY_ACTIONS)[number];

/** What `g` then a key does: Gmail's letters, and # for the Trash as the key that trashes. */
export const GO_KEYS: Record<string, UiAction> = {
  i: 'goInbox',
  t: 'goSent',
  d: 'goDrafts',
  a: 'goArchive',
  s: 'goFlagged',
  '#': 'goTrash',
};

export const SINGLE_KEYS: Record<string, UiAction | ListKeyAction> = {
  j: 'next',
  k: 'previous',
  '/': 'search',
  s: 'flag',
  u: 'read',
  e: 'archive',
  // '#' is Shift+3 on most layouts: the character counts, not the key.
  '#': 'trash',
  z: 'undo',
  v: 'move',
  '?': 'help',
  r: 'reply',
  a: 'replyAll',
  f: 'forward',
  c: 'compose',
  '[': 'previousFolder',
  ']': 'nextFolder',
  t: 'threads',
  o: 'open',
  Escape: 'back',
  Backspace: 'erase',
  Delete: 'delete',
};

/**
 * Keys with Shift, by the letter typed. Caps Lock alone types the capital too, without
 * Shift held: that is no junk.
 */
export const SHIFT_KEYS: Record<string, UiAction> = {
  J: 'junk',
};

/** How long `g` waits for its second key. */
export const PREFIX_MS = 1500;

/** What a key sequence has typed so far: a `g` waiting for its letter, and when. */
export interface KeyState {
  prefix: 'g' | null;
  at: number;
}
export const freshKeys = (): KeyState => ({ prefix: null, at: 0 });

function within(target: EventTarget | null, selector: string): boolean {
  const el = target as HTMLElement | null;
  return !!el && typeof el.closest === 'function' && el.closest(selector) !== null;
}
const typing = (t: EventTarget | null) =>
  within(t, 'input, textarea, select, [contenteditable="true"]');
/** Enter on a button or link is that control's own. */
const control = (t: EventTarget | null) => within(t, 'button, a[href], summary');
/** Ctrl/⌘+A selects the list's messages from the list itself or from no control at all. */
const inList = (t: EventTarget | null) =>
  within(t, '.list-pane') || (t as HTMLElement | null)?.tagName === 'BODY';
const MODIFIERS = new Set(['Shift', 'Control', 'Alt', 'AltGraph', 'Meta', 'CapsLock']);

export function handleKey(
  e: KeyboardEvent,
  actions: KeyActions,
  state: KeyState = freshKeys(),
  now = Date.now(),
): boolean {
  if (typing(e.target)) return false;
  // Ctrl/⌘+Z is the platform's undo; in a field (above) it stays the field's own.
  if ((e.ctrlKey || e.metaKey) && !e.altKey && !e.shiftKey && e.key.toLowerCase() === 'z') {
    actions.undo();
    return true;
  }
  if ((e.ctrlKey || e.metaKey) && !e.altKey && !e.shiftKey && e.key.toLowerCase() === 'a') {
    if (!inList(e.target)) return false;
    actions.selectAll();
    return true;
  }
  // AltGr (Ctrl+Alt on Windows) types [ ] # on many layouts: the character is what counts.
  const altGraph = typeof e.getModifierState === 'function' && e.getModifierState('AltGraph');
  if ((e.ctrlKey || e.metaKey || e.altKey) && !altGraph) return false;
  if (MODIFIERS.has(e.key)) return false;

  const waiting = state.prefix === 'g' && now - state.at < PREFIX_MS;
  state.prefix = null;
  if (waiting) {
    const go = GO_KEYS[e.key];
    if (go) {
      actions[go]();
      return true;
    }
  }
  if (e.key === 'g') {
    state.prefix = 'g';
    state.at = now;
    return true;
  }
  if (e.key === 'Enter') {
    if (control(e.target)) return false;
    actions.open();
    return true;
  }
  const action = e.shiftKey && SHIFT_KEYS[e.key] ? SHIFT_KEYS[e.key] : SINGLE_KEYS[e.key];
  if (!action) return false;
  actions[action]();
  return true;
}

export function useKeys(actions: KeyActions): void {
  const latest = useRef(actions);
  latest.current = actions;
  useEffect(() => {
    const state = freshKeys();
    const onKey = (e: KeyboardEvent) => {
      if (handleKey(e, latest.current, state)) e.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
}
