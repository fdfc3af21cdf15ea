// @vitest-environment jsdom
// The import and export dialogs over a fake client (the e2e test runs them against a real
// core): the pushed progress of the dialog's own transfer, a Cancel pressed before the
// transfer's first event that still reaches the core, the summary with skipped messages
// capped, the core's errors in its own words with the form usable again, the "replace"
// question only once the core said the target is there, closing while it runs cancels,
// and the native picker on the desktop only.
import { act } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { afterEach, beforeAll, expect, it } from 'vitest';
import { ERROR_TEXT, type ErrorData } from '../../common/errors.js';
import type { Mailbox, TransferProgress } from '../../common/types.js';
import { ClientError, type MaildockClient } from '../../renderer/src/client/client.js';
import { ClientProvider } from '../../renderer/src/client/context.js';
import { ExportDialog, ImportDialog } from '../../renderer/src/ui/TransferDialogs.js';

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

beforeAll(() => {
  // jsdom has <dialog> without its modal methods.
  const proto = HTMLDialogElement.prototype as unknown as Record<string, unknown>;
  proto['showModal'] ??= function (this: HTMLElement) {
    this.setAttribute('open', '');
  };
  proto['close'] ??= function (this: HTMLElement) {
    this.removeAttribute('open');
  };
});

let root: Root | null = null;
let container: HTMLDivElement | null = null;
afterEach(() => {
  act(() => root?.unmount());
  container?.remove();
  root = container = null;
  delete window.maildock;
});

const FOLDER = { id: 5, accountId: 1, path: 'Archive', name: 'Archive', role: null } as Mailbox;

function fakeClient(transport: 'ipc' | 'http') {
  const calls: [string, Record<string, unknown>][] = [];
  const pending: { resolve(v: unknown): void; reject(e: unknown): void }[] = [];
  const listeners = new Set<(p: TransferProgress) => void>();
  const client = {
    transport,
    call: (method: string, input: Record<string, unknown>) => {
      calls.push([method, input]);
      if (method === 'transfer.cancel') return Promise.resolve({ cancelled: true });
      return new Promise((resolve, reject) => pending.push({ resolve, reject }));
    },
    on: (event: string, fn: (p: TransferProgress) => void) => {
      if (event === 'transfer.progress') listeners.add(fn);
      return () => listeners.delete(fn);
    },
  } as unknown as MaildockClient;
  return {
    client,
    calls,
    listeners,
    emit: (p: TransferProgress) => act(() => listeners.forEach((fn) => fn(p))),
    answer: (value: unknown) => act(async () => pending.shift()!.resolve(value)),
    fail: (error: ErrorData) => act(async () => pending.shift()!.reject(new ClientError(error))),
  };
}

function mount(client: MaildockClient, node: React.ReactNode) {
  container = document.createElement('div');
  document.body.append(container);
  root = createRoot(container);
  act(() => root!.render(<ClientProvider client={client}>{node}</ClientProvider>));
  const el = container;
  const button = (name: string) =>
    [...el.querySelectorAll('button')].find(
      (b) => b.textContent === name || b.getAttribute('aria-label') === name,
    );
  const status = () => el.querySelector('[role=status]')?.textContent ?? null;
  const type = (input: HTMLInputElement, value: string) =>
    act(() => {
      // React listens for the native setter's input event.
      Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')!.set!.call(input, value);
      input.dispatchEvent(new Event('input', { bubbles: true }));
    });
  return {
    el,
    button,
    status,
    type,
    path: () => el.querySelector<HTMLInputElement>('.transfer-path input')!,
    click: (name: string) => act(async () => button(name)!.click()),
  };
}

const progress = (p: Partial<TransferProgress>): TransferProgress => ({
  transferId: 9,
  kind: 'import',
  done: 0,
  total: 3,
  rate: 0,
  ...p,
});

