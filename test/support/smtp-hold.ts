// A loopback proxy in front of an SMTP server that lets messages through until the one it
// is told to stop at: that message's final "." reaches the server (which takes it and
// delivers it), and the server's answer is held back, so the sender is stuck exactly where a
// kill leaves a message "may have been sent". Which process holds the stuck connection is
// told by `ss`, so a test kills the process that was sending, whichever that was.
import { execFile } from 'node:child_process';
import net from 'node:net';
import { promisify } from 'node:util';

export interface HeldMessage {
  /** The Message-ID header of the message whose answer is held. */
  messageId: string;
  /** The pid of the process whose connection it is. */
  pid: number;
}

export interface SmtpHold {
  port: number;
  /** Resolves once the nth message (from 1, over all connections) is held. */
  holdAt(nth: number): Promise<HeldMessage>;
  close(): Promise<void>;
}

/** The pid of the local process whose socket has this local port. */
async function pidOfPort(port: number): Promise<number> {
  const { stdout } = await promisify(execFile)('ss', ['-tnpH', `sport = :${port}`]);
  const match = /pid=(\d+)/.exec(stdout);
  if (!match) throw new Error(`no process has local port ${port}:\n${stdout}`);
  return Number(match[1]);
}

export async function startSmtpHold(targetPort: number): Promise<SmtpHold> {
  let ended = 0;
  let stopAt = 0;
  let onHeld: ((held: HeldMessage) => void) | null = null;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(targetPort, '127.0.0.1');
    sockets.add(client).add(upstream);
    let inData = false;
    let message = '';
    let held = false;
    upstream.on('data', (d: Buffer) => {
      if (!held) client.write(d);
    });
    client.on('data', (d: Buffer) => {
      upstream.write(d);
      const text = d.toString('latin1');
      if (!inData) {
        // Pipelined commands may come in one chunk with what follows; DATA ends a batch.
        if (/(^|\r\n)DATA\r\n$/i.test(text)) {
          inData = true;
          message = '';
        }
        return;
      }
      message += text;
      if (!/\r\n\.\r\n$/.test(message)) return;
      inData = false;
      ended++;
      if (ended !== stopAt || !onHeld) return;
      held = true;
      const messageId = /^Message-ID:\s*(<[^>]+>)/im.exec(message)?.[1] ?? '';
      const done = onHeld;
      onHeld = null;
      void pidOfPort(client.remotePort!).then((pid) => done({ messageId, pid }));
    });
    const end = () => {
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
    holdAt: (nth) =>
      new Promise<HeldMessage>((resolve) => {
        stopAt = nth;
        onHeld = resolve;
      }),
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}
