// The page's first requests, sent by a script of their own before the app's code has even
// arrived. vite.config.ts emits this file as a chunk apart and puts it first in the page.
// On the server of one person, whose page says so (main/server/page.ts), the accounts, the
// folders and the unified Inbox's first page leave while the browser fetches and compiles
// the app; the app's HTTP transport takes these answers for the same calls
// (client/early.ts), checked against the contract like any other.
// Where the server drew the page's first screen, its answers are in the page already: they
// are taken instead (drawnAnswers).
// It imports nothing: a module shared with the app would be a chunk that both wait for.
// test/unit/renderer-early.test.ts holds these requests to the app's own first ones.

/** A call made before the app ran: the app takes its response for the same call, once. */
export interface EarlyCall {
  method: string;
  input: unknown;
  /** Null when the server could not be reached: the app asks again. */
  response: Promise<Response | null>;
}

declare global {
  interface Window {
    maildockEarly?: EarlyCall[];
  }
}

/** The first screen's calls: the unified Inbox's first page by role, the accounts, the folders. */
export function earlyCalls(threads: boolean): [string, unknown][] {
  return [
    ['message.list', { role: 'inbox', offset: 0, limit: 200, threads, count: true }],
    ['account.list', {}],
    ['mailbox.list', {}],
  ];
}

function threadsOn(): boolean {
  try {
    return localStorage.getItem('maildock.threads') === '1';
  } catch {
    return false;
  }
}

function post(method: string, input: unknown): Promise<Response | null> {
  return fetch(`/api/${encodeURIComponent(method)}`, {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(input),
  }).catch(() => null);
}

/**
 * The first number and date formats load the locale's data (15–25 ms), which the first
 * render would otherwise wait for; while the app's code arrives the page has nothing to do.
 */
function warmFormats(lang: string): void {
  try {
    new Intl.NumberFormat(lang).format(1234);
    new Intl.DateTimeFormat(lang, { dateStyle: 'medium', timeStyle: 'short' }).format(0);
  } catch {
    // A language the browser does not know: the app falls back on its own.
  }
}

/**
 * The answers the server drew the page's first screen from (main/server/page.ts puts them
 * first in the head; the id is common/first-screen.ts's FIRST_ANSWERS_ID): the app starts
 * from the same ones, with nothing to ask. Null where the page has none.
 */
export function drawnAnswers(doc: Document): EarlyCall[] | null {
  const text = doc.getElementById('maildock-first-answers')?.textContent;
  if (!text) return null;
  try {
    const answers = JSON.parse(text) as { method: string; input: unknown; envelope: unknown }[];
    return answers.map(({ method, input, envelope }) => ({
      method,
      input,
      response: Promise.resolve(
        new Response(JSON.stringify(envelope), {
          headers: { 'content-type': 'application/json' },
        }),
      ),
    }));
  } catch {
    return null; // the app asks, as where there are none
  }
}

/** Sends the first calls where the page came from the one-person server, with its cookie. */
export function boot(win: Window): void {
  const said = win.document.querySelector<HTMLMetaElement>('meta[name="maildock-signin"]');
  if (said?.content === 'link' && !win.maildock) {
    win.maildockEarly =
      drawnAnswers(win.document) ??
      earlyCalls(threadsOn()).map(([method, input]) => ({
        method,
        input,
        response: post(method, input),
      }));
  }
  warmFormats(win.navigator.language);
}

boot(window);
