// The one contract: every method the core offers and every event it pushes, with zod
// schemas for input and output. IPC, HTTP and the CLI are all driven from this table, so
// adding a method is one entry here plus its implementation in main/core/service.ts.
import { z } from 'zod';
import {
  accountInputSchema,
  accountSchema,
  mailboxSchema,
  messageDetailSchema,
  messageSummarySchema,
  searchHitSchema,
  syncProgressSchema,
  syncSummarySchema,
} from './types.js';
import { errorDataSchema } from './errors.js';

const id = z.number().int().positive();
const limit = z.number().int().min(1).max(1000);

const method = <I extends z.ZodType, O extends z.ZodType>(input: I, output: O) => ({
  input,
  output,
});

export const methods = {
  'account.add': method(accountInputSchema, accountSchema),
  'account.test': method(accountInputSchema, z.strictObject({ capabilities: z.array(z.string()) })),
  'account.list': method(z.strictObject({}), z.array(accountSchema)),
  'account.remove': method(z.strictObject({ id }), z.strictObject({ removed: z.boolean() })),

  'mailbox.list': method(z.strictObject({ accountId: id.optional() }), z.array(mailboxSchema)),

  'message.list': method(
    z.strictObject({
      mailboxId: id.optional(),
      accountId: id.optional(),
      path: z.string().min(1).max(1000).optional(),
      limit: limit.default(50),
      /** Messages older than this message id (ids sort like dates): the next page. */
      before: id.optional(),
    }),
    z.strictObject({
      messages: z.array(messageSummarySchema),
      nextBefore: z.number().int().nullable(),
    }),
  ),
  'message.get': method(z.strictObject({ id }), messageDetailSchema),
  'message.search': method(
    z.strictObject({
      query: z.string().max(2000),
      limit: limit.default(50),
      before: id.optional(),
    }),
    z.strictObject({ hits: z.array(searchHitSchema), nextBefore: z.number().int().nullable() }),
  ),

  /** An attachment's content, downloaded on first use and kept for offline use after. */
  'attachment.get': method(
    z.strictObject({ id }),
    z.strictObject({
      id: z.number().int(),
      filename: z.string().nullable(),
      contentType: z.string(),
      size: z.number().int(),
      /** base64 */
      data: z.string(),
    }),
  ),

  'sync.run': method(z.strictObject({ accountId: id.optional() }), syncSummarySchema),
  'sync.summary': method(z.strictObject({}), syncSummarySchema),
} as const;

export const events = {
  'sync.progress': syncProgressSchema,
  'sync.error': z.strictObject({ accountId: z.number().int(), error: errorDataSchema }),
  'mail.new': z.strictObject({
    accountId: z.number().int(),
    mailboxId: z.number().int(),
    count: z.number().int(),
  }),
} as const;

export type Methods = typeof methods;
export type MethodName = keyof Methods;
export type MethodInput<M extends MethodName> = z.input<Methods[M]['input']>;
export type MethodParsedInput<M extends MethodName> = z.output<Methods[M]['input']>;
export type MethodOutput<M extends MethodName> = z.output<Methods[M]['output']>;

export type Events = typeof events;
export type EventName = keyof Events;
export type EventPayload<E extends EventName> = z.output<Events[E]>;

/** What a transport returns: errors are values, never thrown across a boundary. */
export type Result<T> =
  { ok: true; value: T } | { ok: false; error: z.infer<typeof errorDataSchema> };

/** The service as every transport sees it: one async function per method. */
export type Api = { [M in MethodName]: (input: MethodParsedInput<M>) => Promise<MethodOutput<M>> };

export function isMethodName(name: string): name is MethodName {
  return Object.prototype.hasOwnProperty.call(methods, name);
}
