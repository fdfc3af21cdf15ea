// Links from mail leave the app only after the user has seen where they really go: the
// text of a link may say one address and point at another.
import { i18n } from '../i18n/index.js';

const OPENABLE = /^(?:https?:|mailto:)/i;

export interface LinkHost {
  confirm(message: string): boolean;
  open(url: string, target: string, features: string): unknown;
}

/** Asks with the real target, then opens it outside the app (new tab, or the OS in Electron). */
export function openExternal(href: string, host: LinkHost = window): boolean {
  const url = href.trim();
  if (!OPENABLE.test(url)) return false;
  if (!host.confirm(i18n.t('reader.openLink', { url }))) return false;
  host.open(url, '_blank', 'noopener,noreferrer');
  return true;
}
