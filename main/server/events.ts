// The contract's events over a WebSocket: every event of common/api.ts, as JSON
// `{event, payload}`. The route sits behind the same token and origin checks as the API
// (they run before the upgrade); clients only listen.
import type { FastifyInstance } from 'fastify';
import type { WebSocket } from 'ws';
import { events, type EventName } from '../../common/api.js';
import { publicPayload } from '../../common/public-error.js';
import type { MaildockService } from '../core/service.js';
import { getLogger } from '../core/platform/log.js';

export const EVENTS_PATH = '/events';
/** A client that falls this far behind is dropped rather than buffered without end. */
const MAX_BUFFERED_BYTES = 16 * 1024 * 1024;
/** Close code 1013, "try again later": the client may reconnect and catch up through the API. */
const TOO_SLOW = 1013;

const log = getLogger('server');

export function registerEvents(app: FastifyInstance, service: MaildockService): void {
  app.get(EVENTS_PATH, { websocket: true }, (socket: WebSocket) => {
    const names = Object.keys(events) as EventName[];
    const unsubscribe = names.map((event) =>
      service.on(event, (payload) => {
        if (socket.readyState !== socket.OPEN) return;
        if (socket.bufferedAmount > MAX_BUFFERED_BYTES) {
          socket.close(TOO_SLOW, 'too far behind');
          return;
        }
        socket.send(JSON.stringify({ event, payload: publicPayload(event, payload) }));
      }),
    );
    log.debug({ clients: app.websocketServer.clients.size }, 'event client connected');
    socket.on('close', () => {
      for (const off of unsubscribe) off();
    });
  });
}
