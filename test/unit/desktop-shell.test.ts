// The desktop shell's decisions, tested without the Electron binary (it cannot be
// downloaded here): main/app's plain functions, the IPC table against a real service, the
// preload's bridge over a stand-in for ipcRenderer, the tray and menu models with the images
// they name, and the packaging configuration checked by electron-builder's own validator.
import { readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { afterEach, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { events, methods } from '../../common/api.js';
import { eventChannel, methodChannel } from '../../common/ipc.js';
import type { StackHealth } from '../../common/stack.js';
import { UI_ACTIONS, uiCommandSchema } from '../../common/types.js';
import { forwardEvents, ipcHandlers } from '../../main/app/ipc.js';
import { mailtoFromArgv, parseMailto } from '../../main/app/mailto.js';
import { menuModel } from '../../main/app/menu-model.js';
import {
  allowNavigation,
  allowPermission,
  APP_CSP,
  APP_ENTRY,
  appFile,
  decideWindowOpen,
  externalTarget,
  trustedSender,
  windowPreferences,
} from '../../main/app/security.js';
import {
  iconName,
  trayModel,
  type TrayInput,
  type TrayPlatform,
} from '../../main/app/tray-model.js';
import { DEFAULT_SIZE, MIN_SIZE, restorePlace } from '../../main/app/window-state.js';
import { buildBridge, type IpcRendererLike } from '../../preload/bridge.js';
import { openService, type TestService } from '../support/service.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const require = createRequire(import.meta.url);

describe('window options and policy (stand-in for Electron: the options as passed)', () => {
  it('sandboxes the renderer with context isolation and without Node', () => {
    expect(windowPreferences('/x/preload.cjs')).toMatchObject({
      preload: '/x/preload.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
    });
  });

  it('sends a strict CSP: own scripts only, no connections, no plugins, no framing', () => {
    const directives = new Map(
      APP_CSP.split(';').map((d) => {
        const [name, ...values] = d.trim().split(/\s+/);
        return [name!, values];
      }),
    );
    expect(directives.get('default-src')).toEqual(["'self'"]);
    expect(directives.get('script-src')).toEqual(["'self'"]);
    expect(directives.get('connect-src')).toEqual(["'none'"]);
    expect(directives.get('object-src')).toEqual(["'none'"]);
    expect(directives.get('base-uri')).toEqual(["'none'"]);
    expect(directives.get('frame-ancestors')).toEqual(["'none'"]);
    expect(APP_CSP).not.toMatch(/unsafe-eval|script-src[^;]*unsafe-inline/);
  });
});

describe('navigation, window-open and permission guards', () => {
  const own = [
    APP_ENTRY,
    'app://maildock/',
    'app://maildock/index.html#/inbox',
    'app://maildock/assets/a.js',
  ];
  const foreign = [
    'app://maildock.evil.test/index.html',
    'app://maildock@evil.test/index.html',
    'app://user:pw@maildock/index.html',
    'app://maildock:8080/index.html',
    'app://evil.test/maildock/index.html',
    'app://app.maildock.evil.test/',
    'https://maildock/index.html',
    'https://app.example.evil.test/index.html',
    'http://127.0.0.1:8600/',
    'file:///usr/share/maildock/index.html',
    'javascript:alert(1)',
    'data:text/html,<script>alert(1)</script>',
    'blob:app://maildock/1234',
    'app:maildock/index.html',
    'APP://MAILDOCK/index.html',
    'about:blank',
    '',
    'not a url',
  ];

  it('keeps a window on the app’s own pages, origins compared part by part', () => {
    for (const url of own) expect(allowNavigation(url), url).toBe(true);
    for (const url of foreign) expect(allowNavigation(url), url).toBe(false);
  });

  it('hands only http, https and mailto to the system, never with credentials', () => {
    expect(externalTarget('https://example.test/a?b=1#c')).toBe('https://example.test/a?b=1#c');
    expect(externalTarget('  http://example.test  ')).toBe('http://example.test/');
    expect(externalTarget('mailto:ann@example.test?subject=Hi')).toBe(
      'mailto:ann@example.test?subject=Hi',
    );
    for (const url of [
      'javascript:alert(1)',
      'JaVaScRiPt:alert(1)',
      'file:///etc/passwd',
      'data:text/html,hi',
      'vbscript:msgbox',
      'ftp://example.test/',
      'app://maildock/index.html',
      'https://bank.test@evil.test/',
      'https://:pw@evil.test/',
      'smb://share/x',
      'mailto:',
      'http://',
      '',
    ]) {
      expect(externalTarget(url), url).toBeNull();
    }
  });

  it('never opens a window of the app: a web link goes to the browser, the rest is dropped', () => {
    expect(decideWindowOpen('https://example.test/')).toEqual({
      action: 'deny',
      external: 'https://example.test/',
    });
    expect(decideWindowOpen(APP_ENTRY)).toEqual({ action: 'deny', external: null });
    expect(decideWindowOpen('javascript:alert(1)')).toEqual({ action: 'deny', external: null });
    expect(decideWindowOpen('file:///etc/passwd')).toEqual({ action: 'deny', external: null });
  });

  it('grants notifications to the app’s pages and nothing else', () => {
    expect(allowPermission('notifications', 'app://maildock')).toBe(true);
    expect(allowPermission('notifications', APP_ENTRY)).toBe(true);
    expect(allowPermission('notifications', 'https://evil.test/')).toBe(false);
    for (const p of [
      'media',
      'geolocation',
      'clipboard-read',
      'openExternal',
      'fullscreen',
      'hid',
    ]) {
      expect(allowPermission(p, APP_ENTRY), p).toBe(false);
    }
  });

  it('serves only files inside the renderer’s folder on app://', () => {
    const root = '/opt/maildock/dist/renderer';
    expect(appFile('app://maildock/', root)).toBe(`${root}/index.html`);
    expect(appFile('app://maildock/assets/index-1.js?v=2', root)).toBe(`${root}/assets/index-1.js`);
    // Dot segments are resolved by the URL parser first: they stay inside the folder.
    expect(appFile('app://maildock/../../etc/passwd', root)).toBe(`${root}/etc/passwd`);
    expect(appFile('app://maildock/%2e%2e/%2e%2e/etc/passwd', root)).toBe(`${root}/etc/passwd`);
    // What would climb out only once decoded, or is not a path at all, is refused.
    for (const url of [
      'app://maildock/assets/..%2f..%2f..%2fetc%2fpasswd',
      'app://maildock/a%5c..%5c..%5cx',
      'app://maildock/%00',
      'app://maildock/%E0%A4%A',
      'app://evil.test/index.html',
      'file:///opt/maildock/dist/renderer/index.html',
    ]) {
      expect(appFile(url, root), url).toBeNull();
    }
  });
});

describe('IPC: the contract’s methods, generated, behind a sender check', () => {
  let t: TestService | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });
  const own = { senderFrame: { url: APP_ENTRY, parent: null } };

  it('has one handler per contract method, and nothing else', async () => {
    t = await openService();
    const table = ipcHandlers(t.svc);
    expect([...table.keys()].sort()).toEqual(
      Object.keys(methods)
        .map((m) => methodChannel(m))
        .sort(),
    );
  });

  it('answers the app’s own page, parsing the input with the contract', async () => {
    t = await openService();
    const table = ipcHandlers(t.svc);
    expect(await table.get(methodChannel('account.list'))!(own, {})).toEqual({
      ok: true,
      value: [],
    });
    const bad = await table.get(methodChannel('message.get'))!(own, { id: 'seven' });
    expect(bad).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
  });

  it('refuses a frame inside the page, another page, or no frame, before the core sees the call', async () => {
    t = await openService();
    const table = ipcHandlers(t.svc);
    const add = table.get(methodChannel('app.settings'))!;
    for (const senderFrame of [
      { url: APP_ENTRY, parent: { url: APP_ENTRY } },
      { url: 'https://evil.test/', parent: null },
      { url: 'app://maildock.evil.test/index.html', parent: null },
      null,
    ]) {
      expect(await add({ senderFrame }, { closeToTray: false })).toMatchObject({
        ok: false,
        error: { code: 'FORBIDDEN' },
      });
    }
    // None of them reached the service: the setting is still its default.
    expect(t.svc.appSettings().closeToTray).toBe(true);
    expect(trustedSender(own.senderFrame)).toBe(true);
  });

  it('forwards every event of the contract on its own channel, and stops when told', () => {
    const listeners = new Map<string, (p: unknown) => void>();
    const core = {
      on: (event: string, fn: (p: unknown) => void) => {
        listeners.set(event, fn);
        return () => listeners.delete(event);
      },
    };
    const sent: [string, unknown][] = [];
    const off = forwardEvents(core, (channel, payload) => sent.push([channel, payload]));
    expect([...listeners.keys()].sort()).toEqual(Object.keys(events).sort());
    listeners.get('mail.new')!({ accountId: 1, mailboxId: 2, count: 3 });
    expect(sent).toEqual([[eventChannel('mail.new'), { accountId: 1, mailboxId: 2, count: 3 }]]);
    off();
    expect(listeners.size).toBe(0);
  });
});

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
      expect(t.svc.appSettings().closeToTray).toBe(false);
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

  it('exposes invoke and on, frozen, and nothing else', () => {
    const bridge = buildBridge(fakeIpcRenderer(async () => null).ipc);
    expect(Object.keys(bridge).sort()).toEqual(['invoke', 'on']);
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

const health = (overall: StackHealth['overall']): StackHealth => ({
  overall,
  at: '2026-12-04T00:00:00.000Z',
  roundMs: 120,
  summary: overall === 'healthy' ? 'All services healthy' : 'dovecot is stopped',
  services: [
    {
      service: 'postgres',
      state: 'healthy',
      container: 'running',
      dockerHealth: 'healthy',
      latencyMs: 12.4,
      probes: [],
      problem: null,
    },
    {
      service: 'dovecot',
      state: overall === 'healthy' ? 'healthy' : 'stopped',
      container: overall === 'healthy' ? 'running' : 'exited',
      dockerHealth: 'none',
      latencyMs: overall === 'healthy' ? 80 : null,
      probes: [],
      problem: overall === 'healthy' ? null : 'dovecot is stopped',
    },
  ],
});

const input = (over: Partial<TrayInput> = {}): TrayInput => ({
  health: null,
  stackConfigured: true,
  unread: 0,
  syncing: false,
  backupAvailable: false,
  stackBusy: false,
  ...over,
});

function pngSize(file: string): { width: number; height: number } {
  const b = readFileSync(file);
  expect(b.subarray(1, 4).toString('latin1')).toBe('PNG');
  return { width: b.readUInt32BE(16), height: b.readUInt32BE(20) };
}

describe('the tray', () => {
  const commands = (m: ReturnType<typeof trayModel>) =>
    m.items.flatMap((i) => (i.type === 'command' ? [[i.command, i.enabled] as const] : []));

  it('shows the overall state in the icon, and unread mail as its variant', () => {
    for (const overall of ['healthy', 'degraded', 'down', 'stopped'] as const) {
      const m = trayModel(input({ health: health(overall) }), 'linux');
      expect(m).toMatchObject({ state: overall, unread: false, icon: overall });
      expect(trayModel(input({ health: health(overall), unread: 3 }), 'linux').icon).toBe(
        `${overall}-unread`,
      );
      expect(trayModel(input({ health: health(overall) }), 'darwin').icon).toBe(
        `${overall}Template`,
      );
    }
    expect(trayModel(input({ health: null, stackConfigured: false }), 'win32').state).toBe(
      'stopped',
    );
  });

  it('lists each service with its state and latency, and the stack’s commands as they apply', () => {
    const m = trayModel(input({ health: health('degraded'), unread: 1 }), 'linux');
    const info = m.items.flatMap((i) => (i.type === 'info' ? [i.label] : []));
    expect(info).toEqual([
      'Mail stack: dovecot is stopped',
      'postgres: healthy · 12 ms',
      'dovecot: stopped — dovecot is stopped',
    ]);
    expect(m.tooltip).toBe('Maildock — 1 unread message. Mail stack: dovecot is stopped');
    expect(commands(m)).toEqual([
      ['stack.start', false],
      ['stack.stop', true],
      ['stack.restart', true],
      ['open', true],
      ['sync', true],
      ['quit', true],
    ]);
    const stopped = trayModel(input({ health: health('stopped') }), 'linux');
    expect(commands(stopped).slice(0, 3)).toEqual([
      ['stack.start', true],
      ['stack.stop', false],
      ['stack.restart', false],
    ]);
    const busy = trayModel(
      input({ health: health('healthy'), stackBusy: true, syncing: true }),
      'linux',
    );
    expect(commands(busy).slice(0, 5)).toEqual([
      ['stack.start', false],
      ['stack.stop', false],
      ['stack.restart', false],
      ['open', true],
      ['sync', false],
    ]);
  });

  it('says when no stack is configured, and offers a backup only once backups exist', () => {
    const none = trayModel(input({ stackConfigured: false }), 'linux');
    expect(none.items[0]).toEqual({ type: 'info', label: 'No mail stack configured' });
    expect(
      commands(none)
        .slice(0, 3)
        .every(([, enabled]) => !enabled),
    ).toBe(true);
    expect(commands(none).map(([c]) => c)).not.toContain('backup');
    const withBackup = trayModel(input({ backupAvailable: true }), 'linux');
    expect(commands(withBackup).map(([c]) => c)).toContain('backup');
    expect(withBackup.items.at(-1)).toMatchObject({ command: 'quit' });
  });

  it('has every image it can name, at 1x and 2x, for each system', () => {
    const sizes: Record<TrayPlatform, number> = { linux: 24, win32: 16, darwin: 16 };
    for (const platform of ['linux', 'win32', 'darwin'] as const) {
      for (const state of ['healthy', 'degraded', 'down', 'stopped'] as const) {
        for (const unread of [false, true]) {
          const base = path.join(
            ROOT,
            'resources/tray',
            platform,
            iconName(state, unread, platform),
          );
          const n = sizes[platform];
          expect(pngSize(`${base}.png`)).toEqual({ width: n, height: n });
          expect(pngSize(`${base}@2x.png`)).toEqual({ width: 2 * n, height: 2 * n });
          if (platform === 'win32') expect(readFileSync(`${base}.ico`).readUInt16LE(2)).toBe(1);
        }
      }
    }
  });
});

describe('the application menu', () => {
  it('offers every mailbox action with its key, shown but left to the page', () => {
    for (const platform of ['linux', 'darwin', 'win32'] as const) {
      const items = menuModel(platform).flatMap((s) => s.items);
      const actions = items.flatMap((i) =>
        i.type === 'command' && i.command.command === 'action' ? [i.command.action] : [],
      );
      expect(new Set(actions)).toEqual(new Set(UI_ACTIONS));
      for (const i of items) {
        if (i.type !== 'command' || !i.accelerator) continue;
        const modifier = /CmdOrCtrl|Cmd|Ctrl|Alt/.test(i.accelerator);
        // A bare key registered by the menu would be taken from every text field.
        if (!modifier) expect(i.registerAccelerator, i.label).toBe(false);
      }
    }
    expect(menuModel('darwin')[0]!.label).toBe('Maildock');
    expect(menuModel('linux')[0]!.label).toBe('&File');
  });
});

describe('the window’s place', () => {
  const screen = { x: 0, y: 0, width: 1920, height: 1040 };

  it('comes back where it was, inside the screen it is on', () => {
    expect(
      restorePlace({ x: 100, y: 50, width: 1000, height: 700, maximized: true }, [screen]),
    ).toEqual({
      x: 100,
      y: 50,
      width: 1000,
      height: 700,
      maximized: true,
    });
    // Partly off the right edge: pulled in.
    expect(restorePlace({ x: 1700, y: 50, width: 1000, height: 700 }, [screen])).toMatchObject({
      x: 920,
      width: 1000,
    });
  });

  it('is centred when its screen is gone, and never smaller than usable or larger than the screen', () => {
    const left = { x: -1920, y: 0, width: 1920, height: 1080 };
    expect(restorePlace({ x: -1500, y: 100, width: 800, height: 600 }, [screen])).toEqual({
      width: 800,
      height: 600,
      maximized: false,
    });
    expect(
      restorePlace({ x: -1500, y: 100, width: 800, height: 600 }, [screen, left]),
    ).toMatchObject({
      x: -1500,
    });
    expect(restorePlace({ x: 0, y: 0, width: 100, height: 100 }, [screen])).toMatchObject(MIN_SIZE);
    expect(restorePlace({ x: 0, y: 0, width: 5000, height: 3000 }, [screen])).toMatchObject({
      width: 1920,
      height: 1040,
    });
    for (const junk of [null, 'x', { x: 'a' }, { x: 1, y: 1, width: -5, height: 10 }]) {
      expect(restorePlace(junk, [screen])).toEqual({ ...DEFAULT_SIZE, maximized: false });
    }
  });
});

describe('mailto: links', () => {
  it('become a new message’s fields', () => {
    expect(
      parseMailto(
        'mailto:ann@example.test,bo%40example.test?cc=cy@example.test&subject=Lunch%20on%0D%0AFriday&body=See%20you%0Athere&bcc=d@example.test&x-other=1',
      ),
    ).toEqual({
      to: ['ann@example.test', 'bo@example.test'],
      cc: ['cy@example.test'],
      bcc: ['d@example.test'],
      subject: 'Lunch on Friday',
      body: 'See you\nthere',
    });
    expect(parseMailto('MAILTO:a+tag@example.test')).toMatchObject({ to: ['a+tag@example.test'] });
    expect(parseMailto('mailto:?to=x@example.test&to=y@example.test')).toMatchObject({
      to: ['x@example.test', 'y@example.test'],
    });
  });

  it('are refused when they are not one, or are malformed', () => {
    for (const raw of [
      'https://example.test',
      'mailto:%E0%A4%A',
      'javascript:x',
      'mailto:a?body=%ZZ',
    ]) {
      expect(parseMailto(raw), raw).toBeNull();
    }
    expect(parseMailto(`mailto:${'a'.repeat(70_000)}`)).toBeNull();
    // What it gives always fits the compose command of the contract.
    const many = parseMailto(
      `mailto:?${Array.from({ length: 150 }, (_, i) => `to=u${i}@example.test`).join('&')}&subject=${'s'.repeat(2000)}`,
    )!;
    expect(uiCommandSchema.safeParse({ command: 'compose', ...many }).success).toBe(true);
    expect(many.to).toHaveLength(100);
  });

  it('are found among a launch’s arguments', () => {
    expect(
      mailtoFromArgv(['/opt/Maildock/maildock', '--no-sandbox', 'mailto:a@example.test']),
    ).toBe('mailto:a@example.test');
    expect(mailtoFromArgv(['/opt/Maildock/maildock'])).toBeNull();
  });
});

describe('packaging (electron-builder.yml, checked by electron-builder’s own validator)', () => {
  const config = parseYaml(readFileSync(path.join(ROOT, 'electron-builder.yml'), 'utf8')) as Record<
    string,
    unknown
  > & {
    electronFuses: Record<string, boolean>;
    asarUnpack: string[];
    extraResources: { from: string; to: string }[];
    linux: { target: string[]; mimeTypes: string[]; desktop: { entry: Record<string, string> } };
    mac: { target: string[]; hardenedRuntime: boolean; entitlements: string };
    win: { target: string[] };
    protocols: { schemes: string[] }[];
  };

  it('is a valid configuration', async () => {
    const { validateConfiguration } = require('app-builder-lib/out/util/config/config.js') as {
      validateConfiguration(c: unknown, logger: unknown): Promise<void>;
    };
    const { DebugLogger } = require('builder-util/out/DebugLogger.js') as {
      DebugLogger: new (enabled: boolean) => unknown;
    };
    await expect(validateConfiguration(config, new DebugLogger(false))).resolves.toBeUndefined();
    await expect(
      validateConfiguration(
        { ...config, electronFuses: { runAsNod: false } },
        new DebugLogger(false),
      ),
    ).rejects.toThrow();
  });

  it('sets the fuses: no run-as-node, no NODE_OPTIONS, no inspect arguments, asar only and checked', () => {
    expect(config.electronFuses).toMatchObject({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
    });
  });

  it('keeps the native modules outside the asar, ships stack/ and the tray images as resources', () => {
    expect(config.asar).toBe(true);
    expect(config.asarUnpack).toEqual(
      expect.arrayContaining(['node_modules/better-sqlite3/**/*', 'node_modules/keytar/**/*']),
    );
    expect(config.npmRebuild).toBe(true);
    expect(config.extraResources).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ from: 'stack', to: 'stack' }),
        expect.objectContaining({ from: 'resources/tray', to: 'tray' }),
      ]),
    );
  });

  it('builds an AppImage and a deb handling mailto:, a hardened dmg and an NSIS installer', () => {
    expect(config.appId).toBe('app.maildock.desktop');
    expect(config.productName).toBe('Maildock');
    expect(config.linux.target).toEqual(['AppImage', 'deb']);
    expect(config.linux.mimeTypes).toContain('x-scheme-handler/mailto');
    expect(config.linux.desktop.entry.MimeType).toContain('x-scheme-handler/mailto');
    expect(config.protocols[0]!.schemes).toEqual(['mailto']);
    expect(config.mac.target).toEqual(['dmg']);
    expect(config.mac.hardenedRuntime).toBe(true);
    const plist = readFileSync(path.join(ROOT, config.mac.entitlements), 'utf8');
    expect(plist).toMatch(/com\.apple\.security\.cs\.allow-jit/);
    expect(plist).not.toMatch(/allow-unsigned-executable-memory|get-task-allow/);
    expect(config.win.target).toEqual(['nsis']);
    expect(pngSize(path.join(ROOT, 'resources/icon.png'))).toEqual({ width: 1024, height: 1024 });
  });

  it('starts the app from the compiled main process the build makes', () => {
    const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
      main: string;
      scripts: Record<string, string>;
    };
    expect(pkg.main).toBe('dist/main/app/main.js');
    const buildConfig = JSON.parse(
      readFileSync(path.join(ROOT, 'tsconfig.build.json'), 'utf8').replace(/\/\/.*$/gm, ''),
    ) as { include: string[] };
    expect(buildConfig.include).toContain('main/app');
    expect(pkg.scripts.build).toContain('build:preload');
    expect(pkg.scripts['build:preload']).toContain('--outfile=dist/preload/index.cjs');
  });
});

describe('the desktop app’s settings and facts (app.settings, app.info)', () => {
  it('start at their defaults, keep a change across restarts, and refuse what is not a setting', async () => {
    const first = await openService();
    const dataDir = first.dataDir;
    try {
      expect(await first.call('app.settings', {})).toEqual({
        closeToTray: true,
        stopStackOnQuit: false,
        mailtoHandler: 'ask',
      });
      expect(await first.call('app.settings', { stopStackOnQuit: true })).toEqual({
        closeToTray: true,
        stopStackOnQuit: true,
        mailtoHandler: 'ask',
      });
      for (const bad of [{ closeToTray: 'yes' }, { quitOnClose: true }]) {
        expect(await first.svc.invoke('app.settings', bad)).toMatchObject({
          ok: false,
          error: { code: 'INVALID_INPUT' },
        });
      }
      const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
        version: string;
      };
      expect(await first.call('app.info', {})).toEqual({
        version: pkg.version,
        secrets: 'encrypted-file',
      });
    } finally {
      await first.svc.close();
    }
    const again = await openService({ dataDir, secretKey: first.secretKey });
    try {
      expect(await again.call('app.settings', {})).toMatchObject({ stopStackOnQuit: true });
    } finally {
      await again.close();
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
