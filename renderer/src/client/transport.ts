// The two ways the renderer reaches the core: the Electron preload's `window.maildock`
// bridge, or HTTP + WebSocket when served by `maildock serve`. Both hand back the raw
// `{ok, value | error}` envelope; client.ts checks it against the contract, so nothing here
// is trusted.
import type { ErrorCode } from '../../../common/errors.js';
import type { MaildockBridge } from '../../../common/ipc.js';
import type { TakeEarly } from './early.js';
import { EventSocket, type SocketLike } from './event-socket.js';
import type { BearerSource } from './session.js';

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

/** Opens a WebSocket; `protocols` carry the access token on the server of many people. */
export type OpenSocket = (url: string, protocols: string[] | undefined) => SocketLike;

/** The subprotocol the server of many people answers with; the token rides beside it. */
export const EVENTS_PROTOCOL = 'maildock';

export interface HttpOptions {
  fetch?: typeof fetch;
  socket?: OpenSocket;
  /** Signed in with a password (the server of many people): each request carries its token. */
  bearer?: BearerSource;
  /** The page's own location: the API and /events live on the same origin. */
  location?: Pick<Location, 'protocol' | 'host'>;
  /** Answers to calls made before the app ran (boot.ts), for the same calls by the cookie. */
  early?: TakeEarly;
}

export function httpTransport(opts: HttpOptions = {}): Transport {
  const doFetch = opts.fetch ?? ((...a: Parameters<typeof fetch>) => fetch(...a));
  const loc = opts.location ?? window.location;
  const wsUrl = `${loc.protocol === 'https:' ? 'wss:' : 'ws:'}//${loc.host}/events`;
  const open: OpenSocket =
    opts.socket ??
    ((url, protocols) => new WebSocket(url, protocols) as unknown as ReturnType<OpenSocket>);
  const { bearer } = opts;
  const events = new EventSocket(wsUrl, (url) => {
    if (!bearer?.inUse()) return open(url, undefined);
    // A browser cannot set headers on a WebSocket: the token goes in the protocol list.
    const token = bearer.token();
    return token ? open(url, [EVENTS_PROTOCOL, `bearer.${token}`]) : null;
  });
  bearer?.onPersonChange(() => events.reopen());

  const post = async (method: string, input: unknown, token: string | null) => {
    try {
      // One person: the session cookie (set by the sign-in link), same origin only. Many
      // people: the access token, kept in memory.
      return await doFetch(`/api/${encodeURIComponent(method)}`, {
        method: 'POST',
        credentials: 'same-origin',
        headers: {
          'content-type': 'application/json',
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
        body: JSON.stringify(input ?? {}),
      });
    } catch (err) {
      return failed(
        'CONNECTION_LOST',
        `Maildock's server could not be reached: ${err instanceof Error ? err.message : err}`,
      );
    }
  };
  const envelopeOf = async (res: Response | ReturnType<typeof failed>) => {
    if (!(res instanceof Response)) return res;
    try {
      return await res.json();
    } catch {
      // A proxy's error page, say: keep the status, since it is all there is.
      return failed(
        res.status === 401 ? 'UNAUTHORIZED' : 'INTERNAL',
        `The server answered HTTP ${res.status} without a result.`,
      );
    }
  };

  return {
    kind: 'http',
    async invoke(method, input) {
      const signedIn = bearer?.inUse() ? bearer : null;
      const early = signedIn ? null : opts.early?.(method, input);
      const answered = early ? await early : null;
      if (answered) return envelopeOf(answered);
      const token = signedIn?.token() ?? null;
      const first = await envelopeOf(await post(method, input, token));
      if (!signedIn || !isUnauthorized(first)) return first;
      // Expired, most likely: renew once and try once more.
      const renewal = await signedIn.renew(token);
      if (renewal === 'unreachable') {
        return failed('CONNECTION_LOST', "Maildock's server could not renew the sign-in.");
      }
      if (renewal === 'ended') return first;
      return envelopeOf(await post(method, input, signedIn.token()));
    },
    on: (event, fn) => events.on(event, fn),
  };
}

function isUnauthorized(envelope: unknown): boolean {
  const error = (envelope as { ok?: unknown; error?: { code?: unknown } } | null)?.error;
  return (envelope as { ok?: unknown } | null)?.ok === false && error?.code === 'UNAUTHORIZED';
}

/** The preload's bridge when there is one (desktop app), else HTTP (browser). */
export function pickTransport(win: Pick<Window, 'maildock'> = window, http?: HttpOptions) {
  const bridge = win.maildock;
  if (bridge && typeof bridge.invoke === 'function' && typeof bridge.on === 'function') {
    return ipcTransport(bridge);
  }
  return httpTransport(http);
}
