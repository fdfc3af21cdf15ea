// What discovery's steps reach the network through: one DNS resolver (MX and SRV records, and
// in tests the names themselves), the gate of the server of many people (net/mail-hosts.ts)
// before any connection, and sockets, plain or TLS, with a deadline. The test seams live here:
// a resolver pointed at a loopback DNS server, a private CA, and the well-known ports mapped
// to where test servers listen. Production sets none of them.
import { Resolver } from 'node:dns/promises';
import { connect as tcpConnect, type Socket } from 'node:net';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';
import { MaildockError } from '../../../common/errors.js';
import { mailTarget } from '../net/mail-hosts.js';
import { UNREACHABLE_CODES } from '../net/socket-codes.js';
import { isTlsCode, tlsReason } from '../net/tls-failure.js';

export interface DiscoveryOptions {
  /** Tests only: DNS servers ('127.0.0.1:5353') in place of the system's, for every name. */
  dnsServers?: string[];
  /** Tests only: the trust anchors of HTTPS and TLS in place of the system's. */
  ca?: string[];
  /** Tests only: a well-known port (443, 993, 143, 465, 587) → where a test server listens. */
  ports?: Partial<Record<number, number>>;
  /** One DNS query's limit; default 3 s. */
  dnsTimeoutMs?: number;
  /** One probe's or one download's limit, connection and answer; default 5 s. */
  timeoutMs?: number;
}

/** Why a candidate gave nothing, in words for the user: "no such host", "refused …". */
export class Miss extends Error {}

export interface Target {
  /** Where to connect: the name, or the address checked for it. */
  host: string;
  /** The name TLS checks the certificate against. */
  servername: string;
}

const NO_SUCH_NAME = new Set(['ENOTFOUND', 'ENODATA', 'EAI_NONAME']);
const ALSO_UNREACHABLE = new Set(['ESERVFAIL', 'EREFUSED', 'ECONNRESET', 'EPIPE']);

/** A socket or resolver failure as a Miss, in words (never a library's own text). */
export function missOf(err: unknown): Miss {
  if (err instanceof Miss) return err;
  if (err instanceof MaildockError && err.code === 'FORBIDDEN')
    return new Miss("not tried: inside this server's own network");
  const code = (err as NodeJS.ErrnoException | null)?.code ?? null;
  if (code && NO_SUCH_NAME.has(code)) return new Miss('no such host');
  if (code === 'ECONNREFUSED') return new Miss('nothing listens');
  if (code === 'ETIMEOUT' || code === 'ETIMEDOUT') return new Miss('no answer in time');
  if (isTlsCode(code)) return new Miss(tlsReason(code));
  if (code && (UNREACHABLE_CODES.has(code) || ALSO_UNREACHABLE.has(code)))
    return new Miss('not reachable');
  return new Miss('the connection failed');
}

/**
 * Runs `work` with a signal that aborts after `ms` (every socket opened under it is destroyed,
 * and the work rejects with a Miss), and aborts once the work is done, closing what is left.
 */
export async function withDeadline<T>(
  ms: number,
  work: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new Miss('no answer in time')), ms);
  try {
    return await abortable(work(controller.signal), controller.signal);
  } finally {
    clearTimeout(timer);
    controller.abort(new Miss('done'));
  }
}

/** `promise`, or its signal's reason once aborted (the promise's own end is then ignored). */
export function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason as Error);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason as Error);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (err: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(err as Error);
      },
    );
  });
}

export class DiscoveryNet {
  private readonly resolver: Resolver;
  readonly timeoutMs: number;

  constructor(readonly options: DiscoveryOptions = {}) {
    this.resolver = new Resolver({ timeout: options.dnsTimeoutMs ?? 3_000, tries: 2 });
    if (options.dnsServers?.length) this.resolver.setServers(options.dnsServers);
    this.timeoutMs = options.timeoutMs ?? 5_000;
  }

  /** Where a well-known port is reached: itself, but where a test maps it. */
  port(port: number): number {
    return this.options.ports?.[port] ?? port;
  }

  /** The domain's MX hosts, most preferred first; none when it has none. */
  async mx(domain: string): Promise<string[]> {
    const records = await this.resolver.resolveMx(domain);
    return records
      .sort((a, b) => a.priority - b.priority)
      .map((r) => r.exchange.toLowerCase().replace(/\.$/, ''))
      .filter((host) => host !== '');
  }

  srv(name: string) {
    return this.resolver.resolveSrv(name);
  }

  /**
   * Where to connect for a host and port, through the gate of the server of many people:
   * FORBIDDEN (a Miss, for the steps) for an address inside its network. With a test
   * resolver the name is looked up there, and the address found goes through the same gate.
   */
  async target(host: string, port: number): Promise<Target> {
    if (!this.options.dnsServers?.length) {
      const t = await mailTarget(host, port);
      return { host: t.host, servername: t.servername ?? host };
    }
    const [v4, v6] = await Promise.allSettled([
      this.resolver.resolve4(host),
      this.resolver.resolve6(host),
    ]);
    const address = [v4, v6].flatMap((r) => (r.status === 'fulfilled' ? r.value : []))[0];
    if (!address) {
      // A resolver that gave no answer (a time-out) is said as such; else there is no host.
      const failed = [v4, v6].find(
        (r) =>
          r.status === 'rejected' &&
          !NO_SUCH_NAME.has((r.reason as NodeJS.ErrnoException).code ?? ''),
      );
      throw failed?.status === 'rejected'
        ? failed.reason
        : Object.assign(new Error(host), { code: 'ENOTFOUND' });
    }
    const checked = await mailTarget(address, port);
    return { host: checked.host, servername: host };
  }

  /** A TCP connection to a target, open; destroyed when `signal` aborts. */
  tcp(target: Target, port: number, signal: AbortSignal): Promise<Socket> {
    return opened(tcpConnect({ host: target.host, port }), 'connect', signal);
  }

  /**
   * A TLS connection to a target (a new one, or over `socket` for STARTTLS), its certificate
   * verified for the name; destroyed when `signal` aborts.
   */
  tls(target: Target, port: number, signal: AbortSignal, socket?: Socket): Promise<TLSSocket> {
    return opened(
      tlsConnect({
        ...(socket ? { socket } : { host: target.host, port }),
        servername: target.servername,
        rejectUnauthorized: true,
        ...(this.options.ca ? { ca: this.options.ca } : {}),
      }),
      'secureConnect',
      signal,
    );
  }
}

function opened<S extends Socket>(
  socket: S,
  event: 'connect' | 'secureConnect',
  signal: AbortSignal,
): Promise<S> {
  const stop = () => socket.destroy(signal.reason as Error);
  if (signal.aborted) stop();
  else signal.addEventListener('abort', stop, { once: true });
  socket.once('close', () => signal.removeEventListener('abort', stop));
  return new Promise((resolve, reject) => {
    const fail = (err: Error) => {
      socket.destroy();
      reject(missOf(err));
    };
    socket.once('error', fail);
    socket.once(event, () => {
      socket.off('error', fail);
      resolve(socket);
    });
  });
}
