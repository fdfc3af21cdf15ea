// The loopback redirect of RFC 8252: a one-shot HTTP listener on 127.0.0.1 at a port the
// system picks, where the user's browser comes back from the provider's sign-in. Only a
// request carrying the flow's state is taken; the listener then closes.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface LoopbackListener {
  /** The redirect_uri: http://127.0.0.1:PORT/ */
  redirectUri: string;
  /** The address the browser came back to, with the provider's answer in its query. */
  answer: Promise<URL>;
  close(): void;
}

const PAGE = (title: string, text: string) =>
  `<!doctype html><html><head><meta charset="utf-8"><title>${title}</title></head>` +
  `<body style="font-family:sans-serif;margin:3em"><h1>${title}</h1><p>${text}</p></body></html>`;

export async function listenOnce(state: string): Promise<LoopbackListener> {
  let resolve!: (url: URL) => void;
  let reject!: (err: Error) => void;
  const answer = new Promise<URL>((ok, fail) => {
    resolve = ok;
    reject = fail;
  });
  // Nobody may be waiting yet; a closed listener must not be an unhandled rejection.
  answer.catch(() => undefined);
  let server: Server | null = null;
  const close = () => {
    if (!server) return;
    server.close();
    server.closeAllConnections();
    server = null;
    reject(new Error('closed'));
  };
  server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', `http://127.0.0.1`);
    if (req.method !== 'GET' || url.pathname !== '/') {
      res.writeHead(404).end();
      return;
    }
    if (url.searchParams.get('state') !== state) {
      res
        .writeHead(400, { 'content-type': 'text/html; charset=utf-8' })
        .end(PAGE('Not this sign-in', 'This is not the sign-in Maildock is waiting for.'));
      return;
    }
    const failed = url.searchParams.has('error');
    res
      .writeHead(200, { 'content-type': 'text/html; charset=utf-8', connection: 'close' })
      .end(
        failed
          ? PAGE('Sign-in not completed', 'Go back to Maildock to see why.')
          : PAGE('Signed in', 'You can close this window and go back to Maildock.'),
      );
    const port = (server?.address() as AddressInfo | null)?.port;
    resolve(new URL(`http://127.0.0.1:${port}${req.url ?? '/'}`));
    server?.close();
    server = null;
  });
  await new Promise<void>((ok, fail) => {
    server!.once('error', fail);
    server!.listen(0, '127.0.0.1', () => ok());
  });
  const { port } = server.address() as AddressInfo;
  return { redirectUri: `http://127.0.0.1:${port}/`, answer, close };
}
