// The one contract: every method the core offers and every event it pushes, with zod
// schemas for input and output. IPC, HTTP and the CLI are all driven from this table, so
// adding a method is one entry here plus its implementation in main/core/service.ts.
import { z } from 'zod';
import {
  actionResultSchema,
  accountInputSchema,
  accountUpdateSchema,
  discoverySchema,
  identityInputSchema,
  mailboxNameSchema,
  mailboxRoleSchema,
  operationSchema,
  selectionSchema,
  accountSchema,
  accountSyncStateSchema,
  contactSchema,
  emailSchema,
  listRowSchema,
  mailboxSchema,
  messageDetailSchema,
  messageSummarySchema,
  searchHitSchema,
  syncProgressSchema,
  syncSummarySchema,
  appInfoSchema,
  appSettingsSchema,
  exportFormatSchema,
  exportResultSchema,
  importFormatSchema,
  importResultSchema,
  transferProgressSchema,
  backupProgressSchema,
  backupReportSchema,
  restoreResultSchema,
  backupResultSchema,
  backupScheduleSchema,
  uiCommandSchema,
} from './types.js';
import { composeInputSchema, draftSchema, outboxEntrySchema, outboxStateSchema } from './types.js';
import {
  oauth2FlowKindSchema,
  oauth2FlowSchema,
  oauth2GrantRefSchema,
  oauth2ProviderSchema,
} from './types.js';
import { errorDataSchema } from './errors.js';
import {
  logLineSchema,
  stackHealthSchema,
  stackProgressSchema,
  stackProfileSchema,
  stackServiceSchema,
  stackSettingsPatchSchema,
  stackSettingsSchema,
  stackStatusSchema,
  quotaBytesSchema,
  stackUserSchema,
} from './stack.js';

const id = z.number().int().positive();
const limit = z.number().int().min(1).max(1000);

const method = <I extends z.ZodType, O extends z.ZodType>(input: I, output: O) => ({
  input,
  output,
});

