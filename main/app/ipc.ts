// The core over IPC, generated from the contract: one handler per method, each refusing a
// caller that is not the app's own top-level page before the service parses its input, and
// every event of the contract forwarded to the windows. Beside them one channel that is
// no method, since only the desktop has it: the native file picker, behind the same check.
import { events, methods, type EventName, type MethodName, type Result } from '../../common/api.js';
import { eventChannel, methodChannel } from '../../common/ipc.js';
import { publicPayload, publicResult } from '../../common/public-error.js';
import {
  pickedPath,
  pickerOptions,
  pickRequest,
  type OpenOptions,
  type PickerAnswer,
  type SaveOptions,
} from './pick-path.js';
import { trustedSender, type SenderFrame } from './security.js';

/** What the handlers need of the service (MaildockService has both). */
export interface IpcCore {
  invoke(method: MethodName, input: unknown): Promise<Result<unknown>>;
  on(event: EventName, fn: (payload: unknown) => void): () => void;
}

export interface IpcInvokeEvent {
  senderFrame: SenderFrame | null;
}

export type IpcHandler = (event: IpcInvokeEvent, input: unknown) => Promise<Result<unknown>>;

const methodNames = Object.keys(methods) as MethodName[];
const eventNames = Object.keys(events) as EventName[];

const FOREIGN: Result<never> = {
  ok: false,
  error: { code: 'FORBIDDEN', message: 'Only Maildock’s own window may use its core.' },
};

/** Channel → handler, for every method of the contract. */
export function ipcHandlers(core: IpcCore): Map<string, IpcHandler> {
  const table = new Map<string, IpcHandler>();
  for (const method of methodNames) {
    table.set(methodChannel(method), async (event, input) =>
      trustedSender(event.senderFrame)
        ? publicResult(method, await core.invoke(method, input))
        : FOREIGN,
    );
  }
  return table;
}

/** Sends every event of the contract on its channel; returns the unsubscribe. */
export function forwardEvents(
  core: Pick<IpcCore, 'on'>,
  send: (channel: string, payload: unknown) => void,
): () => void {
  const offs = eventNames.map((event) =>
    core.on(event, (payload) => send(eventChannel(event), publicPayload(event, payload))),
  );
  return () => {
    for (const off of offs) off();
  };
}

/** Electron's open and save dialogs, on the window of the event's sender. */
export interface PickerDialogs<E extends IpcInvokeEvent> {
  open(event: E, options: OpenOptions): Promise<PickerAnswer>;
  save(event: E, options: SaveOptions): Promise<PickerAnswer>;
}

/** The picker's handler: the path picked, or null (refused, malformed, or cancelled). */
export function pickPathHandler<E extends IpcInvokeEvent>(
  dialogs: PickerDialogs<E>,
): (event: E, kind: unknown, title: unknown) => Promise<string | null> {
  return async (event, kind, title) => {
    const request = pickRequest(kind, title);
    if (!trustedSender(event.senderFrame) || !request) return null;
    const picker = pickerOptions(request.kind, request.title);
    return pickedPath(
      picker.dialog === 'open'
        ? await dialogs.open(event, picker.options)
        : await dialogs.save(event, picker.options),
    );
  };
}
