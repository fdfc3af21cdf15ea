// The first screen drawn by the server of one person (renderer/src/first-screen/render.tsx,
// loaded by main/server/first-screen.ts): what passes between the two, and the browser's
// cookie that tells the server whether the screen it would draw is this browser's.

/** A call the first screen made, with the envelope `POST /api/<method>` would have sent. */
export interface FirstAnswer {
  method: string;
  input: unknown;
  envelope: unknown;
}

export interface FirstScreenRequest {
  /** A contract call, answered in-process with the envelope the API would send. */
  invoke(method: string, input: unknown): Promise<unknown>;
  /** The browser's languages (its Accept-Language), most wanted first. */
  languages: readonly string[];
}

export interface FirstScreen {
  /** The markup for `#root`. */
  markup: string;
  /** For `<html lang>`. */
  language: string;
  /** The answers that succeeded: the app starts from them (boot.ts). */
  answers: FirstAnswer[];
}

/** What the built module (dist/renderer-ssr/render.js) exports. */
export type RenderFirstScreen = (req: FirstScreenRequest) => Promise<FirstScreen>;

/** The page's element holding the answers, as JSON (boot.ts reads it). */
export const FIRST_ANSWERS_ID = 'maildock-first-answers';

/**
 * The browser's view of the first screen, kept in a cookie for the server (the browser's
 * storage is out of its reach): `plain` where this browser shows it otherwise than the server
 * would draw it (a theme, density, conversation view, language or pane widths of its own),
 * and its time zone, which the rows' dates are written in.
 */
export interface ViewCookie {
  plain: boolean;
  timeZone: string | null;
}

/** The cookie's name. */
export const VIEW_COOKIE = 'maildock-view';

export function formatViewCookie(view: ViewCookie): string {
  const p = new URLSearchParams();
  if (view.plain) p.set('plain', '1');
  if (view.timeZone) p.set('tz', view.timeZone);
  return p.toString();
}

/** A time zone's name is short; anything else is not one. */
const ZONE = /^[A-Za-z0-9_+\-/]{1,64}$/;

/** Whatever the cookie holds (it comes from outside): what cannot be read is not there. */
export function parseViewCookie(value: string | undefined): ViewCookie {
  if (!value || value.length > 256) return { plain: false, timeZone: null };
  const p = new URLSearchParams(value);
  const tz = p.get('tz');
  return { plain: p.get('plain') === '1', timeZone: tz !== null && ZONE.test(tz) ? tz : null };
}
