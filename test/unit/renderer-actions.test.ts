// The mail actions' logic: which call a key or button becomes for a selection (toggles
// decided over the whole selection), and which keys reach which action.
import { describe, expect, it } from 'vitest';
import { UI_ACTIONS, type MessageSummary } from '../../common/types.js';
import { callFor, leavesList } from '../../renderer/src/state/actions.js';
import { handleKey, LIST_KEY_ACTIONS, type KeyActions } from '../../renderer/src/state/use-keys.js';

const msg = (id: number, flags: string[]) => ({ id, flags }) as MessageSummary;

describe('callFor', () => {
  it('flags a selection unless every message is flagged', () => {
    expect(callFor('flag', [msg(1, []), msg(2, ['\\Flagged'])])).toEqual({
      method: 'message.mark',
      input: { flagged: true },
    });
    expect(callFor('flag', [msg(1, ['\\Flagged']), msg(2, ['\\Flagged', '\\Seen'])])).toEqual({
      method: 'message.mark',
      input: { flagged: false },
    });
  });

  it('marks read unless every message is read, then unread', () => {
    expect(callFor('read', [msg(1, ['\\Seen']), msg(2, [])]).input).toEqual({ read: true });
    expect(callFor('read', [msg(1, ['\\Seen'])]).input).toEqual({ read: false });
  });

  it('archives by role and deletes to the Trash; only those leave the list', () => {
    expect(callFor('archive', [msg(1, [])])).toEqual({
      method: 'message.move',
      input: { role: 'archive' },
    });
    expect(callFor('trash', [msg(1, [])])).toEqual({ method: 'message.delete', input: {} });
    expect([leavesList('archive'), leavesList('trash')]).toEqual([true, true]);
    expect([leavesList('flag'), leavesList('read')]).toEqual([false, false]);
  });
});

describe('the action keys', () => {
  function press(init: Partial<KeyboardEvent> & { key: string }, target?: unknown) {
    const log: string[] = [];
    const actions = Object.fromEntries(
      [...UI_ACTIONS, ...LIST_KEY_ACTIONS].map((n) => [n, () => log.push(n)]),
    ) as KeyActions;
    const e = {
      ctrlKey: false,
      metaKey: false,
      altKey: false,
      shiftKey: false,
      target: target ?? null,
      ...init,
    } as KeyboardEvent;
    return { handled: handleKey(e, actions), log };
  }

  it('maps s, u, e, #, z to their actions', () => {
    expect(press({ key: 's' }).log).toEqual(['flag']);
    expect(press({ key: 'u' }).log).toEqual(['read']);
    expect(press({ key: 'e' }).log).toEqual(['archive']);
    expect(press({ key: '#', shiftKey: true }).log).toEqual(['trash']);
    expect(press({ key: 'z' }).log).toEqual(['undo']);
  });

  it('maps r, a, f, c to reply, reply all, forward and compose, not in a field', () => {
    expect(['r', 'a', 'f', 'c'].map((key) => press({ key }).log[0])).toEqual([
      'reply',
      'replyAll',
      'forward',
      'compose',
    ]);
    const field = { closest: (sel: string) => (sel.includes('contenteditable') ? {} : null) };
    expect(press({ key: 'r' }, field)).toEqual({ handled: false, log: [] });
    expect(press({ key: 'c', ctrlKey: true })).toEqual({ handled: false, log: [] });
  });

  it('takes Ctrl+Z and ⌘+Z as undo, but no other modified letter', () => {
    expect(press({ key: 'z', ctrlKey: true }).log).toEqual(['undo']);
    expect(press({ key: 'Z', metaKey: true }).log).toEqual(['undo']);
    expect(press({ key: 's', ctrlKey: true })).toEqual({ handled: false, log: [] });
    expect(press({ key: 'z', ctrlKey: true, shiftKey: true })).toEqual({
      handled: false,
      log: [],
    });
  });

  it('leaves keys typed into a field to the field, Ctrl+Z included', () => {
    const field = { closest: (sel: string) => (sel.includes('input') ? {} : null) };
    expect(press({ key: 's' }, field)).toEqual({ handled: false, log: [] });
    expect(press({ key: 'z', ctrlKey: true }, field)).toEqual({ handled: false, log: [] });
  });
});
