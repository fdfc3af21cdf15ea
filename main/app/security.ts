// What the desktop shell lets its windows do, as plain functions (no electron import, so
// they are tested without the binary). The app's pages come from its own `app://maildock`
// scheme, never file:// or the network; nothing else may be navigated to, opened as a window
// or asked for a permission, and links leave the app only for the system's browser or mail
// handler, after their target was checked.
import path from 'node:path';
import { cleanMailto } from './mailto.js';

export const APP_SCHEME = 'app';
export const APP_HOST = 'maildock';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_ENTRY = `${APP_ORIGIN}/index.html`;

/**
 * The pages' policy (sent as a header by the scheme's handler). Like the served UI's, with
 * no connections at all: the desktop renderer talks over IPC only. Images stay wider for
 * the reader's sandboxed frame, whose own stricter policy blocks remote ones until asked.
 */
export const APP_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob: http: https:",
  "font-src 'self'",
  "connect-src 'none'",
  "frame-src 'self' blob:",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

export const APP_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': APP_CSP,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
};

function parse(raw: string): URL | null {
  try {
    return new URL(raw);
  } catch {
    return null;
  }
}

/**
 * Whether a URL is one of the app's own pages. Compared part by part after parsing:
 * `app://maildock.evil.test`, `app://maildock@evil.test` or `https://maildock` are not.
 */
export function isAppUrl(raw: string): boolean {
  const url = parse(raw);
  return (
    url !== null &&
    url.protocol === `${APP_SCHEME}:` &&
    url.hostname === APP_HOST &&
    url.port === '' &&
    url.username === '' &&
    url.password === ''
  );
}

/**
 * The address a link may leave the app for, or null to refuse: http, https and mailto only;
 * no credentials in the URL (they are how `https://bank.test@evil.test` looks like a bank),
 * no empty host; a mailto: rebuilt from RFC 6068's fields alone (no `attach=`).
 */
export function externalTarget(raw: string): string | null {
  const url = parse(raw.trim());
  if (!url) return null;
  if (url.protocol === 'mailto:') return cleanMailto(raw.trim());
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
  if (url.username || url.password || !url.hostname) return null;
  return url.href;
}

/** will-navigate: a window stays on the app's pages (a reload of them is fine). */
export function allowNavigation(raw: string): boolean {
  return isAppUrl(raw);
}

export type WindowOpenDecision = { action: 'deny'; external: string | null };

/**
 * setWindowOpenHandler: no page ever opens a window of the app. A link to the web or a
 * mail address is handed to the system instead; anything else is dropped.
 */
export function decideWindowOpen(raw: string): WindowOpenDecision {
  return { action: 'deny', external: externalTarget(raw) };
}

/** The permission handler: notifications for new mail, and nothing else. */
export function allowPermission(permission: string, requestingUrl: string): boolean {
  return permission === 'notifications' && isAppUrl(requestingUrl);
}

/** The frame an IPC message came from, as Electron describes it. */
export interface SenderFrame {
  url: string;
  /** null for a window's top-level frame. */
  parent: unknown;
}

/** Only the app's own top-level page may call the core: not a frame inside it, not another page. */
export function trustedSender(frame: SenderFrame | null | undefined): boolean {
  return !!frame && frame.parent === null && isAppUrl(frame.url);
}

/**
 * The file behind an `app://maildock/...` request, inside the built renderer's folder, or
 * null (not the app's host, a path that climbs out, an encoded separator). `/` is the page.
 */
export function appFile(raw: string, root: string): string | null {
  if (!isAppUrl(raw)) return null;
  const url = parse(raw)!;
  let rel: string;
  try {
    rel = decodeURIComponent(url.pathname);
  } catch {
    return null;
  }
  if (rel.includes('\0') || rel.includes('\\')) return null;
  if (rel === '/' || rel === '') rel = '/index.html';
  const base = path.resolve(root);
  const file = path.resolve(base, `.${rel}`);
  return file.startsWith(base + path.sep) ? file : null;
}

/** The options of every window: the renderer sandboxed, isolated, without Node. */
export function windowPreferences(preload: string) {
  return {
    preload,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    navigateOnDragDrop: false,
    spellcheck: true,
  } as const;
}
