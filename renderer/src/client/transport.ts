// The two ways the renderer reaches the core: the Electron preload's `window.maildock`
// bridge, or HTTP + WebSocket when served by `maildock serve`. Both hand back the raw
// `{ok, value | error}` envelope; client.ts checks it against the contract, so nothing here
// is trusted.
import type { ErrorCode } from '../../../common/errors.js';
import type { MaildockBridge } from '../../../common/ipc.js';
import { EventSocket, type SocketFactory } from './event-socket.js';

export type TransportKind = 'ipc' | 'http';

export interface Transport {
  readonly kind: TransportKind;
  /** The envelope as received (unvalidated); never rejects. */
  invoke(method: string, input: unknown): Promise<unknown>;
  on(event: string, fn: (payload: unknown) => void): () => void;
}

export type { MaildockBridge };

declare global {
  interface Window {
    maildock?: MaildockBridge;
  }
}

const failed = (code: ErrorCode, message: string) => ({ ok: false, error: { code, message } });

export function ipcTransport(bridge: MaildockBridge): Transport {
  return {
    kind: 'ipc',
    async invoke(method, input) {
      try {
        return await bridge.invoke(method, input);
      } catch (err) {
        return failed('INTERNAL', err instanceof Error ? err.message : String(err));
      }
    },
    on: (event, fn) => bridge.on(event, fn),
  };
}

export interface HttpOptions {
  fetch?: typeof fetch;
  socket?: SocketFactory;
  /** The page's own location: the API and /events live on the same origin. */
  location?: Pick<Location, 'protocol' | 'host'>;
}

export function httpTransport(opts: HttpOptions = {}): Transport {
  const doFetch = opts.fetch ?? ((...a: Parameters<typeof fetch>) => fetch(...a));
  const loc = opts.location ?? window.location;
  const wsUrl = `${loc.protocol === 'https:' ? 'wss:' : 'ws:'}//${loc.host}/events`;
  const events = new EventSocket(
    wsUrl,
    opts.socket ?? ((url) => new WebSocket(url) as unknown as ReturnType<SocketFactory>),
  );
  return {
    kind: 'http',
    async invoke(method, input) {
      let res: Response;
      try {
        // The session cookie (set by the sign-in link) authenticates; same-origin only.
        res = await doFetch(`/api/${encodeURIComponent(method)}`, {
          method: 'POST',
          credentials: 'same-origin',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(input ?? {}),
        });
      } catch (err) {
        return failed(
          'CONNECTION_LOST',
          `Maildock's server could not be reached: ${err instanceof Error ? err.message : err}`,
        );
      }
      try {
        return await res.json();
      } catch {
        // A proxy's error page, say: keep the status, since it is all there is.
        return failed(
          res.status === 401 ? 'UNAUTHORIZED' : 'INTERNAL',
          `The server answered HTTP ${res.status} without a result.`,
        );
      }
    },
    on: (event, fn) => events.on(event, fn),
  };
}

/** The preload's bridge when there is one (desktop app), else HTTP (browser). */
export function pickTransport(win: Pick<Window, 'maildock'> = window, http?: HttpOptions) {
  const bridge = win.maildock;
  if (bridge && typeof bridge.invoke === 'function' && typeof bridge.on === 'function') {
    return ipcTransport(bridge);
  }
  return httpTransport(http);
}
