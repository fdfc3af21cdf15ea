// @vitest-environment jsdom
// "This app" in the settings: where the passwords are kept, said as a sentence for each
// store; and the desktop app's two settings, shown only over IPC, each change sent to the
// core and the core's answer shown.
import { act } from 'react';
import { createRoot } from 'react-dom/client';
import { afterEach, describe, expect, it } from 'vitest';
import type { AppSettings } from '../../common/types.js';
import type { MaildockClient } from '../../renderer/src/client/client.js';
import { ClientProvider } from '../../renderer/src/client/context.js';
import { AppPanel, secretsWords } from '../../renderer/src/settings/AppPanel.js';

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

let container: HTMLDivElement | null = null;
afterEach(() => {
  container?.remove();
  container = null;
});

function client(transport: 'ipc' | 'http', secrets: 'keychain' | 'encrypted-file') {
  const calls: [string, unknown][] = [];
  let settings: AppSettings = { closeToTray: true, stopStackOnQuit: false, mailtoHandler: 'ask' };
  const c = {
    transport,
    call: async (method: string, input: Partial<AppSettings>) => {
      calls.push([method, input]);
      if (method === 'app.info') return { version: '1.2.3', secrets };
      if (method === 'app.settings') return (settings = { ...settings, ...input });
      throw new Error(method);
    },
    on: () => () => undefined,
  } as unknown as MaildockClient;
  return { c, calls };
}

async function render(c: MaildockClient) {
  container = document.createElement('div');
  document.body.append(container);
  const root = createRoot(container);
  await act(async () => {
    root.render(
      <ClientProvider client={c}>
        <AppPanel />
      </ClientProvider>,
    );
  });
  return container;
}

describe('the “This app” panel', () => {
  it('says where each store keeps the passwords', () => {
    expect(secretsWords({ version: '1', secrets: 'keychain' })).toBe(
      'Account passwords are kept in the system keychain.',
    );
    expect(secretsWords({ version: '1', secrets: 'encrypted-file' })).toMatch(/encrypted file/);
  });

  it('in the desktop app, shows the two settings and sends each change to the core', async () => {
    const { c, calls } = client('ipc', 'keychain');
    const el = await render(c);
    expect(el.querySelector('h3')!.textContent).toBe('Maildock 1.2.3');
    expect(el.querySelector('.app-secrets')!.textContent).toBe(
      'Account passwords are kept in the system keychain.',
    );
    const boxes = [...el.querySelectorAll<HTMLInputElement>('input[type=checkbox]')];
    expect(boxes.map((b) => b.checked)).toEqual([true, false]);
    await act(async () => boxes[1]!.click());
    expect(calls.at(-1)).toEqual(['app.settings', { stopStackOnQuit: true }]);
    expect(
      [...el.querySelectorAll<HTMLInputElement>('input[type=checkbox]')].map((b) => b.checked),
    ).toEqual([true, true]);
  });

  it('in the desktop app, lets the person say whether Maildock opens email links', async () => {
    const { c, calls } = client('ipc', 'keychain');
    const el = await render(c);
    const select = el.querySelector<HTMLSelectElement>('select')!;
    expect(select.closest('label')!.textContent).toMatch(/email links \(mailto:\)/);
    expect(select.value).toBe('ask');
    await act(async () => {
      select.value = 'no';
      select.dispatchEvent(new Event('change', { bubbles: true }));
    });
    expect(calls.at(-1)).toEqual(['app.settings', { mailtoHandler: 'no' }]);
    expect(el.querySelector<HTMLSelectElement>('select')!.value).toBe('no');
  });

  it('served to a browser, shows no desktop settings and never asks for them', async () => {
    const { c, calls } = client('http', 'encrypted-file');
    const el = await render(c);
    expect(el.querySelectorAll('input[type=checkbox]')).toHaveLength(0);
    expect(calls.map(([m]) => m)).toEqual(['app.info']);
  });
});
