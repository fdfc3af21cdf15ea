// A probe's view of a line-based protocol (IMAP, SMTP): lines read one at a time, with caps
// on a line's length and on all that is read, since a probed host may be anyone's.
import type { Socket } from 'node:net';
import { Miss, missOf, type DiscoveryNet, type Target } from './net.js';

const MAX_LINE = 8 * 1024;
const MAX_TOTAL = 64 * 1024;

export class LineSocket {
  private buffer = '';
  private total = 0;
  private failure: Miss | null = null;
  private waiter: (() => void) | null = null;
  private readonly onData = (chunk: Buffer) => {
    this.total += chunk.length;
    this.buffer += chunk.toString('latin1');
    if (this.total > MAX_TOTAL) this.fail(new Miss('answered far more than a greeting'));
    else if (this.buffer.length > MAX_LINE && !this.buffer.includes('\n'))
      this.fail(new Miss('answered with an overlong line'));
    this.wake();
  };
  private readonly onError = (err: Error) => this.fail(missOf(err));
  private readonly onClose = () => this.fail(new Miss('closed the connection'));

  constructor(readonly socket: Socket) {
    socket.on('data', this.onData);
    socket.on('error', this.onError);
    socket.on('close', this.onClose);
  }

  private fail(miss: Miss): void {
    this.failure ??= miss;
    this.wake();
  }

  private wake(): void {
    const w = this.waiter;
    this.waiter = null;
    w?.();
  }

  /** The next line, without its line end. */
  async line(): Promise<string> {
    for (;;) {
      const end = this.buffer.indexOf('\n');
      if (end >= 0) {
        const line = this.buffer.slice(0, end).replace(/\r$/, '');
        this.buffer = this.buffer.slice(end + 1);
        return line;
      }
      if (this.failure) throw this.failure;
      await new Promise<void>((resolve) => (this.waiter = resolve));
    }
  }

  write(text: string): void {
    this.socket.write(text);
  }

  /**
   * The socket, for TLS to start over it. Anything already sent after the server's "go
   * ahead" would be read as if it came through TLS (a STARTTLS injection): refused.
   */
  handOver(): Socket {
    if (this.buffer.length) throw new Miss('sent data before TLS began');
    this.socket.off('data', this.onData);
    this.socket.off('close', this.onClose);
    // Kept until TLS takes over: an error in between must not go unheard.
    this.socket.off('error', this.onError);
    this.socket.on('error', () => undefined);
    return this.socket;
  }

  close(): void {
    this.socket.destroy();
  }
}

/** A probe's connection: TLS from the start, or plain until it asks for STARTTLS. */
export async function openLines(
  net: DiscoveryNet,
  target: Target,
  port: number,
  security: 'tls' | 'starttls',
  signal: AbortSignal,
): Promise<LineSocket> {
  return new LineSocket(
    security === 'tls' ? await net.tls(target, port, signal) : await net.tcp(target, port, signal),
  );
}