it('shows its own transfer’s progress, and a summary with the skipped messages capped', async () => {
  const f = fakeClient('http');
  let imported = 0;
  const ui = mount(
    f.client,
    <ImportDialog folder={FOLDER} onImported={() => imported++} onClose={() => undefined} />,
  );
  expect(ui.el.querySelector('label')!.textContent).toBe('Path on the server');
  expect(ui.el.querySelector('.transfer-hint')!.textContent).toContain(
    'The server reads and writes its own disk',
  );
  expect(ui.button('Import')!.disabled).toBe(true);
  await ui.type(ui.path(), ' /srv/mail/old.mbox ');
  await ui.click('Import');
  expect(f.calls).toEqual([
    ['mailbox.import', { path: '/srv/mail/old.mbox', mailboxId: 5, format: 'auto' }],
  ]);
  expect(ui.status()).toBe('Starting…');
  expect(ui.path().disabled).toBe(true);
  // Another transfer already under way (it does not start at nothing) is not this one.
  f.emit(progress({ transferId: 4, done: 40, total: 90 }));
  expect(ui.status()).toBe('Starting…');
  f.emit(progress({ transferId: 9, done: 0, total: 3 }));
  f.emit(progress({ transferId: 9, done: 2, total: 3, rate: 4 }));
  expect(ui.status()).toBe('2 of 3 messages, 4 a second');
  expect(ui.el.querySelector('progress')!.getAttribute('value')).toBe(String(2 / 3));
  expect(document.activeElement).toBe(ui.button('Cancel'));

  const skipped = Array.from({ length: 12 }, (_, i) => ({
    source: `old.mbox#${i + 1}`,
    reason: 'no header',
  }));
  await f.answer({
    transferId: 9,
    format: 'mbox',
    imported: 2,
    duplicates: 1,
    skipped,
    cancelled: false,
  });
  expect([...ui.el.querySelectorAll('.transfer-summary p')].map((p) => p.textContent)).toEqual([
    '2 messages imported into Archive.',
    '1 message was already there and was not imported again.',
    '12 messages were skipped:',
  ]);
  const items = [...ui.el.querySelectorAll('.transfer-skipped li')].map((li) => li.textContent);
  expect(items).toHaveLength(11);
  expect(items[0]).toBe('old.mbox#1: no header');
  expect(items.at(-1)).toBe('and 2 more');
  expect(imported).toBe(1);
  expect(document.activeElement).toBe(ui.el.querySelector('.folder-dialog-buttons button'));
  expect(document.activeElement!.textContent).toBe('Close');
  // The call is over: the dialog listens no more.
  expect(f.listeners.size).toBe(0);
});

it('sends a Cancel pressed before the first event once the transfer has an id', async () => {
  const f = fakeClient('ipc');
  const ui = mount(
    f.client,
    <ImportDialog folder={FOLDER} onImported={() => undefined} onClose={() => undefined} />,
  );
  await ui.type(ui.path(), '/home/ann/Mail');
  await ui.click('Import');
  await ui.click('Cancel');
  expect(ui.status()).toBe('Cancelling…');
  expect(f.calls.map((c) => c[0])).toEqual(['mailbox.import']);
  f.emit(progress({ transferId: 11, done: 0, total: null }));
  expect(f.calls.at(-1)).toEqual(['transfer.cancel', { transferId: 11 }]);
  await f.answer({
    transferId: 11,
    format: 'maildir',
    imported: 1,
    duplicates: 0,
    skipped: [],
    cancelled: true,
  });
  expect([...ui.el.querySelectorAll('.transfer-summary p')].map((p) => p.textContent)).toEqual([
    'Cancelled: run it again to go on where it stopped.',
    '1 message was imported into Archive before it stopped.',
  ]);
});

it('shows the core’s refusal in its own words, and the form works again', async () => {
  const f = fakeClient('http');
  const ui = mount(
    f.client,
    <ImportDialog folder={FOLDER} onImported={() => undefined} onClose={() => undefined} />,
  );
  await ui.type(ui.path(), '/srv/mail');
  await ui.click('Import');
  const refusal =
    'Importing and exporting mail reads and writes files on this server’s disk, which are not yours: use the Maildock app or its command line on your own machine.';
  await f.fail({ code: 'FORBIDDEN', message: refusal });
  const alert = ui.el.querySelector('[role=alert]')!;
  expect(alert.textContent).toContain(ERROR_TEXT.FORBIDDEN);
  expect(alert.textContent).toContain(refusal);
  expect(ui.path().disabled).toBe(false);
  expect(ui.path().getAttribute('aria-invalid')).toBe('true');
  expect(document.activeElement).toBe(ui.path());
  // Mending the path clears what was said of the last one.
  await ui.type(ui.path(), '/srv/mail2');
  expect(ui.el.querySelector('[role=alert]')).toBeNull();
});

