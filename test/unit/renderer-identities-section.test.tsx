// @vitest-environment jsdom
// The identities section of an account's settings over a fake client: an alias added is
// sent as identity.save's input and the account the core answers with is what the list
// shows; the core's refusal reads as its error's sentence with the core's words and nothing
// changes; removing asks first, and only an alias can be removed.
import { act } from 'react';
import { createRoot } from 'react-dom/client';
import { afterEach, describe, expect, it } from 'vitest';
import { ERROR_TEXT } from '../../common/errors.js';
import type { Account, Identity } from '../../common/types.js';
import { ClientError, type MaildockClient } from '../../renderer/src/client/client.js';
import { ClientProvider } from '../../renderer/src/client/context.js';
import { IdentitiesSection } from '../../renderer/src/settings/IdentitiesSection.js';

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

const own: Identity = { email: 'ann@x.test', name: 'Ann', signature: null, primary: true };
const alias: Identity = {
  email: 'help@x.test',
  name: 'Ann Help',
  signature: { text: 'Help desk', html: null },
  primary: false,
};
const account = (identities: Identity[]): Account => ({
  id: 4,
  email: 'ann@x.test',
  name: 'Ann',
  imap: { host: 'imap.x.test', port: 993, security: 'tls', user: 'ann@x.test' },
  smtp: null,
  identities,
  createdAt: '2025-01-01T00:00:00.000Z',
});

let container: HTMLElement | null = null;
afterEach(() => container?.remove());

function setup(start: Account, answer: (method: string, input: unknown) => unknown) {
  const calls: [string, unknown][] = [];
  const changed: Account[] = [];
  const client = {
    transport: 'http',
    call: async (method: string, input: unknown) => {
      calls.push([method, input]);
      return answer(method, input);
    },
    on: () => () => undefined,
  } as unknown as MaildockClient;
  container = document.createElement('div');
  document.body.append(container);
  const root = createRoot(container);
  act(() =>
    root.render(
      <ClientProvider client={client}>
        <IdentitiesSection account={start} onChanged={(a) => changed.push(a)} />
      </ClientProvider>,
    ),
  );
  const el = container;
  const field = (label: string) => {
    const l = [...el.querySelectorAll('label')].find((x) => x.textContent === label)!;
    return document.getElementById(l.htmlFor) as HTMLInputElement | HTMLTextAreaElement;
  };
  const type = (label: string, value: string) =>
    act(() => {
      const i = field(label);
      const proto = i instanceof HTMLTextAreaElement ? HTMLTextAreaElement : HTMLInputElement;
      // React listens for the native setter's input event.
      Object.getOwnPropertyDescriptor(proto.prototype, 'value')!.set!.call(i, value);
      i.dispatchEvent(new Event('input', { bubbles: true }));
    });
  const button = (name: string) =>
    [...el.querySelectorAll('button')].find(
      (b) => b.getAttribute('aria-label') === name || b.textContent === name,
    );
  const items = () => [...el.querySelectorAll('.identity-item-name')].map((p) => p.textContent);
  return { calls, changed, el, type, button, items };
}

describe('the identities section', () => {
  it('adds an alias with identity.save and shows the account the core answers with', async () => {
    const t = setup(account([own]), () => account([own, alias]));
    expect(t.items()).toEqual(['Ann <ann@x.test>Own address']);
    expect(t.button('Remove identity ann@x.test')).toBeUndefined();
    await act(async () => t.button('Add an address')!.click());
    t.type('Email address', 'help@x.test');
    t.type('Name (shown to recipients)', 'Ann Help');
    t.type('Signature (plain text)', 'Help desk');
    await act(async () => t.button('Add')!.click());
    expect(t.calls).toEqual([
      [
        'identity.save',
        {
          accountId: 4,
          email: 'help@x.test',
          name: 'Ann Help',
          signature: { text: 'Help desk', html: null },
        },
      ],
    ]);
    expect(t.items()).toEqual(['Ann <ann@x.test>Own address', 'Ann Help <help@x.test>']);
    expect(t.changed.map((a) => a.identities.length)).toEqual([2]);
    expect(t.el.querySelector('[role=status]')?.textContent).toBe('Added help@x.test.');
  });

  it('shows the core’s refusal as settings show errors; nothing changes', async () => {
    const t = setup(account([own]), () => {
      throw new ClientError({
        code: 'INVALID_INPUT',
        message: 'Account 4 has 20 identities, as many as it can have: remove one first.',
        fields: { accountId: 4, path: 'email' },
      });
    });
    await act(async () => t.button('Add an address')!.click());
    t.type('Email address', 'help@x.test');
    await act(async () => t.button('Add')!.click());
    expect(t.el.querySelector('.settings-error-sentence')?.textContent).toBe(
      ERROR_TEXT.INVALID_INPUT,
    );
    expect(t.el.querySelector('.settings-error')?.textContent).toContain('remove one first');
    expect(t.items()).toEqual(['Ann <ann@x.test>Own address']);
    expect(t.changed).toEqual([]);
  });

  it('removes an alias only after asking', async () => {
    const t = setup(account([own, alias]), () => account([own]));
    await act(async () => t.button('Remove identity help@x.test')!.click());
    expect(t.calls).toEqual([]);
    const ask = t.el.querySelector('[role=group]')!;
    expect(ask.getAttribute('aria-label')).toBe('Remove help@x.test?');
    // Kept: nothing happens.
    await act(async () => t.button('Keep')!.click());
    expect(t.calls).toEqual([]);
    await act(async () => t.button('Remove identity help@x.test')!.click());
    await act(async () => t.button('Remove')!.click());
    expect(t.calls).toEqual([['identity.remove', { accountId: 4, email: 'help@x.test' }]]);
    expect(t.items()).toEqual(['Ann <ann@x.test>Own address']);
    expect(t.el.querySelector('[role=status]')?.textContent).toBe('Removed help@x.test.');
  });
});
