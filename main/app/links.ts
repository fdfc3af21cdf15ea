// Electron's side of the questions external.ts and mailto-handler.ts decide: the dialogs,
// shell.openExternal and the system's mailto: registration. Type-checked, not run here.
import { app, dialog, shell, type BrowserWindow, type MessageBoxOptions } from 'electron';
import type { AppSettings } from '../../common/types.js';
import { getLogger } from '../core/platform/log.js';
import { followExternal } from './external.js';
import type { MailtoDraft } from './mailto.js';
import { MAILTO_PROMPT, mailtoAnswer, mailtoHandlerStep } from './mailto-handler.js';

const log = getLogger('app');

export interface LinkHost {
  window(): BrowserWindow | null;
  /** The desktop app's settings, with the given fields changed first; null before start. */
  settings(patch?: Partial<AppSettings>): Promise<AppSettings | null>;
  compose(draft: MailtoDraft): void;
}

async function ask(host: LinkHost, options: MessageBoxOptions): Promise<number> {
  const win = host.window();
  const r = win ? await dialog.showMessageBox(win, options) : await dialog.showMessageBox(options);
  return r.response;
}

/** A link leaving the app: mail to Maildock's compose, the web to the browser once confirmed. */
export function leave(host: LinkHost, url: string): void {
  followExternal(url, {
    ask: async (prompt) => (await ask(host, { type: 'question', ...prompt })) === 0,
    open: (target) => shell.openExternal(target),
    compose: (draft) => host.compose(draft),
  }).catch((err: unknown) => log.warn({ err }, 'link not opened'));
}

/**
 * An OAuth2 sign-in page (core/oauth2/flows.ts, the loopback flow) in the system browser, never
 * in a window of the app (RFC 8252): the provider's page must not run where Maildock could read
 * the password typed into it. Only https pages, or http on this machine (a test issuer).
 */
export function openSignIn(url: string): Promise<void> {
  const u = new URL(url);
  const local = u.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(u.hostname);
  if (u.protocol !== 'https:' && !local) return Promise.reject(new Error('not an https page'));
  return shell.openExternal(url);
}

/**
 * Makes Maildock the mailto: handler, or stops being it, as the person chose; asks at start
 * while there is no answer (a change back to "ask" in Settings waits for the next start).
 */
export async function applyMailtoHandler(host: LinkHost, opts = { ask: true }): Promise<void> {
  const setting = (await host.settings())?.mailtoHandler;
  if (!setting) return;
  const step = mailtoHandlerStep(setting, app.isDefaultProtocolClient('mailto'));
  if (step === 'set') app.setAsDefaultProtocolClient('mailto');
  else if (step === 'unset') app.removeAsDefaultProtocolClient('mailto');
  else if (step === 'ask' && opts.ask) {
    const response = await ask(host, {
      type: 'question',
      ...MAILTO_PROMPT,
      buttons: [...MAILTO_PROMPT.buttons],
    });
    await host.settings({ mailtoHandler: mailtoAnswer(response) });
    await applyMailtoHandler(host, { ask: false });
  }
}
