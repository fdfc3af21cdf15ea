// A loopback TCP proxy that can make the connections it carries go silent without closing
// them: what a dead NAT mapping or a suspended laptop looks like to a mail client.
import net from 'node:net';

export interface FreezableProxy {
  port: number;
  /** Stops carrying bytes on every connection open now; new connections work normally. */
  freeze(): void;
  /**
   * The next time a client sends bytes matching `pattern`, they still reach the server, and
   * `afterMs` later that connection is cut: what a network drop in mid-command looks like.
   * With `holdReplies`, nothing the server says after that reaches the client: the command
   * is carried out, and the client never learns it was.
   */
  cutAfter(pattern: RegExp, afterMs?: number, opts?: { holdReplies?: boolean }): Promise<void>;
  close(): Promise<void>;
}

export async function startProxy(targetPort: number): Promise<FreezableProxy> {
  const live = new Set<{ client: net.Socket; upstream: net.Socket }>();
  const sockets = new Set<net.Socket>();
  const cuts: { pattern: RegExp; afterMs: number; holdReplies: boolean; done: () => void }[] = [];
  const server = net.createServer((client) => {
    const upstream = net.connect(targetPort, '127.0.0.1');
    const pair = { client, upstream };
    live.add(pair);
    sockets.add(client).add(upstream);
    client.pipe(upstream);
    upstream.pipe(client);
    client.on('data', (chunk: Buffer) => {
      const cut = cuts.find((c) => c.pattern.test(chunk.toString('latin1')));
      if (!cut) return;
      cuts.splice(cuts.indexOf(cut), 1);
      if (cut.holdReplies) {
        upstream.unpipe(client);
        upstream.pause();
      }
      setTimeout(() => {
        client.destroy();
        upstream.destroy();
        cut.done();
      }, cut.afterMs);
    });
    const end = () => {
      live.delete(pair);
      sockets.delete(client);
      sockets.delete(upstream);
      client.destroy();
      upstream.destroy();
    };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as net.AddressInfo).port,
    freeze() {
      for (const { client, upstream } of live) {
        client.unpipe(upstream);
        upstream.unpipe(client);
        client.pause();
        upstream.pause();
      }
      live.clear();
    },
    cutAfter: (pattern, afterMs = 200, opts = {}) =>
      new Promise<void>((done) =>
        cuts.push({ pattern, afterMs, holdReplies: !!opts.holdReplies, done }),
      ),
    close: () =>
      new Promise<void>((r) => {
        server.close(() => r());
        // Frozen connections never end by themselves, and close() waits for every connection.
        for (const s of sockets) s.destroy();
      }),
  };
}