it('asks to replace only once the core said the target is there', async () => {
  const f = fakeClient('ipc');
  const ui = mount(
    f.client,
    <ExportDialog title="Export Archive" what={{ mailboxId: 5 }} onClose={() => undefined} />,
  );
  expect(ui.el.textContent).not.toContain('Replace what is there');
  await ui.type(ui.path(), '/home/ann/archive.mbox');
  await ui.click('Export');
  expect(f.calls[0]).toEqual([
    'mailbox.export',
    { to: '/home/ann/archive.mbox', format: 'mbox', overwrite: false, mailboxId: 5 },
  ]);
  const replace = () =>
    [...ui.el.querySelectorAll('label')].find((l) => l.textContent === 'Replace what is there')
      ?.firstElementChild as HTMLInputElement | undefined;
  // A folder where the mbox file should go: replacing would not help, so it is not offered.
  await f.fail({
    code: 'ALREADY_EXISTS',
    message: '/home/ann/archive.mbox is a folder; an mbox export is one file.',
    fields: { path: '/home/ann/archive.mbox' },
  });
  expect(replace()).toBeUndefined();
  await ui.click('Export');
  expect(f.calls[1]![1]).toMatchObject({ overwrite: false });
  await f.fail({
    code: 'ALREADY_EXISTS',
    message: '/home/ann/archive.mbox exists already: replace it, or choose another name.',
    fields: { path: '/home/ann/archive.mbox', replaceable: true },
  });
  expect(replace()).toBeDefined();
  expect(replace()!.checked).toBe(false);
  await act(async () => replace()!.click());
  await ui.click('Export');
  expect(f.calls[2]![1]).toMatchObject({ to: '/home/ann/archive.mbox', overwrite: true });
  f.emit(progress({ kind: 'export', transferId: 2, done: 0, total: 4 }));
  await f.answer({
    transferId: 2,
    format: 'mbox',
    path: '/home/ann/archive.mbox',
    messages: 4,
    bytes: 2048,
    cancelled: false,
  });
  expect(ui.status()).toBe('4 messages (2.0 KB) written to /home/ann/archive.mbox.');
});

it('forgets the answer about the last target when another is typed', async () => {
  const f = fakeClient('ipc');
  const ui = mount(
    f.client,
    <ExportDialog title="Export" what={{ ids: [1, 2] }} onClose={() => undefined} />,
  );
  await ui.type(ui.path(), '/home/ann/out');
  await ui.click('Export');
  await f.fail({
    code: 'ALREADY_EXISTS',
    message: 'there',
    fields: { path: '/home/ann/out', replaceable: true },
  });
  expect(ui.el.textContent).toContain('Replace what is there');
  await ui.type(ui.path(), '/home/ann/out2');
  expect(ui.el.textContent).not.toContain('Replace what is there');
});

it('cancels the transfer when closed while it runs', async () => {
  const f = fakeClient('ipc');
  let closed = 0;
  const ui = mount(
    f.client,
    <ExportDialog title="Export" what={{ query: 'invoice' }} onClose={() => closed++} />,
  );
  await ui.type(ui.path(), '/home/ann/found.mbox');
  await ui.click('Export');
  f.emit(progress({ kind: 'export', transferId: 6, done: 0, total: 10 }));
  // The dialog's own close (×), as Escape would.
  await act(async () => ui.el.querySelector<HTMLButtonElement>('.dialog-close')!.click());
  expect(closed).toBe(1);
  expect(f.calls.at(-1)).toEqual(['transfer.cancel', { transferId: 6 }]);
});

it('offers the native picker on the desktop only', async () => {
  const asked: [string, string][] = [];
  window.maildock = {
    invoke: async () => null,
    on: () => () => undefined,
    pickPath: async (kind, title) => {
      asked.push([kind, title]);
      return '/home/ann/Thunderbird/Inbox';
    },
  };
  const desktop = fakeClient('ipc');
  let ui = mount(
    desktop.client,
    <ImportDialog folder={FOLDER} onImported={() => undefined} onClose={() => undefined} />,
  );
  expect(ui.el.querySelector('label')!.textContent).toBe('Path on this computer');
  expect(ui.button('Choose folder…')).toBeDefined();
  await ui.click('Choose file…');
  expect(asked).toEqual([['open-file', 'Choose the mbox file to import']]);
  expect(ui.path().value).toBe('/home/ann/Thunderbird/Inbox');
  act(() => root!.unmount());

  // The same page served over HTTP: a path on the server cannot be picked here.
  ui = mount(
    fakeClient('http').client,
    <ExportDialog title="Export" what={{ mailboxId: 5 }} onClose={() => undefined} />,
  );
  expect(ui.button('Choose…')).toBeUndefined();
  expect(ui.el.querySelectorAll('.transfer-path button')).toHaveLength(0);
});
