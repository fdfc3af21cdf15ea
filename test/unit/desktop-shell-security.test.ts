// The desktop window's security policy, tested without the Electron binary (it cannot be
// downloaded here): the window's options as they are passed, and the guards on navigation,
// new windows, permissions and the app:// protocol's files (main/app/security.ts).
import { describe, expect, it } from 'vitest';
import {
  allowNavigation,
  allowPermission,
  APP_CSP,
  APP_ENTRY,
  appFile,
  decideWindowOpen,
  externalTarget,
  windowPreferences,
} from '../../main/app/security.js';

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
