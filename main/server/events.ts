// The contract's events over a WebSocket: every event of common/api.ts, as JSON
// `{event, payload}`. The route sits behind the same checks as the API (they run before the
// upgrade); clients only listen. Where the events come from is the server's: one service's
// own, or (the server of many people) the signed-in person's channel.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { WebSocket } from 'ws';
import { events, type EventName, type EventPayload } from '../../common/api.js';
import { publicPayload } from '../../common/public-error.js';
import type { MaildockService } from '../core/service.js';
import { getLogger } from '../core/platform/log.js';

export const EVENTS_PATH = '/events';
/** A client that falls this far behind is dropped rather than buffered without end. */
const MAX_BUFFERED_BYTES = 16 * 1024 * 1024;
/** Close code 1013, "try again later": the client may reconnect and catch up through the API. */
const TOO_SLOW = 1013;

const log = getLogger('server');

export type Emit = <E extends EventName>(event: E, payload: EventPayload<E>) => void;
/** Starts sending the request's events to `emit`; the function it gives stops them. */
export type Subscribe = (req: FastifyRequest, emit: Emit) => Promise<() => void>;

/** Every event of one service. */
export const serviceEvents =
  (service: MaildockService): Subscribe =>
  async (_req, emit) => {
    const names = Object.keys(events) as EventName[];
    const offs = names.map((event) => service.on(event, (payload) => emit(event, payload)));
    return () => {
      for (const off of offs) off();
    };
  };

export function registerEvents(app: FastifyInstance, subscribe: Subscribe): void {
  app.get(EVENTS_PATH, { websocket: true }, (socket: WebSocket, req) => {
    let stop: (() => void) | null = null;
    let closed = false;
    socket.on('close', () => {
      closed = true;
      stop?.();
    });
    const emit: Emit = (event, payload) => {
      if (socket.readyState !== socket.OPEN) return;
      if (socket.bufferedAmount > MAX_BUFFERED_BYTES) {
        socket.close(TOO_SLOW, 'too far behind');
        return;
      }
      socket.send(JSON.stringify({ event, payload: publicPayload(event, payload) }));
    };
    subscribe(req, emit).then(
      (off) => {
        if (closed) off();
        else stop = off;
      },
      (err: unknown) => {
        log.warn({ err }, 'events could not be subscribed');
        // 1011, "internal error": the client may reconnect.
        socket.close(1011, 'events unavailable');
      },
    );
    log.debug({ clients: app.websocketServer.clients.size }, 'event client connected');
  });
}
