// A browser's WebSocket fed from the bus: the events of one person, from every instance,
// while the socket is open. The owner must come from the verified token of the request that
// opened the socket, never from anything the client sends.
import type { WebSocket } from 'ws';
import type { EventsBus } from './events-bus.js';
import type { Owner } from './types.js';

/** A client that falls this far behind is dropped rather than buffered without end. */
const MAX_BUFFERED_BYTES = 16 * 1024 * 1024;
/** Close code 1013, "try again later": the client may reconnect and catch up through the API. */
const TOO_SLOW = 1013;

export async function pipeUserEvents(
  bus: EventsBus,
  owner: Owner,
  socket: WebSocket,
): Promise<void> {
  const off = await bus.subscribe(owner, (message) => {
    if (socket.readyState !== socket.OPEN) return;
    if (socket.bufferedAmount > MAX_BUFFERED_BYTES) {
      socket.close(TOO_SLOW, 'too far behind');
      return;
    }
    // Made public (no internal error text) when it was published.
    socket.send(JSON.stringify(message));
  });
  socket.once('close', () => void off());
  // Closed while the subscription was being made: the 'close' event has passed already.
  if (socket.readyState === socket.CLOSED || socket.readyState === socket.CLOSING) await off();
}
