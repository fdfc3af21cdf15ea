// What the preload gives the page: `invoke(method, input)` and `on(event, fn)` over the
// `maildock:` channels of common/ipc.ts, `pickPath` for the native file picker, and nothing
// else. The page never sees ipcRenderer nor the IPC event object (its `sender` would reach
// past the bridge). The main process answers only the contract's methods, each checked
// against the contract there, and the picker.
import {
  eventChannel,
  isContractName,
  isPickKind,
  methodChannel,
  PICK_PATH_CHANNEL,
  type MaildockBridge,
  type PickKind,
} from '../common/ipc.js';

/** The part of Electron's ipcRenderer the bridge uses. */
export interface IpcRendererLike {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>;
  on(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
  removeListener(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
}

const unknownMethod = (method: unknown) => ({
  ok: false,
  error: { code: 'INVALID_INPUT', message: `Unknown method ${String(method)}.` },
});

export function buildBridge(ipc: IpcRendererLike): MaildockBridge {
  return Object.freeze({
    async invoke(method: string, input: unknown): Promise<unknown> {
      if (!isContractName(method)) return unknownMethod(method);
      try {
        return await ipc.invoke(methodChannel(method), input);
      } catch {
        // The main process has no handler on that channel: not a method of the contract.
        return unknownMethod(method);
      }
    },
    on(event: string, fn: (payload: unknown) => void): () => void {
      if (!isContractName(event)) throw new Error(`Unknown event ${String(event)}.`);
      if (typeof fn !== 'function') throw new Error('A listener is a function.');
      const channel = eventChannel(event);
      const listener = (_event: unknown, payload: unknown) => fn(payload);
      ipc.on(channel, listener);
      return () => {
        ipc.removeListener(channel, listener);
      };
    },
    async pickPath(kind: PickKind, title: string): Promise<string | null> {
      if (!isPickKind(kind) || typeof title !== 'string') return null;
      try {
        const picked = await ipc.invoke(PICK_PATH_CHANNEL, kind, title.slice(0, 200));
        return typeof picked === 'string' ? picked : null;
      } catch {
        // No picker in this main process: nothing picked, the path is typed instead.
        return null;
      }
    },
  });
}
