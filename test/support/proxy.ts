// A loopback TCP proxy that can make the connections it carries go silent without closing
// them: what a dead NAT mapping or a suspended laptop looks like to a mail client.
import net from 'node:net';

export interface FreezableProxy {
  port: number;
  /** Stops carrying bytes on every connection open now; new connections work normally. */
  freeze(): void;
  close(): Promise<void>;
}

export async function startProxy(targetPort: number): Promise<FreezableProxy> {
  const live = new Set<{ client: net.Socket; upstream: net.Socket }>();
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(targetPort, '127.0.0.1');
    const pair = { client, upstream };
    live.add(pair);
    sockets.add(client).add(upstream);
    client.pipe(upstream);
    upstream.pipe(client);
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
    close: () =>
      new Promise<void>((r) => {
        server.close(() => r());
        // Frozen connections never end by themselves, and close() waits for every connection.
        for (const s of sockets) s.destroy();
      }),
  };
}
