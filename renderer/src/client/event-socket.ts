// The server's event stream (`/events`, JSON `{event, payload}`), opened when the first
// listener arrives and reopened with backoff when it drops: the server closes slow clients
// (1013) and closes everyone when it stops (1001). What was missed meanwhile is caught up
// by the UI re-reading through the API, so events are hints, never the only source.
export interface SocketLike {
  onopen: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  onclose: ((ev: unknown) => void) | null;
  close(): void;
}
/** Opens the socket; null when it cannot be opened now (no one is signed in). */
export type SocketFactory = (url: string) => SocketLike | null;

const MIN_DELAY_MS = 1000;
const MAX_DELAY_MS = 30_000;

export class EventSocket {
  private readonly listeners = new Map<string, Set<(payload: unknown) => void>>();
  private socket: SocketLike | null = null;
  private delay = MIN_DELAY_MS;
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly url: string,
    private readonly open: SocketFactory,
  ) {}

  on(event: string, fn: (payload: unknown) => void): () => void {
    let set = this.listeners.get(event);
    if (!set) this.listeners.set(event, (set = new Set()));
    set.add(fn);
    this.connect();
    return () => {
      set.delete(fn);
      if (set.size === 0) this.listeners.delete(event);
      if (this.listeners.size === 0) this.disconnect();
    };
  }

  private connect(): void {
    if (this.socket || this.timer) return;
    const socket = this.open(this.url);
    if (!socket) return;
    this.socket = socket;
    socket.onopen = () => (this.delay = MIN_DELAY_MS);
    socket.onmessage = (ev) => this.dispatch(ev.data);
    socket.onclose = () => {
      if (this.socket !== socket) return;
      this.socket = null;
      if (this.listeners.size === 0) return;
      this.timer = setTimeout(() => {
        this.timer = null;
        this.connect();
      }, this.delay);
      this.delay = Math.min(this.delay * 2, MAX_DELAY_MS);
    };
  }

  /**
   * Someone else signed in, or no one is: the socket of the one before must not stay open,
   * and the listeners (if any) go on with a socket of the new person.
   */
  reopen(): void {
    this.disconnect();
    this.delay = MIN_DELAY_MS;
    if (this.listeners.size > 0) this.connect();
  }

  private disconnect(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const socket = this.socket;
    this.socket = null;
    socket?.close();
  }

  private dispatch(data: unknown): void {
    if (typeof data !== 'string') return;
    let msg: unknown;
    try {
      msg = JSON.parse(data);
    } catch {
      return;
    }
    if (typeof msg !== 'object' || msg === null) return;
    const { event, payload } = msg as { event?: unknown; payload?: unknown };
    if (typeof event !== 'string') return;
    for (const fn of this.listeners.get(event) ?? []) fn(payload);
  }
}
