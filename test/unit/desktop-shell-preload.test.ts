// The preload's bridge (preload/bridge.ts), tested over a stand-in for Electron's ipcRenderer
// (the binary cannot be downloaded here): a page's call goes through the generated handlers
// to a real core, only the contract's names cross, and the bundle needs nothing but electron.
import path from 'node:path';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { eventChannel, methodChannel } from '../../common/ipc.js';
import { ipcHandlers } from '../../main/app/ipc.js';
import { APP_ENTRY } from '../../main/app/security.js';
import { buildBridge, type IpcRendererLike } from '../../preload/bridge.js';
import { openService } from '../support/service.js';

const ROOT = path.resolve(import.meta.dirname, '../..');

/** Stands in for Electron's ipcRenderer: records what the bridge asks of it. */
function fakeIpcRenderer(answer: (channel: string, input: unknown) => Promise<unknown>) {
  const on = new Map<string, Set<(event: unknown, ...args: unknown[]) => void>>();
  const invoked: [string, unknown][] = [];
  const ipc: IpcRendererLike = {
    invoke: (channel, input) => {
      invoked.push([channel, input]);
      return answer(channel, input);
    },
    on: (channel, listener) => on.set(channel, (on.get(channel) ?? new Set()).add(listener)),
    removeListener: (channel, listener) => on.get(channel)?.delete(listener),
  };
  const emit = (channel: string, payload: unknown) => {
    for (const l of on.get(channel) ?? []) l({ sender: 'the IPC event object' }, payload);
  };
  return { ipc, invoked, on, emit };
}

describe('the preload’s bridge (stand-in for Electron’s ipcRenderer)', () => {
  it('carries a page’s call through the generated handlers to the real core, and its answer back', async () => {
    const t = await openService();
    try {
      const table = ipcHandlers(t.svc);
      // Stands in for Electron's IPC: the frame is the app's own top-level page.
      const f = fakeIpcRenderer(async (channel, input) => {
        const handler = table.get(channel);
        if (!handler) throw new Error(`No handler registered for '${channel}'`);
        return handler({ senderFrame: { url: APP_ENTRY, parent: null } }, input);
      });
      const bridge = buildBridge(f.ipc);
      expect(await bridge.invoke('app.settings', { closeToTray: false })).toEqual({
        ok: true,
        value: { closeToTray: false, stopStackOnQuit: false, mailtoHandler: 'ask' },
      });
      expect((await t.svc.appSettings()).closeToTray).toBe(false);
      expect(await bridge.invoke('message.get', { id: -1 })).toMatchObject({
        ok: false,
        error: { code: 'INVALID_INPUT' },
      });
      expect(await bridge.invoke('account.nothing', {})).toMatchObject({
        ok: false,
        error: { message: 'Unknown method account.nothing.' },
      });
    } finally {
      await t.close();
    }
  });

  it('exposes invoke, on and the file picker, frozen, and nothing else', () => {
    const bridge = buildBridge(fakeIpcRenderer(async () => null).ipc);
    expect(Object.keys(bridge).sort()).toEqual(['invoke', 'on', 'pickPath']);
    expect(Object.isFrozen(bridge)).toBe(true);
  });

  it('invokes a method on its channel and hands back the envelope', async () => {
    const f = fakeIpcRenderer(async () => ({ ok: true, value: [] }));
    const bridge = buildBridge(f.ipc);
    expect(await bridge.invoke('account.list', {})).toEqual({ ok: true, value: [] });
    expect(f.invoked).toEqual([[methodChannel('account.list'), {}]]);
  });

  it('refuses names that are not the contract’s, without crossing to the main process', async () => {
    const f = fakeIpcRenderer(async () => ({ ok: true, value: 'should not be asked' }));
    const bridge = buildBridge(f.ipc);
    for (const name of [
      '',
      '../x',
      'maildock:method:account.list',
      'account',
      'a.b c',
      42 as unknown as string,
    ]) {
      expect(await bridge.invoke(name, {})).toMatchObject({
        ok: false,
        error: { code: 'INVALID_INPUT' },
      });
      expect(() => bridge.on(name, () => undefined)).toThrow(/Unknown event/);
    }
    expect(f.invoked).toEqual([]);
    // A well-formed name the main process has no handler for comes back as unknown.
    const none = buildBridge(fakeIpcRenderer(() => Promise.reject(new Error('No handler'))).ipc);
    expect(await none.invoke('account.nothing', {})).toMatchObject({
      ok: false,
      error: { code: 'INVALID_INPUT', message: 'Unknown method account.nothing.' },
    });
  });

  it('passes the payload of an event and never the IPC event object; unsubscribes', () => {
    const f = fakeIpcRenderer(async () => null);
    const bridge = buildBridge(f.ipc);
    const got: unknown[][] = [];
    const off = bridge.on('mail.new', (...args) => got.push(args));
    f.emit(eventChannel('mail.new'), { count: 1 });
    expect(got).toEqual([[{ count: 1 }]]);
    off();
    f.emit(eventChannel('mail.new'), { count: 2 });
    expect(got).toHaveLength(1);
    expect(f.on.get(eventChannel('mail.new'))!.size).toBe(0);
  });

  it('bundles into one file that requires only electron (a sandboxed preload can load nothing else)', async () => {
    const out = await build({
      entryPoints: [path.join(ROOT, 'preload/index.ts')],
      bundle: true,
      platform: 'node',
      format: 'cjs',
      external: ['electron'],
      write: false,
      logLevel: 'silent',
    });
    const code = out.outputFiles[0]!.text;
    const required = [...code.matchAll(/require\(["']([^"']+)["']\)/g)].map((m) => m[1]);
    expect([...new Set(required)]).toEqual(['electron']);
    expect(code).toMatch(/exposeInMainWorld\(["']maildock["']/);
    expect(code.length).toBeLessThan(20_000);
  });
});
