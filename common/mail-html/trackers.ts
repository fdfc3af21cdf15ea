// Tracking pixels: images whose only job is to tell the sender the message was opened.
// Removed even when the user loads remote images, since nobody wants to see them.

/** Hosts and paths of well-known open trackers (ESPs and mail-tracking services). */
const TRACKER_PATTERNS: readonly RegExp[] = [
  /(^|\.)mailtrack\.io\//,
  /\/wf\/open\b/, // SendGrid
  /list-manage\.com\/track\/open/, // Mailchimp
  /\/track\/open/,
  /\/e\/o\//, // Mailgun-style open path
  /(^|\.)google-analytics\.com\/(collect|__utm)/,
  /\/open\.(aspx|php|gif)\b/,
  /[?&](utm_medium=email&)?(open|opened|track)=/,
  /(^|\.)pixel\.[^/]+\//,
  /(^|\.)(email|click|trk|track|tracking)\.[^/]+\/(o|open|pixel)\b/,
  /\/pixel\.(gif|png)\b/,
  /\/beacon\b/,
];

function hostAndPath(src: string): string | null {
  try {
    const u = new URL(src);
    return `${u.hostname.toLowerCase()}${u.pathname}${u.search}`;
  } catch {
    return null;
  }
}

const tiny = (v: string | null): boolean => {
  if (v === null) return false;
  const n = parseFloat(v);
  return Number.isFinite(n) && n <= 1;
};

/** A remote image sized 1×1 (or 0), hidden, or from a known tracker. */
export function isTrackingPixel(
  img: { getAttribute(name: string): string | null },
  src: string,
): boolean {
  const style = (img.getAttribute('style') ?? '').toLowerCase().replace(/\s+/g, '');
  const sizedTiny =
    (tiny(img.getAttribute('width')) && tiny(img.getAttribute('height'))) ||
    (/(^|;)width:[01](px)?(;|$)/.test(style) && /(^|;)height:[01](px)?(;|$)/.test(style));
  const hidden =
    /(^|;)display:none/.test(style) ||
    /(^|;)visibility:hidden/.test(style) ||
    /(^|;)opacity:0(;|$)/.test(style);
  if (sizedTiny || hidden) return true;
  const where = hostAndPath(src);
  return where !== null && TRACKER_PATTERNS.some((p) => p.test(where));
}
