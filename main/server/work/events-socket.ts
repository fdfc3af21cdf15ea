// Where a signed-in person's WebSocket gets its events in the server of many instances: their
// channel on the bus, so work done by any instance reaches them. The owner comes from the
// verified token (the principal), never from anything the client sends.
import type { Subscribe } from '../events.js';
import type { EventsBus } from './events-bus.js';
import type { Owner } from './types.js';

export const busEvents =
  (bus: EventsBus) =>
  (principal: { owner: Owner }): Subscribe =>
  async (_req, emit) => {
    const off = await bus.subscribe(principal.owner, (message) =>
      emit(message.event, message.payload),
    );
    return () => void off();
  };
