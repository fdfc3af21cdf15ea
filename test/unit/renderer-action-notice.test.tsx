// @vitest-environment jsdom
// The actions' hook and notice over a fake client: a Result reads as its description with
// an Undo that calls action.undo, a failure as ERROR_TEXT's sentence, and the list is told
// to reload after either.
import { act } from 'react';
import { createRoot } from 'react-dom/client';
import { afterEach, describe, expect, it } from 'vitest';
import { ERROR_TEXT } from '../../common/errors.js';
import type { MessageSummary } from '../../common/types.js';
import { ClientError, type MaildockClient } from '../../renderer/src/client/client.js';
import { useActions, type ActionsState } from '../../renderer/src/state/use-actions.js';
import { ActionNotice } from '../../renderer/src/ui/ActionNotice.js';

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

let container: HTMLElement | null = null;
afterEach(() => container?.remove());

function setup(answer: (method: string, input: unknown) => unknown) {
  const calls: [string, unknown][] = [];
  let reloads = 0;
  const client = {
    transport: 'http',
    call: async (method: string, input: unknown) => {
      calls.push([method, input]);
      return answer(method, input);
    },
    on: () => () => undefined,
  } as unknown as MaildockClient;
  const state: { actions?: ActionsState } = {};
  function Harness() {
    state.actions = useActions(client, () => reloads++);
    return <ActionNotice actions={state.actions} />;
  }
  container = document.createElement('div');
  document.body.append(container);
  const root = createRoot(container);
  act(() => root.render(<Harness />));
  return { calls, reloads: () => reloads, state, el: container };
}

const msg = (id: number, flags: string[] = []) => ({ id, flags }) as MessageSummary;

describe('the actions notice', () => {
  it('says what happened and undoes through action.undo', async () => {
    const t = setup((method) =>
      method === 'action.undo'
        ? { undone: true, actionId: 7, description: 'Undone: Moved 2 messages to Archive' }
        : { actionId: 7, affected: 2, description: 'Moved 2 messages to Archive' },
    );
    await act(() => t.state.actions!.run('archive', [msg(1), msg(2)]));
    expect(t.calls).toEqual([['message.move', { ids: [1, 2], role: 'archive' }]]);
    expect(t.el.querySelector('[role=status]')?.textContent).toBe('Moved 2 messages to Archive');
    expect(t.reloads()).toBe(1);

    const undo = [...t.el.querySelectorAll('button')].find((b) => b.textContent === 'Undo')!;
    await act(async () => undo.click());
    expect(t.calls.at(-1)).toEqual(['action.undo', { actionId: 7 }]);
    expect(t.el.querySelector('[role=status]')?.textContent).toBe(
      'Undone: Moved 2 messages to Archive',
    );
    // Nothing left to undo from the notice itself.
    expect([...t.el.querySelectorAll('button')].map((b) => b.textContent)).toEqual(['×']);
    expect(t.reloads()).toBe(2);
  });

  it('undoes only this window’s own actions, latest first, and nothing when it has none', async () => {
    let next = 10;
    const t = setup((method, input) =>
      method === 'action.undo'
        ? {
            undone: true,
            actionId: (input as { actionId: number }).actionId,
            description: 'Undone',
          }
        : { actionId: next++, affected: 1, description: `Moved ${method}` },
    );
    await act(() => t.state.actions!.undo());
    expect(t.calls).toEqual([]);
    expect(t.state.actions!.undoable).toBeNull();
    await act(() => t.state.actions!.run('archive', [msg(1)]));
    await act(() => t.state.actions!.run('trash', [msg(2)]));
    // Kept as what this window asked for, said in the UI's language when shown.
    expect(t.state.actions!.undoable).toEqual({
      actionId: 11,
      what: { kind: 'deleted', count: 1 },
    });
    await act(() => t.state.actions!.undo());
    await act(() => t.state.actions!.undo());
    await act(() => t.state.actions!.undo());
    expect(t.calls.filter(([m]) => m === 'action.undo')).toEqual([
      ['action.undo', { actionId: 11 }],
      ['action.undo', { actionId: 10 }],
    ]);
    expect(t.state.actions!.undoable).toBeNull();
  });

  it('shows a failure in ERROR_TEXT’s words, and still reloads', async () => {
    const t = setup(() => {
      throw new ClientError({ code: 'NOT_FOUND', message: 'No message 9' });
    });
    await act(() => t.state.actions!.run('flag', [msg(9)]));
    expect(t.el.querySelector('[role=alert]')?.textContent).toBe(
      `${ERROR_TEXT.NOT_FOUND} No message 9`,
    );
    expect(t.reloads()).toBe(1);
  });

  it('marks an unread message read when opened, and leaves a read one alone', async () => {
    const t = setup(() => ({ actionId: 3, affected: 1, description: 'Marked read' }));
    await act(async () => t.state.actions!.markRead([msg(4, ['\\Seen'])]));
    await act(async () => t.state.actions!.markRead([msg(5)]));
    expect(t.calls).toEqual([['message.mark', { ids: [5], read: true, undoable: false }]]);
    // Opening is no action of the user's: no notice.
    expect(t.el.textContent).toBe('');
  });
});
