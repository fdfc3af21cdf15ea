// What the desktop shell asks of the page (`ui.command`): each menu action reaches the same
// function as its key, a mailto: link opens compose with its fields, and a command that does
// not match the contract never reaches the page.
import { describe, expect, it } from 'vitest';
import { UI_ACTIONS, type UiAction, type UiCommand } from '../../common/types.js';
import { createClient } from '../../renderer/src/client/client.js';
import type { Transport } from '../../renderer/src/client/transport.js';
import { prefilledForm } from '../../renderer/src/compose/form.js';
import { runUiCommand, type UiCommandHandlers } from '../../renderer/src/state/use-ui-commands.js';

function recording() {
  const calls: string[] = [];
  const actions = Object.fromEntries(UI_ACTIONS.map((a) => [a, () => calls.push(a)])) as Record<
    UiAction,
    () => void
  >;
  const composed: unknown[] = [];
  const h: UiCommandHandlers = {
    actions,
    compose: (f) => composed.push(f),
    settings: () => calls.push('settings'),
    openMailbox: (id) => calls.push(`mailbox ${id}`),
  };
  return { calls, composed, h };
}

describe('ui.command', () => {
  it('runs each action of the contract’s list, the settings, a folder, and compose with its fields', () => {
    const r = recording();
    for (const action of UI_ACTIONS) runUiCommand({ command: 'action', action }, r.h);
    runUiCommand({ command: 'settings' }, r.h);
    runUiCommand({ command: 'open-mailbox', mailboxId: 4 }, r.h);
    expect(r.calls).toEqual([...UI_ACTIONS, 'settings', 'mailbox 4']);
    const fields = { to: ['a@example.test'], cc: [], bcc: [], subject: 'Hi', body: 'Text' };
    runUiCommand({ command: 'compose', ...fields }, r.h);
    expect(r.composed).toEqual([fields]);
  });

  it('reaches the page only when it matches the contract', () => {
    let emit: (payload: unknown) => void = () => undefined;
    const transport: Transport = {
      kind: 'ipc',
      invoke: async () => ({ ok: true, value: null }),
      on: (event, fn) => {
        if (event === 'ui.command') emit = fn;
        return () => undefined;
      },
    };
    const got: UiCommand[] = [];
    createClient(transport).on('ui.command', (c) => got.push(c));
    emit({ command: 'action', action: 'compose' });
    emit({ command: 'action', action: 'rm -rf' });
    emit({ command: 'compose', to: ['x'], cc: [], bcc: [], subject: 'a', body: 'b', extra: 1 });
    emit({ command: 'open', url: 'file:///etc/passwd' });
    expect(got).toEqual([{ command: 'action', action: 'compose' }]);
  });

  it('makes a mailto: link a new message: recipients as chips, the body as paragraphs', () => {
    const form = prefilledForm(3, {
      to: ['Ann <ann@example.test>', 'bo@example.test'],
      cc: ['cy@example.test'],
      bcc: [],
      subject: 'Lunch',
      body: 'See you\nat noon\n\n<b>not bold</b>',
    });
    expect(form.accountId).toBe(3);
    expect(form.to.map((r) => r.address)).toEqual(['ann@example.test', 'bo@example.test']);
    expect(form.to[0]!.name).toBe('Ann');
    expect(form.cc.map((r) => r.address)).toEqual(['cy@example.test']);
    expect(form.subject).toBe('Lunch');
    expect(form.html).toBe('<p>See you<br>at noon</p><p>&#60;b&#62;not bold&#60;/b&#62;</p>');
  });
});
