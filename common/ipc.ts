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
/** The desktop's native file picker: not a contract method, since a browser has none. */
export const PICK_PATH_CHANNEL = 'maildock:pick-path';

/** What a native picker is asked for: a file to read, a folder, or a file to write. */
export const PICK_KINDS = ['open-file', 'open-folder', 'save-file'] as const;
export type PickKind = (typeof PICK_KINDS)[number];

export const isPickKind = (kind: unknown): kind is PickKind =>
  (PICK_KINDS as readonly unknown[]).includes(kind);

/** What the preload exposes as `window.maildock`. */
export interface MaildockBridge {
  /** The `{ok, value | error}` envelope of the method; never rejects. */
  invoke(method: string, input: unknown): Promise<unknown>;
  /** Subscribes to an event of the contract; returns the unsubscribe. */
  on(event: string, fn: (payload: unknown) => void): () => void;
  /**
   * The native open or save dialog on the calling window; the path picked, or null when
   * none was. Only the desktop app has it.
   */
  pickPath?(kind: PickKind, title: string): Promise<string | null>;
}
