// How leaving a mailing list will happen, told to the user before it does: the core takes
// RFC 8058's one-click POST where the https: link offers it, else a mail to the mailto:
// address, else the link itself for the user to open (main/core: message.unsubscribe).
import type { ListUnsubscribe } from '../../../common/types.js';

export type UnsubscribeWay =
  | { method: 'one-click'; target: string }
  | { method: 'mailto'; target: string }
  | { method: 'link'; target: string };

export function unsubscribeWay(u: ListUnsubscribe | null): UnsubscribeWay | null {
  if (!u) return null;
  if (u.https && u.oneClick) return { method: 'one-click', target: hostOf(u.https) };
  if (u.mailto) return { method: 'mailto', target: mailtoAddress(u.mailto) };
  if (u.https) return { method: 'link', target: u.https };
  return null;
}

/** The address of a mailto: URI, without its subject and body. */
export function mailtoAddress(uri: string): string {
  const rest = uri.replace(/^mailto:/i, '');
  const to = rest.split('?')[0] ?? '';
  try {
    return decodeURIComponent(to);
  } catch {
    return to;
  }
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}
