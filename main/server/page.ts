// The renderer's index.html as `/` sends it, with how this server signs people in written
// into it (`<meta name="maildock-signin">`): the page's first requests leave as its code
// ends, instead of waiting for an auth.mode round trip. On the server of one person, a
// signed-in browser's page also carries its first screen (first-screen.ts): the markup in
// `#root`, the answers it was drawn from as JSON in the head.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { FastifyReply } from 'fastify';
import { FIRST_ANSWERS_ID, type FirstScreen } from '../../common/first-screen.js';

/** `link`: the one-person server's sign-in link and cookie; `password`: people sign in. */
export type SignInKind = 'link' | 'password';

export const NOT_BUILT_PAGE = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Maildock</title></head>
<body>
<h1>Maildock</h1>
<p>The web interface is not built yet. This server answers the API
(<code>POST /api/&lt;method&gt;</code>) and sends events on <code>/events</code>.</p>
</body>
</html>
`;

/** Sends the page, or NOT_BUILT_PAGE where the renderer is not built. */
export type SendPage = (reply: FastifyReply, first?: FirstScreen | null) => Promise<FastifyReply>;

/**
 * JSON inside `<script type="application/json">`: no `<` at all, so nothing in a subject or
 * a name can end the element or open a comment.
 */
export const jsonInScript = (value: unknown): string =>
  JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');

/**
 * The page with its first screen in: `<html lang>`, the markup in `#root`, and the answers
 * to go first in the head (before boot.ts, which reads them, can run).
 */
export function pageWithFirstScreen(
  html: string,
  first: FirstScreen,
): { page: string; head: string } | null {
  const root = html.indexOf(EMPTY_ROOT);
  if (root < 0) return null;
  const lang = first.language.replace(/[^A-Za-z-]/g, '');
  const page = `${html.slice(0, root)}<div id="root">${first.markup}</div>${html.slice(root + EMPTY_ROOT.length)}`;
  return {
    page: page.replace(/<html lang="[^"]*"/i, () => `<html lang="${lang}"`),
    head: `<script type="application/json" id="${FIRST_ANSWERS_ID}">${jsonInScript(first.answers)}</script>`,
  };
}

const EMPTY_ROOT = '<div id="root"></div>';

export function pageSender(staticDir: string | undefined, signIn: SignInKind): SendPage {
  const meta = `<meta name="maildock-signin" content="${signIn}" />`;
  return async (reply, first) => {
    reply.type('text/html; charset=utf-8');
    if (staticDir === undefined) return reply.send(NOT_BUILT_PAGE);
    let html: string;
    try {
      // Read each time: a renderer built again while the server runs is served as it is.
      html = await readFile(join(staticDir, 'index.html'), 'utf8');
    } catch {
      return reply.send(NOT_BUILT_PAGE);
    }
    // The page names the chunks it loads by their hashes: it must never be cached itself;
    // one with mail in it is not even kept.
    const drawn = first ? pageWithFirstScreen(html, first) : null;
    reply.header('cache-control', drawn ? 'no-store' : 'no-cache');
    const page = drawn?.page ?? html;
    const head = /<head(\s[^>]*)?>/i.exec(page);
    const at = head
      ? head.index + head[0].length
      : (/^<!doctype[^>]*>/i.exec(page)?.[0].length ?? 0);
    return reply.send(`${page.slice(0, at)}\n${meta}${drawn?.head ?? ''}${page.slice(at)}`);
  };
}
