// The desktop app's IPC channels: one per contract method (invoke) and one per event (main →
// renderer), named from the contract's names. main/app registers a handler for exactly the
// contract's methods; the preload, which must stay small (it runs before every page, and a
// sandboxed preload cannot load modules), knows only how channels are named, and nothing
// outside the `maildock:` channels can be reached through it.

const METHOD_PREFIX = 'maildock:method:';
const EVENT_PREFIX = 'maildock:event:';

/** The shape of a contract name: "message.list", "stack.user.add", "ui.command". */
const NAME = /^[a-z][a-zA-Z]*(\.[a-z][a-zA-Z]*){1,3}$/;

export const isContractName = (name: unknown): name is string =>
  typeof name === 'string' && name.length <= 64 && NAME.test(name);

export const methodChannel = (method: string): string => `${METHOD_PREFIX}${method}`;
export const eventChannel = (event: string): string => `${EVENT_PREFIX}${event}`;

/** What the preload exposes as `window.maildock`. */
export interface MaildockBridge {
  /** The `{ok, value | error}` envelope of the method; never rejects. */
  invoke(method: string, input: unknown): Promise<unknown>;
  /** Subscribes to an event of the contract; returns the unsubscribe. */
  on(event: string, fn: (payload: unknown) => void): () => void;
}
