import { EventEmitter } from 'node:events';
import type { EventName, EventPayload } from '../../../common/api.js';

/** The core's pushed events, typed by the contract. */
export class CoreEvents {
  private readonly emitter = new EventEmitter();

  emit<E extends EventName>(event: E, payload: EventPayload<E>): void {
    this.emitter.emit(event, payload);
  }

  on<E extends EventName>(event: E, fn: (payload: EventPayload<E>) => void): () => void {
    this.emitter.on(event, fn);
    return () => this.emitter.off(event, fn);
  }
}
