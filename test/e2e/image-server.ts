// A stand-in for the remote servers HTML mail points at: a loopback HTTP server that counts
// every request by path, so a test can tell whether the reader let a message call home.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

// A 1×1 orange PNG; the mail's width and height attributes size it into a visible block.
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGN44KUFAANiAVVXLsCpAAAAAElFTkSuQmCC',
  'base64',
);

export interface ImageServer {
  base: string;
  hits(path: string): number;
  total(): number;
  close(): Promise<void>;
}

export async function startImageServer(): Promise<ImageServer> {
  const counts = new Map<string, number>();
  const server = http.createServer((req, res) => {
    const p = (req.url ?? '/').split('?')[0]!;
    counts.set(p, (counts.get(p) ?? 0) + 1);
    res.writeHead(200, { 'content-type': 'image/png', 'cache-control': 'no-store' });
    res.end(PNG);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    base: `http://127.0.0.1:${port}`,
    hits: (p) => counts.get(p) ?? 0,
    total: () => [...counts.values()].reduce((a, b) => a + b, 0),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
