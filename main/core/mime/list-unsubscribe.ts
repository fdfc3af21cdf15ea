// What a message's List-Unsubscribe (RFC 2369) and List-Unsubscribe-Post (RFC 8058) headers
// offer: the first https: link, the first mailto: address, and whether the link takes RFC
// 8058's one-click POST. Anything else (http:, javascript:, data:, ...) is dropped: an
// unsubscribe must neither travel in clear nor run anything.
import type { ListUnsubscribe } from '../../../common/types.js';

/** Longer than any list's real link; a longer one is dropped rather than stored. */
export const MAX_UNSUBSCRIBE_URI = 2048;
/** How much of the header is read: a list names two or three URIs, not thousands. */
const MAX_HEADER = 8192;

/** The URIs of a List-Unsubscribe value, in order: `<...>` entries, comments skipped. */
export function unsubscribeUris(value: string): string[] {
  const text = value.slice(0, MAX_HEADER);
  const bracketed: string[] = [];
  let depth = 0;
  let inside: string | null = null;
  for (const ch of text) {
    if (inside !== null) {
      if (ch === '>') {
        bracketed.push(inside);
        inside = null;
      } else if (!/\s/.test(ch)) inside += ch; // RFC 2369: whitespace in a folded URI is ignored
    } else if (ch === '(') depth++;
    else if (ch === ')' && depth > 0) depth--;
    else if (ch === '<' && depth === 0) inside = '';
  }
  if (bracketed.length) return bracketed;
  // Some senders leave the angle brackets out: comma-separated bare URIs, comments removed.
  const bare = text.replace(/\([^()]*\)/g, ' ');
  return bare
    .split(',')
    .map((part) => part.trim())
    .filter((part) => /^[a-z][a-z0-9+.-]*:\S+$/i.test(part));
}

function httpsUri(uri: string): string | null {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return null;
  }
  // Credentials in the link would go out with the POST: no list needs them.
  if (url.protocol !== 'https:' || !url.hostname || url.username || url.password) return null;
  return url.href.length <= MAX_UNSUBSCRIBE_URI ? url.href : null;
}

/** The POST body RFC 8058 asks for; the header must carry exactly this key and value. */
export const ONE_CLICK_BODY = 'List-Unsubscribe=One-Click';

/** What the two headers' values offer; null when they offer nothing Maildock would use. */
export function parseListUnsubscribe(
  value: string | null | undefined,
  post: string | null | undefined,
): ListUnsubscribe | null {
  if (!value) return null;
  let https: string | null = null;
  let mailto: string | null = null;
  for (const uri of unsubscribeUris(value)) {
    if (uri.length > MAX_UNSUBSCRIBE_URI) continue;
    if (https === null && /^https:/i.test(uri)) https = httpsUri(uri);
    else if (mailto === null && /^mailto:[^?]*@/i.test(uri)) mailto = `mailto:${uri.slice(7)}`;
  }
  if (https === null && mailto === null) return null;
  const oneClick =
    https !== null &&
    post
      ?.trim()
      .replace(/\s*=\s*/, '=')
      .toLowerCase() === ONE_CLICK_BODY.toLowerCase();
  return { https, mailto, oneClick };
}

/**
 * The value of one header among fetched header lines (unfolded), or null. Names are matched
 * whole: `list-unsubscribe` does not find List-Unsubscribe-Post.
 */
export function headerValue(unfolded: string, name: string): string | null {
  let pattern = patterns.get(name);
  if (!pattern) patterns.set(name, (pattern = new RegExp(`^${name}:(.*)$`, 'im')));
  const line = pattern.exec(unfolded);
  return line ? line[1]!.trim() : null;
}

const patterns = new Map<string, RegExp>();
