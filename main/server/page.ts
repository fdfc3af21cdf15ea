// The renderer's index.html as `/` sends it, with how this server signs people in written
// into it (`<meta name="maildock-signin">`): the page's first requests leave as its code
// ends, instead of waiting for an auth.mode round trip.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { FastifyReply } from 'fastify';

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
export type SendPage = (reply: FastifyReply) => Promise<FastifyReply>;

export function pageSender(staticDir: string | undefined, signIn: SignInKind): SendPage {
  const meta = `<meta name="maildock-signin" content="${signIn}" />`;
  return async (reply) => {
    reply.type('text/html; charset=utf-8');
    if (staticDir === undefined) return reply.send(NOT_BUILT_PAGE);
    let html: string;
    try {
      // Read each time: a renderer built again while the server runs is served as it is.
      html = await readFile(join(staticDir, 'index.html'), 'utf8');
    } catch {
      return reply.send(NOT_BUILT_PAGE);
    }
    // The page names the chunks it loads by their hashes: it must never be cached itself.
    reply.header('cache-control', 'no-cache');
    const head = /<head(\s[^>]*)?>/i.exec(html);
    const at = head
      ? head.index + head[0].length
      : (/^<!doctype[^>]*>/i.exec(html)?.[0].length ?? 0);
    return reply.send(`${html.slice(0, at)}\n${meta}${html.slice(at)}`);
  };
}
