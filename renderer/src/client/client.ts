// The typed client, made mechanically from the contract's tables: one `call` for every
// method and one `on` for every event, over whichever transport exists. Inputs are parsed
// before they leave and outputs are checked against the contract's output schemas when
// they come back, so the UI only ever sees values of the declared types.
import { z } from 'zod';
import {
  events,
  methods,
  type EventName,
  type EventPayload,
  type MethodInput,
  type MethodName,
  type MethodOutput,
} from '../../../common/api.js';
import { errorDataSchema, type ErrorData } from '../../../common/errors.js';
import type { Transport, TransportKind } from './transport.js';

/** A failed call: the contract's error data, intact across the transport. */
export class ClientError extends Error {
  constructor(readonly data: ErrorData) {
    super(data.message);
    this.name = 'ClientError';
  }
}

/** Any thrown value as the contract's error data. */
export function errorDataOf(err: unknown): ErrorData {
  if (err instanceof ClientError) return err.data;
  return { code: 'INTERNAL', message: err instanceof Error ? err.message : String(err) };
}

export interface MaildockClient {
  readonly transport: TransportKind;
  call<M extends MethodName>(method: M, input: MethodInput<M>): Promise<MethodOutput<M>>;
  /**
   * The answer to this call if one is in hand already (the first screen's, fetched before
   * the first render), taken so that no one gets it twice; undefined otherwise.
   */
  peek?<M extends MethodName>(method: M, input: MethodInput<M>): MethodOutput<M> | undefined;
  /**
   * `onMalformed`: an event came that does not fit the contract. It is logged and dropped;
   * the listener should read the state again rather than go on showing what it had.
   */
  on<E extends EventName>(
    event: E,
    fn: (payload: EventPayload<E>) => void,
    onMalformed?: () => void,
  ): () => void;
}

const envelopeSchema = z.union([
  z.object({ ok: z.literal(true), value: z.unknown() }),
  z.object({ ok: z.literal(false), error: errorDataSchema }),
]);

const issueText = (error: z.ZodError) =>
  error.issues
    .slice(0, 3)
    .map((i) => `${i.path.join('.') || '(input)'}: ${i.message}`)
    .join('; ');

export function createClient(transport: Transport): MaildockClient {
  return {
    transport: transport.kind,

    async call(method, input) {
      const schemas = methods[method] as { input: z.ZodType; output: z.ZodType };
      const parsedInput = schemas.input.safeParse(input);
      if (!parsedInput.success) {
        throw new ClientError({
          code: 'INVALID_INPUT',
          message: issueText(parsedInput.error),
          fields: { method },
        });
      }
      const envelope = envelopeSchema.safeParse(await transport.invoke(method, parsedInput.data));
      if (!envelope.success) {
        throw new ClientError({
          code: 'PROTOCOL_ERROR',
          message: `The answer to ${method} is not a result envelope.`,
          fields: { method },
        });
      }
      if (!envelope.data.ok) throw new ClientError(envelope.data.error);
      const output = schemas.output.safeParse(envelope.data.value);
      if (!output.success) {
        throw new ClientError({
          code: 'PROTOCOL_ERROR',
          message: `Maildock's server answered ${method} in a form this page does not understand.`,
          // The validator's words are for the copied details, never for the screen.
          fields: { method, issues: issueText(output.error) },
        });
      }
      return output.data as MethodOutput<typeof method>;
    },

    on(event, fn, onMalformed) {
      const schema = events[event] as z.ZodType;
      return transport.on(event, (payload) => {
        const parsed = schema.safeParse(payload);
        if (parsed.success) {
          fn(parsed.data as EventPayload<typeof event>);
          return;
        }
        console.warn(`maildock: dropped a malformed ${event} event: ${issueText(parsed.error)}`);
        onMalformed?.();
      });
    },
  };
}