export const methods = {
  'account.add': method(accountInputSchema, accountSchema),
  'account.test': method(accountInputSchema, z.strictObject({ capabilities: z.array(z.string()) })),
  /**
   * An address's servers, found as Thunderbird finds them (the bundled ISPDB by the domain or
   * its MX, the provider's autoconfig over HTTPS, RFC 6186 SRV records, then likely hosts
   * probed); NOT_FOUND, saying what was tried, when nothing answers.
   */
  'account.discover': method(z.strictObject({ email: emailSchema }), discoverySchema),
  'account.list': method(z.strictObject({}), z.array(accountSchema)),
  'account.remove': method(z.strictObject({ id }), z.strictObject({ removed: z.boolean() })),
  /** Servers, an SMTP server added later, the display name, the password: tested, then saved. */
  'account.update': method(accountUpdateSchema, accountSchema),
  /**
   * Signs an OAuth2 account in again with a finished flow (oauth2.finish) for its address,
   * after its grant was revoked or expired: tested, saved, and its sync resumes.
   */
  'account.signin': method(z.strictObject({ id, oauth2: oauth2GrantRefSchema }), accountSchema),
  /**
   * Starts an OAuth2 sign-in for an address: what the user must open (and, for the device
   * flow, the code to enter there). Refused by the server of many people.
   */
  'oauth2.start': method(
    z.strictObject({
      email: emailSchema,
      provider: oauth2ProviderSchema,
      flow: oauth2FlowKindSchema,
    }),
    oauth2FlowSchema,
  ),
  /**
   * Waits until the user has signed in (loopback, device) or takes the pasted code (manual:
   * the code, or the whole address the browser ended on). The grant then waits, in memory and
   * never shown, for account.add or account.signin to take it.
   */
  'oauth2.finish': method(
    z.strictObject({
      flowId: z.string().min(1).max(100),
      code: z.string().min(1).max(8192).optional(),
    }),
    z.strictObject({ flowId: z.string(), email: z.string(), provider: z.string() }),
  ),
  /**
   * Stops a sign-in under way: its loopback listener closes, a device poll stops, and an
   * oauth2.finish waiting on it fails with CANCELLED. False when there was none (it expired,
   * or an account took it).
   */
  'oauth2.cancel': method(
    z.strictObject({ flowId: z.string().min(1).max(100) }),
    z.strictObject({ cancelled: z.boolean() }),
  ),
  /**
   * Adds an identity (an alias the account's servers send for) or changes one: its name and
   * its signature. The account's own address is its primary identity, named by the account.
   */
  'identity.save': method(identityInputSchema, accountSchema),
  /** Removes an alias; the primary identity stays. */
  'identity.remove': method(
    z.strictObject({ accountId: id, email: z.string().trim().min(1).max(320) }),
    accountSchema,
  ),

  'mailbox.list': method(z.strictObject({ accountId: id.optional() }), z.array(mailboxSchema)),
  /**
   * A new folder, at the top or under `parentId`; on the server as soon as it answers. With
   * `local`, a local folder: kept in Maildock's store only (under the Local Folders root, or
   * under a local `parentId`), never on the server; it takes no role.
   */
  'mailbox.create': method(
    z.strictObject({
      accountId: id,
      name: mailboxNameSchema,
      parentId: id.optional(),
      local: z.boolean().default(false),
    }),
    mailboxSchema,
  ),
  /**
   * Renames a folder, moves it (`parentId`; null: to the top), or both; its subfolders and
   * messages go with it. The folders of a role (Inbox, Sent, …) are refused. A local folder
   * changes here only, and moves only among local folders (null: to the Local Folders root).
   */
  'mailbox.rename': method(
    z
      .strictObject({ id, name: mailboxNameSchema.optional(), parentId: id.nullable().optional() })
      .refine((v) => v.name !== undefined || v.parentId !== undefined, {
        message: 'give a new name, a new parent, or both',
      }),
    mailboxSchema,
  ),
  /**
   * Deletes a folder with its messages and subfolders. The folders of a role are refused. A
   * local folder goes here only: nothing is sent to the server.
   */
  'mailbox.delete': method(
    z.strictObject({ id }),
    z.strictObject({ deleted: z.boolean(), messages: z.number().int() }),
  ),

  /**
   * Brings mail kept elsewhere into a folder: an mbox file (mboxo/mboxrd, Thunderbird's
   * profile folders), a folder of .eml files, or a Maildir, on this machine. Appended to the
   * server in batches with their flags and dates (into a local folder: stored here, whole,
   * read and indexed at once); run again after a cancel or a crash, it goes on without
   * duplicates. A malformed message is reported and skipped.
   */
  'mailbox.import': method(
    z.strictObject({
      path: z.string().min(1).max(4096),
      mailboxId: id,
      format: importFormatSchema.default('auto'),
    }),
    importResultSchema,
  ),
  /**
   * Writes messages to an mbox file or a folder of .eml files on this machine: a folder, a
   * selection, or what a search finds (one of the three).
   */
  'mailbox.export': method(
    z
      .strictObject({
        to: z.string().min(1).max(4096),
        format: exportFormatSchema,
        mailboxId: id.optional(),
        ids: z.array(id).min(1).max(100_000).optional(),
        query: z.string().min(1).max(2000).optional(),
        /** Replace an mbox file of that name, or write into a folder that holds files already. */
        overwrite: z.boolean().default(false),
      })
      .refine((v) => [v.mailboxId, v.ids, v.query].filter((x) => x !== undefined).length === 1, {
        message: 'give one of mailboxId, ids or query',
      }),
    exportResultSchema,
  ),
  /** Stops an import or export under way; what it did so far stays. */
  'transfer.cancel': method(
    z.strictObject({ transferId: id }),
    z.strictObject({ cancelled: z.boolean() }),
  ),

  'message.list': method(
    z
      .strictObject({
        mailboxId: id.optional(),
        /** Several folders as one list, newest first (the unified Inbox). */
        mailboxIds: z.array(id).min(1).max(200).optional(),
        /**
         * Every folder of this role, of every account, as one list: the unified Inbox asked
         * for before the folders' ids are known (the app's first page leaves with mailbox.list).
         */
        role: mailboxRoleSchema.optional(),
        accountId: id.optional(),
        path: z.string().min(1).max(1000).optional(),
        limit: limit.default(50),
        /** Messages older than this message id (ids sort like dates): the next page. */
        before: id.optional(),
        /** Rows to skip from the newest: a page anywhere in the list (a scrollbar dragged far). */
        offset: z.number().int().min(0).max(10_000_000).optional(),
        /** One row per conversation: its newest message here, with the conversation's size. */
        threads: z.boolean().default(false),
        /** Count the whole list (costs a pass over it in conversation view): once per list is enough. */
        count: z.boolean().default(true),
      })
      .refine((v) => v.before === undefined || v.offset === undefined, {
        message: 'give before or offset, not both',
        path: ['offset'],
      }),
    z.strictObject({
      messages: z.array(listRowSchema),
      nextBefore: z.number().int().nullable(),
      /** Rows in the whole list (conversations when threads is set); null unless counted. */
      total: z.number().int().nullable(),
    }),
  ),
  'message.get': method(
    z.strictObject({
      id,
      /**
       * The HTML exactly as sent, for a client that sanitizes it itself (the app's reader does,
       * to load remote content on demand). Without it the HTML is sanitized by the reader's rules.
       */
      raw: z.boolean().default(false),
    }),
    messageDetailSchema,
  ),
  /** Every stored message of this message's conversation, in any folder, oldest first. */
  'message.thread': method(
    z.strictObject({ id }),
    z.strictObject({ messages: z.array(messageSummarySchema) }),
  ),
  /** Remote content in mail from this sender: always loaded (allow) or blocked again. */
  'sender.remoteContent': method(
    z.strictObject({ address: emailSchema, allow: z.boolean() }),
    z.strictObject({ address: z.string(), allow: z.boolean() }),
  ),
  /** Addresses seen in mail and in what was sent, best first, for completion while composing. */
  'address.suggest': method(
    z.strictObject({
      query: z.string().trim().max(200),
      limit: z.number().int().min(1).max(50).default(8),
    }),
    z.array(contactSchema),
  ),
  /** A query of the search language (main/core/store/search-query.ts), newest first. */
  'message.search': method(
    z.strictObject({
      query: z.string().max(2000),
      limit: limit.default(50),
      before: id.optional(),
      /** Count what the query finds, whatever `before` says: once per query is enough. */
      count: z.boolean().default(true),
    }),
    z.strictObject({
      hits: z.array(searchHitSchema),
      nextBefore: z.number().int().nullable(),
      /**
       * The messages the query finds when counted (null unless asked): exactly, up to the
       * count's limit (1,000); with `more`, there are more than that.
       */
      total: z.number().int().nullable(),
      more: z.boolean(),
    }),
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

  /**
   * Local actions: done at once in the store, replayed to the server by the next sync. In
   * local folders they change the store only. A move from a folder of the account into a
   * local folder copies each message whole from the server first (online), then deletes it
   * there; a move out of a local folder appends it to the server, then removes the copy here.
   */
  'message.mark': method(
    selectionSchema.extend({
      read: z.boolean().optional(),
      flagged: z.boolean().optional(),
      /** false: not the user's own change (opening a message marks it read): undo skips it. */
      undoable: z.boolean().default(true),
    }),
    actionResultSchema,
  ),
  'message.move': method(
    selectionSchema.extend({
      /** The target: a mailbox id, a path in each message's account, or a role there. */
      mailboxId: id.optional(),
      path: z.string().min(1).max(1000).optional(),
      role: mailboxRoleSchema.optional(),
    }),
    actionResultSchema,
  ),
  /** To the Trash; messages already in the Trash are deleted for good. */
  'message.delete': method(selectionSchema, actionResultSchema),
  /**
   * Junk: to the account's Junk folder, with the $Junk keyword (and without $NotJunk); not
   * junk: back to the Inbox with $NotJunk. An action like a move: undoable, replayed once.
   */
  'message.junk': method(selectionSchema.extend({ junk: z.boolean() }), actionResultSchema),
  /**
   * Unsubscribes from the list a message came through, as its List-Unsubscribe header offers:
   * RFC 8058's one-click POST where offered, else a mail to its mailto: address; else the
   * link, for the user to open (done: false). The UI asks the user first.
   */
  'message.unsubscribe': method(
    z.strictObject({ id }),
    z.strictObject({
      method: z.enum(['one-click', 'mailto', 'link']),
      done: z.boolean(),
      /** The https: link, for 'link'; null otherwise. */
      url: z.string().nullable(),
    }),
  ),
  /** The message exactly as the server has it (view source, save as .eml): base64. */
  'message.source': method(
    z.strictObject({ id }),
    z.strictObject({
      id: z.number().int(),
      /** A file name for saving it: from the subject, ending in .eml. */
      filename: z.string(),
      size: z.number().int(),
      data: z.string(),
    }),
  ),
  /**
   * Takes back an action, where the server still allows it: the one named (a window
   * undoes only its own), or without a name the last one (the command line's own).
   */
  'action.undo': method(
    z.strictObject({ actionId: id.optional() }),
    z.strictObject({
      undone: z.boolean(),
      actionId: z.number().int().nullable(),
      description: z.string(),
    }),
  ),
  'operation.list': method(
    z.strictObject({ state: z.enum(['pending', 'failed']).optional(), limit: limit.default(100) }),
    z.array(operationSchema),
  ),

  // ---- Sending (outbox, drafts) ----

  /** Puts a message in the outbox; it leaves after the undo delay, or at sendAt. */
  'outbox.send': method(
    composeInputSchema.extend({
      /** Send later: an ISO date with its offset. */
      sendAt: z.iso.datetime({ offset: true }).optional(),
      /** Undo-send delay; default 5 s. */
      delaySeconds: z.number().int().min(0).max(3600).optional(),
      /** The local draft this message was written in: removed once queued. */
      draftId: id.optional(),
    }),
    outboxEntrySchema,
  ),
  'outbox.list': method(
    z.strictObject({
      accountId: id.optional(),
      state: outboxStateSchema.optional(),
      limit: limit.default(100),
    }),
    z.array(outboxEntrySchema),
  ),
  /** Makes waiting messages (queued later, or waiting to retry) due now. */
  'outbox.retry': method(
    z.union([z.strictObject({ id }), z.strictObject({ all: z.literal(true) })]),
    z.strictObject({ due: z.number().int() }),
  ),
  /** Takes a message back before it leaves (undo send), or drops a failed one. */
  'outbox.cancel': method(z.strictObject({ id }), outboxEntrySchema),
  /**
   * Rewrites a message that has not left (failed, waiting to retry, queued, cancelled) and
   * queues it again; it keeps its Message-ID, since no copy of it went out.
   */
  'outbox.edit': method(
    composeInputSchema.extend({
      id,
      sendAt: z.iso.datetime({ offset: true }).optional(),
      delaySeconds: z.number().int().min(0).max(3600).optional(),
    }),
    outboxEntrySchema,
  ),
  /** Sends a failed or "may have been sent" message again, as the user decided. */
  'outbox.resend': method(z.strictObject({ id }), outboxEntrySchema),
  'outbox.settings': method(
    z.strictObject({
      accountId: id,
      /** The server files sent mail in Sent itself: Maildock makes no copy. */
      serverSavesSent: z.boolean().optional(),
    }),
    z.strictObject({ accountId: z.number().int(), serverSavesSent: z.boolean() }),
  ),
  /** Saves a draft locally (new, or a new version of draft `id`) and on the server when it can. */
  'draft.save': method(composeInputSchema.extend({ id: id.optional() }), draftSchema),
  /** Local drafts and the drafts the server's Drafts folder holds from other clients. */
  'draft.list': method(z.strictObject({ accountId: id.optional() }), z.array(draftSchema)),
  'draft.delete': method(z.strictObject({ id }), z.strictObject({ deleted: z.boolean() })),
  /** A local draft as compose input again (attachments with their content), to write on. */
  'draft.get': method(z.strictObject({ id }), composeInputSchema.extend({ id, accountId: id })),

  'sync.run': method(z.strictObject({ accountId: id.optional() }), syncSummarySchema),
  'sync.summary': method(z.strictObject({}), syncSummarySchema),
  /** Each account's sync: running or not, progress, when it last finished, its errors. */
  'sync.state': method(z.strictObject({}), z.array(accountSyncStateSchema)),

  // ---- The bundled stack: these operations only, never raw Docker ----

  /** The stack's settings; given fields are changed first (they apply at the next up). */
  'stack.config': method(stackSettingsPatchSchema, stackSettingsSchema),
  /** Builds what is missing, creates or fixes what differs, starts everything, waits for health. */
  'stack.up': method(
    z.strictObject({
      network: z.enum(['bridge', 'host']).optional(),
      /** Turns these profiles on (kept in the settings, like `network`): `server` adds the server and nginx. */
      profiles: z.array(stackProfileSchema).optional(),
      /** Build the images again without Docker's cache. */
      rebuild: z.boolean().default(false),
    }),
    stackStatusSchema,
  ),
  'stack.status': method(z.strictObject({}), stackStatusSchema),
  'stack.start': method(
    z.strictObject({ service: stackServiceSchema.optional() }),
    stackStatusSchema,
  ),
  'stack.stop': method(
    z.strictObject({ service: stackServiceSchema.optional() }),
    stackStatusSchema,
  ),
  'stack.restart': method(z.strictObject({ service: stackServiceSchema }), stackStatusSchema),
  /** Removes the containers; the volumes (mail, database, queue) only with volumes and confirm. */
  'stack.down': method(
    z
      .strictObject({ volumes: z.boolean().default(false), confirm: z.boolean().default(false) })
      .refine((v) => !v.volumes || v.confirm, {
        message: 'Removing the volumes deletes the local mail and the database: confirm it.',
        path: ['confirm'],
      }),
    z.strictObject({ removedContainers: z.number().int(), removedVolumes: z.number().int() }),
  ),
  /** A service's last log lines; `since` (a line's time) gives only what came after it. */
  'stack.logs': method(
    z.strictObject({
      service: stackServiceSchema,
      tail: z.number().int().min(1).max(10_000).default(100),
      since: z.string().max(40).optional(),
    }),
    z.array(logLineSchema),
  ),
  /** Probes every service now; `history` adds the monitor's recent rounds. */
  'stack.health': method(
    z.strictObject({ history: z.number().int().min(0).max(1000).default(0) }),
    z.strictObject({ current: stackHealthSchema, history: z.array(stackHealthSchema) }),
  ),
  /** A mailbox on the stack's local domain, added to Maildock as an account. */
  'stack.user.add': method(
    z.strictObject({
      name: z
        .string()
        .trim()
        .toLowerCase()
        .regex(/^[a-z0-9][a-z0-9._-]{0,63}$/, 'letters, digits, dot, dash and underscore'),
      /** Else one is generated and kept in Maildock's secret store. */
      password: z.string().min(8).max(4096).optional(),
      /** The mailbox's quota in bytes; none: no limit. */
      quota: quotaBytesSchema.optional(),
    }),
    z.strictObject({ address: z.string(), accountId: z.number().int() }),
  ),
  /** A new password for a local mailbox: IMAP, SMTP and the web UI take it at once. */
  'stack.user.passwd': method(
    z.strictObject({
      name: z.string().trim().toLowerCase().min(1).max(320),
      password: z.string().min(8).max(4096),
    }),
    z.strictObject({ address: z.string(), accountUpdated: z.boolean() }),
  ),
  /** A local mailbox's quota in bytes; null: no limit. Delivery beyond it is refused. */
  'stack.user.quota': method(
    z.strictObject({
      name: z.string().trim().toLowerCase().min(1).max(320),
      quota: quotaBytesSchema.nullable(),
    }),
    z.strictObject({ address: z.string(), quotaBytes: z.number().int().nullable() }),
  ),
  'stack.user.list': method(z.strictObject({}), z.array(stackUserSchema)),
  /** The desktop app's settings; given fields are changed first. */
  'app.settings': method(appSettingsSchema.partial().strict(), appSettingsSchema),
  'app.info': method(z.strictObject({}), appInfoSchema),
  /** A verified archive of the store, the attachment cache and the stack's files. */
  'backup.create': method(
    z.strictObject({
      /** Where to write it; by default DATA_DIR/backups/maildock-<time>.maildock-backup. */
      to: z.string().min(1).max(4096).optional(),
      /** Account passwords too, sealed with `passphrase` (scrypt + AES-256-GCM). */
      includeSecrets: z.boolean().default(false),
      passphrase: z.string().max(1024).optional(),
      /** The bundled stack's data too (its database, cache, mail, queue, TLS), when it exists. */
      stack: z.boolean().default(true),
      /** The whole archive encrypted under `passphrase` (AES-256-GCM, scrypt key). */
      encrypt: z.boolean().default(false),
      /** Replace an earlier backup of that name; without it, the name must be free. */
      overwrite: z.boolean().default(false),
    }),
    backupResultSchema,
  ),
  /**
   * Every checksum, the store's integrity, the stack's Postgres dump listed by pg_restore
   * (and the passphrase, when given); changes nothing.
   */
  'backup.verify': method(
    z.strictObject({
      file: z.string().min(1).max(4096),
      passphrase: z.string().max(1024).optional(),
    }),
    backupReportSchema,
  ),
  /**
   * Replaces the data Maildock runs on with a backup's: verified and staged first (nothing
   * changes if it is damaged), then sync and the stack stop, the data is swapped in at once
   * and everything starts again on it.
   */
  'backup.restore': method(
    z.strictObject({
      file: z.string().min(1).max(4096),
      passphrase: z.string().max(1024).optional(),
    }),
    restoreResultSchema,
  ),
  'backup.list': method(z.strictObject({}), z.array(backupResultSchema)),
  /** Backups on a schedule, with retention; given fields are changed first. */
  'backup.schedule': method(backupScheduleSchema.partial().strict(), backupScheduleSchema),
  /** Stops the backup being made; it leaves nothing behind. */
  'backup.cancel': method(z.strictObject({}), z.strictObject({ cancelled: z.boolean() })),
  'stack.user.remove': method(
    z.strictObject({ name: z.string().trim().toLowerCase().min(1).max(320) }),
    z.strictObject({ removed: z.boolean(), accountRemoved: z.boolean() }),
  ),
} as const;

export const events = {
  'sync.progress': syncProgressSchema,
  'sync.error': z.strictObject({ accountId: z.number().int(), error: errorDataSchema }),
  /** An account's sync state changed (started, progressed a phase, finished, failed). */
  'sync.state': accountSyncStateSchema,
  'mail.new': z.strictObject({
    accountId: z.number().int(),
    mailboxId: z.number().int(),
    count: z.number().int(),
  }),
  /** An account's folders changed here (created, renamed, moved, deleted): list them again. */
  'mailbox.changed': z.strictObject({ accountId: z.number().int() }),
  'stack.progress': stackProgressSchema,
  'stack.health': stackHealthSchema,
  'backup.progress': backupProgressSchema,
  'transfer.progress': transferProgressSchema,
  /** Sent by the desktop shell only (menu, mailto: links); the core never emits it. */
  'ui.command': uiCommandSchema,
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
