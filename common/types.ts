// Domain shapes shared by the core, every transport and the UI. Schemas first; the types
// are inferred from them so the two cannot drift.
import { z } from 'zod';
import { errorDataSchema } from './errors.js';
import { hasNoControlCharacters, NO_CONTROL_CHARACTERS } from './text.js';

export const securitySchema = z.enum(['none', 'starttls', 'tls']);
export type Security = z.infer<typeof securitySchema>;

const hostSchema = z
  .string()
  .trim()
  .min(1, 'host is required')
  .max(253)
  .regex(/^[A-Za-z0-9.\-:[\]]+$/, 'host may hold only letters, digits, dots, dashes and colons');
const portSchema = z.number().int().min(1).max(65535);

export const imapSettingsSchema = z.strictObject({
  host: hostSchema,
  port: portSchema,
  security: securitySchema,
  user: z.string().min(1).max(320),
  /**
   * A self-signed certificate (PEM) to trust for this server alone; connections also check
   * its SHA-256 fingerprint. The bundled stack's mailboxes pin the stack's certificate.
   */
  tlsCert: z.string().max(16384).startsWith('-----BEGIN CERTIFICATE-----').optional(),
});
export type ImapSettings = z.infer<typeof imapSettingsSchema>;

export const smtpSettingsSchema = z.strictObject({
  host: hostSchema,
  port: portSchema,
  security: securitySchema,
  user: z.string().min(1).max(320).optional(),
  /**
   * A self-signed certificate (PEM) to trust for this server alone; connections also check
   * its SHA-256 fingerprint. The bundled stack's mailboxes pin the stack's certificate.
   */
  tlsCert: z.string().max(16384).startsWith('-----BEGIN CERTIFICATE-----').optional(),
});
export type SmtpSettings = z.infer<typeof smtpSettingsSchema>;

/** A string that ends up in a mail header. */
const headerText = () => z.string().refine(hasNoControlCharacters, NO_CONTROL_CHARACTERS);

export const emailSchema = z
  .string()
  .trim()
  .max(320)
  .email()
  .refine(hasNoControlCharacters, NO_CONTROL_CHARACTERS);

/** A finished OAuth2 flow (oauth2.finish) whose grant an account takes instead of a password. */
export const oauth2GrantRefSchema = z.strictObject({ flowId: z.string().min(1).max(100) });

/** Signs in by password or by OAuth2 (a finished flow), exactly one of the two. */
export const accountInputSchema = z
  .strictObject({
    email: emailSchema,
    name: headerText().max(200).optional(),
    imap: imapSettingsSchema,
    smtp: smtpSettingsSchema.optional(),
    password: z.string().min(1).max(4096).optional(),
    oauth2: oauth2GrantRefSchema.optional(),
  })
  .refine((v) => (v.password === undefined) !== (v.oauth2 === undefined), {
    message: 'give a password or an OAuth2 sign-in (oauth2.flowId), one of the two',
    path: ['password'],
  });
export type AccountInput = z.infer<typeof accountInputSchema>;

/**
 * A change to an account: what is given changes, what is left out stays. The settings that
 * would result are tested as when adding before anything is saved.
 */
export const accountUpdateSchema = z.strictObject({
  id: z.number().int().positive(),
  /** The name shown in From; null clears it. */
  name: headerText().max(200).nullable().optional(),
  imap: imapSettingsSchema.optional(),
  /** The SMTP server: added later, changed, or null to remove it. */
  smtp: smtpSettingsSchema.nullable().optional(),
  /** A new password (the one both servers take, as when adding). */
  password: z.string().min(1).max(4096).optional(),
});
export type AccountUpdate = z.infer<typeof accountUpdateSchema>;

/** How a server wants to be signed in to: a password, or an OAuth2 token (XOAUTH2, OAUTHBEARER). */
export const authMethodSchema = z.enum(['password', 'oauth2']);
export type AuthMethod = z.infer<typeof authMethodSchema>;

/** A server discovery found: where, how secured, the login name, how it signs in. */
export const discoveredServerSchema = z.strictObject({
  host: z.string(),
  port: z.number().int(),
  security: securitySchema,
  user: z.string(),
  /** What the server takes, best first. */
  auth: z.array(authMethodSchema).min(1),
});
export type DiscoveredServer = z.infer<typeof discoveredServerSchema>;

/** Where discovered settings came from: Thunderbird's order, the first that answers. */
export const discoverySourceSchema = z.enum(['ispdb', 'autoconfig', 'srv', 'guess']);
export type DiscoverySource = z.infer<typeof discoverySourceSchema>;

/**
 * An address's settings as discovery found them, to fill the add-account form (the user can
 * still change everything), with where they came from.
 */
export const discoverySchema = z.strictObject({
  source: discoverySourceSchema,
  /** Where exactly, for the user: the provider's entry, the URL, the SRV records, the hosts probed. */
  origin: z.string(),
  /** The domain the settings are for: the address's own, or the one its MX points to. */
  domain: z.string(),
  /** The MX host through which the domain was found; null when it was the address's own. */
  mx: z.string().nullable(),
  /** The provider's name, where known (ISPDB, autoconfig). */
  provider: z.string().nullable(),
  imap: discoveredServerSchema,
  smtp: discoveredServerSchema.nullable(),
  /** The provider's OAuth2 endpoints, where it publishes them; null otherwise. */
  oauth2: z
    .strictObject({
      issuer: z.string(),
      authUrl: z.string(),
      tokenUrl: z.string(),
      scopes: z.array(z.string()),
    })
    .nullable(),
  /** Milliseconds it took. */
  tookMs: z.number(),
});
export type Discovery = z.infer<typeof discoverySchema>;

/**
 * A signature, written under what is sent from an identity: text for plain mail, and HTML
 * for mail written in HTML (null: the text, as paragraphs). The HTML is the writer's own; the
 * app sanitizes it wherever it shows or inserts it, like any other HTML.
 */
export const signatureSchema = z.strictObject({
  text: z.string().max(10_000),
  html: z
    .string()
    .max(64 * 1024)
    .nullable(),
});
export type Signature = z.infer<typeof signatureSchema>;

/**
 * An address an account sends from: its own (primary, named by the account's name) or an
 * alias the same servers send for. Identities are known by their address, one per address.
 */
export const identitySchema = z.strictObject({
  email: z.string(),
  name: z.string().nullable(),
  signature: signatureSchema.nullable(),
  primary: z.boolean(),
});
export type Identity = z.infer<typeof identitySchema>;

/** A new identity of an account, or new words for one: what is left out stays. */
export const identityInputSchema = z.strictObject({
  accountId: z.number().int().positive(),
  email: emailSchema,
  /** The name shown in From; null clears it. For the primary identity, the account's name. */
  name: headerText().max(200).nullable().optional(),
  /** null: no signature. */
  signature: signatureSchema.nullable().optional(),
});
export type IdentityInput = z.infer<typeof identityInputSchema>;

export const accountSchema = z.strictObject({
  id: z.number().int(),
  email: z.string(),
  name: z.string().nullable(),
  imap: imapSettingsSchema,
  smtp: smtpSettingsSchema.nullable(),
  /** The addresses it sends from, its own first; at most MAX_IDENTITIES. */
  identities: z.array(identitySchema),
  createdAt: z.string(),
  /** How it signs in to both servers; absent: by password. */
  auth: z.enum(['password', 'oauth2']).optional(),
  /** With OAuth2: the provider, and whether the user must sign in again. */
  oauth2: z
    .strictObject({
      /** 'google', 'microsoft', or the issuer's URL. */
      provider: z.string(),
      /** The grant was revoked or has expired: sync waits until the user signs in again. */
      signInRequired: z.boolean(),
    })
    .optional(),
});
export type Account = z.infer<typeof accountSchema>;

/** Where an OAuth2 sign-in goes: a profile Maildock knows, or any issuer with OpenID discovery. */
export const oauth2ProviderSchema = z
  .string()
  .trim()
  .min(1)
  .max(2048)
  .refine((v) => v === 'google' || v === 'microsoft' || /^https?:\/\/[^\s]+$/.test(v), {
    message: "google, microsoft, or an issuer's URL",
  });

/**
 * How the user signs in: the system browser coming back to a one-shot listener on 127.0.0.1
 * (loopback, RFC 8252), a code entered on another device (device), or a URL opened anywhere
 * whose code (or the whole address it ends on) is pasted back (manual).
 */
export const oauth2FlowKindSchema = z.enum(['loopback', 'device', 'manual']);
export type OAuth2FlowKind = z.infer<typeof oauth2FlowKindSchema>;

/** A sign-in under way: what the user must open, and for a device flow the code to enter. */
export const oauth2FlowSchema = z.strictObject({
  flowId: z.string(),
  flow: oauth2FlowKindSchema,
  provider: z.string(),
  email: z.string(),
  /** The page to open: the provider's sign-in (loopback, manual) or its device page. */
  url: z.string(),
  /** The device flow's code, to enter on that page; null for the other flows. */
  userCode: z.string().nullable(),
  /** When the flow can no longer be finished. */
  expiresAt: z.string(),
});
export type OAuth2Flow = z.infer<typeof oauth2FlowSchema>;

export const mailboxRoleSchema = z.enum([
  'inbox',
  'sent',
  'drafts',
  'trash',
  'archive',
  'junk',
  'all',
  'flagged',
]);
export type MailboxRole = z.infer<typeof mailboxRoleSchema>;

/**
 * A folder's own name, one level: no delimiter of the account's server, no control
 * characters. Paths are made from it and the parent's path by the core.
 */
export const mailboxNameSchema = z
  .string()
  .trim()
  .min(1, 'a folder needs a name')
  .max(200)
  .refine(hasNoControlCharacters, NO_CONTROL_CHARACTERS);

export const mailboxSchema = z.strictObject({
  id: z.number().int(),
  accountId: z.number().int(),
  path: z.string(),
  name: z.string(),
  delimiter: z.string().nullable(),
  role: mailboxRoleSchema.nullable(),
  uidValidity: z.string().nullable(),
  uidNext: z.number().int().nullable(),
  highestModseq: z.string().nullable(),
  total: z.number().int(),
  unread: z.number().int(),
  /**
   * A local folder (common/local-folders.ts): kept only in Maildock's store, never on the
   * account's server; its path is under the Local Folders root, its name the one shown.
   */
  local: z.boolean(),
});
export type Mailbox = z.infer<typeof mailboxSchema>;

export const addressSchema = z.strictObject({ name: z.string(), address: z.string() });
export type Address = z.infer<typeof addressSchema>;

export const bodyStateSchema = z.enum(['pending', 'ready', 'failed']);
export type BodyState = z.infer<typeof bodyStateSchema>;

export const messageSummarySchema = z.strictObject({
  id: z.number().int(),
  accountId: z.number().int(),
  mailboxId: z.number().int(),
  mailbox: z.string(),
  uid: z.number().int(),
  messageId: z.string().nullable(),
  threadId: z.number().int().nullable(),
  subject: z.string(),
  from: z.array(addressSchema),
  to: z.array(addressSchema),
  cc: z.array(addressSchema),
  date: z.string(),
  flags: z.array(z.string()),
  size: z.number().int(),
  snippet: z.string(),
  hasAttachments: z.boolean(),
  bodyState: bodyStateSchema,
});
export type MessageSummary = z.infer<typeof messageSummarySchema>;

/** A row of a message list: the message, and in conversation view the conversation's size here. */
export const listRowSchema = messageSummarySchema.extend({
  threadSize: z.number().int().min(1).optional(),
  threadUnread: z.number().int().min(0).optional(),
});
export type ListRow = z.infer<typeof listRowSchema>;

/** An address seen in mail, for completion: how often and how lately. */
export const contactSchema = z.strictObject({
  name: z.string(),
  address: z.string(),
  count: z.number().int(),
  lastSeen: z.string(),
});
export type Contact = z.infer<typeof contactSchema>;

export const attachmentSchema = z.strictObject({
  id: z.number().int(),
  partId: z.string().nullable(),
  filename: z.string().nullable(),
  contentType: z.string(),
  size: z.number().int(),
  contentId: z.string().nullable(),
  inline: z.boolean(),
});
export type Attachment = z.infer<typeof attachmentSchema>;

/** What a message's List-Unsubscribe headers offer (RFC 2369, RFC 8058), as message.unsubscribe uses it. */
export const listUnsubscribeSchema = z.strictObject({
  /** The first https: link; other schemes are never kept. */
  https: z.string().nullable(),
  /** The first mailto: URI, whole (address, subject, body). */
  mailto: z.string().nullable(),
  /** The link takes RFC 8058's one-click POST (List-Unsubscribe-Post says so). */
  oneClick: z.boolean(),
});
export type ListUnsubscribe = z.infer<typeof listUnsubscribeSchema>;

export const messageDetailSchema = z.strictObject({
  message: messageSummarySchema,
  inReplyTo: z.string().nullable(),
  references: z.array(z.string()),
  text: z.string().nullable(),
  /**
   * The body's HTML, sanitized by the reader's rules (common/mail-html/policy.ts, remote content
   * only from a sender the user allowed); exactly as sent, and untrusted, when asked `raw`.
   */
  html: z.string().nullable(),
  attachments: z.array(attachmentSchema),
  parseError: z.string().nullable(),
  /** How to leave the mailing list the message came through; null when it names none. */
  unsubscribe: listUnsubscribeSchema.nullable(),
  /** The user allows remote content (images, styles, fonts) in mail from this sender. */
  remoteContentAllowed: z.boolean(),
});
export type MessageDetail = z.infer<typeof messageDetailSchema>;

export const searchHitSchema = z.strictObject({
  message: messageSummarySchema,
  /** Plain text around the match; `highlights` are [start, end) offsets into it. */
  snippet: z.string(),
  highlights: z.array(z.tuple([z.number().int(), z.number().int()])),
});
export type SearchHit = z.infer<typeof searchHitSchema>;

/** An error a sync met: the error's data as the core made it, and where it happened. */
export const syncErrorSchema = z.strictObject({
  ...errorDataSchema.shape,
  accountId: z.number().int().optional(),
  mailbox: z.string().optional(),
});
export type SyncError = z.infer<typeof syncErrorSchema>;

export const syncSummarySchema = z.strictObject({
  accounts: z.number().int(),
  mailboxes: z.number().int(),
  messages: z.number().int(),
  bodies: z.number().int(),
  errors: z.array(syncErrorSchema),
  /** Local changes not yet on the server, and those the server refused. */
  operations: z.strictObject({ pending: z.number().int(), failed: z.number().int() }),
});
export type SyncSummary = z.infer<typeof syncSummarySchema>;

export const syncPhaseSchema = z.enum([
  'connect',
  'mailboxes',
  'changes',
  'headers',
  'flags',
  'bodies',
  // Not the server's: stored mail being indexed for search after an upgrade.
  'index',
  'idle',
  'done',
]);
export type SyncPhase = z.infer<typeof syncPhaseSchema>;

export const syncProgressSchema = z.strictObject({
  accountId: z.number().int(),
  phase: syncPhaseSchema,
  mailbox: z.string().optional(),
  done: z.number().int(),
  total: z.number().int(),
});
export type SyncProgress = z.infer<typeof syncProgressSchema>;

/** The account's server cannot be reached now: why, since when, and when it is tried again. */
export const syncOfflineSchema = z.strictObject({
  error: syncErrorSchema,
  /** The server's host name, as the account names it. */
  host: z.string(),
  since: z.string(),
  /** The watcher's next attempt; null when nothing will try again by itself. */
  retryAt: z.string().nullable(),
});
export type SyncOffline = z.infer<typeof syncOfflineSchema>;

export const accountSyncStateSchema = z.strictObject({
  accountId: z.number().int(),
  running: z.boolean(),
  /** The phase in progress while running. */
  progress: syncProgressSchema.nullable(),
  /** When a sync of this account last finished (with or without errors). */
  lastSyncAt: z.string().nullable(),
  /** The errors of the last sync, or of the watcher since. */
  errors: z.array(syncErrorSchema),
  /** Set while the server cannot be reached; cleared by the next pass that gets through. */
  offline: syncOfflineSchema.nullable(),
  /**
   * True while the account's OAuth2 grant is revoked or expired: its sync stops until the
   * user signs in again (account.signin). Absent: false.
   */
  signInRequired: z.boolean().optional(),
});
export type AccountSyncState = z.infer<typeof accountSyncStateSchema>;

// ---- Local actions ----

/** Messages picked by id, whole threads, or both. */
export const selectionSchema = z.strictObject({
  ids: z.array(z.number().int().positive()).max(10_000).optional(),
  threadIds: z.array(z.number().int().positive()).max(1_000).optional(),
});
export type Selection = z.infer<typeof selectionSchema>;

export const actionResultSchema = z.strictObject({
  /** null when nothing needed to change. */
  actionId: z.number().int().nullable(),
  affected: z.number().int(),
  description: z.string(),
});
export type ActionResult = z.infer<typeof actionResultSchema>;

export const operationSchema = z.strictObject({
  id: z.number().int(),
  actionId: z.number().int(),
  accountId: z.number().int(),
  /**
   * mailbox-*: a folder created, renamed (or moved) or deleted; `mailbox` is the path it had.
   * append: messages moved out of a local folder (`mailbox`) into a folder of the account.
   */
  kind: z.enum([
    'flags',
    'move',
    'expunge',
    'mailbox-create',
    'mailbox-rename',
    'mailbox-delete',
    'append',
  ]),
  mailbox: z.string(),
  count: z.number().int(),
  state: z.enum(['pending', 'done', 'failed', 'cancelled']),
  attempts: z.number().int(),
  /** Why the server did not take it. */
  error: errorDataSchema.nullable(),
  createdAt: z.string(),
});
export type Operation = z.infer<typeof operationSchema>;

// ---- Sending ----

export const outboxStateSchema = z.enum([
  'queued',
  'sending',
  'retrying',
  'failed',
  'maybe-sent',
  'sent',
  'cancelled',
]);
export type OutboxState = z.infer<typeof outboxStateSchema>;

/** "Name <address>" or a bare address; parsed and checked again by the core. */
const recipientSchema = z
  .string()
  .trim()
  .min(3)
  .max(998)
  .refine(hasNoControlCharacters, NO_CONTROL_CHARACTERS);
const recipientsSchema = z.array(recipientSchema).max(500);

export const composeAttachmentSchema = z
  .strictObject({
    /** A file on this machine, read when the message enters the outbox. */
    path: z.string().min(1).max(4096).optional(),
    /** base64 */
    content: z
      .string()
      .max(96 * 1024 * 1024)
      .regex(/^[A-Za-z0-9+/=\s]*$/, 'content must be base64')
      .optional(),
    filename: headerText().min(1).max(255).optional(),
    contentType: z
      .string()
      .max(255)
      .regex(/^[\w.+-]+\/[\w.+-]+$/, 'contentType must look like type/subtype')
      .optional(),
    /** Makes it an inline image: the HTML refers to it as cid:<contentId>. */
    contentId: z
      .string()
      .max(255)
      .regex(/^[^\s<>]+$/, 'contentId may not hold spaces or angle brackets')
      .optional(),
  })
  .refine((a) => (a.path === undefined) !== (a.content === undefined), {
    message: 'give either a path or a content',
  });
export type ComposeAttachment = z.infer<typeof composeAttachmentSchema>;

export const composeModeSchema = z.enum(['reply', 'reply-all', 'forward', 'forward-attachment']);
export type ComposeMode = z.infer<typeof composeModeSchema>;

export const composeInputSchema = z.strictObject({
  /** Optional for a reply or forward: the account the original came to. */
  accountId: z.number().int().positive().optional(),
  to: recipientsSchema.default([]),
  cc: recipientsSchema.default([]),
  bcc: recipientsSchema.default([]),
  subject: headerText().max(998).optional(),
  text: z
    .string()
    .max(16 * 1024 * 1024)
    .optional(),
  html: z
    .string()
    .max(16 * 1024 * 1024)
    .optional(),
  attachments: z.array(composeAttachmentSchema).max(100).default([]),
  /**
   * The identity it goes from: the account's own address or one of its identities. Left
   * out, a reply goes from the identity the original was sent to, anything else from the
   * account's own address.
   */
  from: emailSchema.optional(),
  /** A stored message (its local id) this one answers or forwards. */
  reference: z
    .strictObject({
      id: z.number().int().positive(),
      mode: composeModeSchema,
      /** A reply whose text quotes the original already, as the writer edited it: no second quote. */
      quoted: z.boolean().optional(),
    })
    .optional(),
});
export type ComposeInput = z.infer<typeof composeInputSchema>;

export const outboxEntrySchema = z.strictObject({
  id: z.number().int(),
  accountId: z.number().int(),
  /** The Message-ID header, fixed when the message entered the outbox. */
  messageId: z.string(),
  state: outboxStateSchema,
  from: z.string(),
  recipients: z.array(z.string()),
  subject: z.string(),
  size: z.number().int(),
  /** When the message may leave (undo-send delay, send later). */
  sendAt: z.string(),
  attempts: z.number().int(),
  /** When a waiting message is tried again. */
  nextAttempt: z.string().nullable(),
  /**
   * The last failure, with the server's own words in its message where it answered; for a
   * sent message, the recipients the server refused (SMTP_REJECTED, `refused`).
   */
  lastError: errorDataSchema.nullable(),
  createdAt: z.string(),
  sentAt: z.string().nullable(),
  /** The copy in the Sent folder: not yet made, made, or left to the server. */
  sentCopy: z.enum(['pending', 'done', 'server']),
});
export type OutboxEntry = z.infer<typeof outboxEntrySchema>;

export const draftSchema = z.strictObject({
  /** The local draft's id; null for a draft found only on the server. */
  id: z.number().int().nullable(),
  /** The stored message in the Drafts folder, when the server has a copy. */
  storedMessageId: z.number().int().nullable(),
  accountId: z.number().int(),
  messageId: z.string().nullable(),
  subject: z.string(),
  to: z.array(z.string()),
  updatedAt: z.string(),
  /** local: only here so far; synced: the server's Drafts has this version; server: made elsewhere. */
  origin: z.enum(['local', 'synced', 'server']),
});
export type Draft = z.infer<typeof draftSchema>;

/** The desktop app's own settings (the served UI keeps none of these). */
export const appSettingsSchema = z.strictObject({
  /** Closing the window keeps Maildock running in the tray (new mail still notified). */
  closeToTray: z.boolean(),
  /** Quitting Maildock also stops the bundled mail stack. */
  stopStackOnQuit: z.boolean(),
  /** Maildock opens the system's mailto: links: asked once, never taken without a yes. */
  mailtoHandler: z.enum(['ask', 'yes', 'no']),
});
export type AppSettings = z.infer<typeof appSettingsSchema>;
export const APP_SETTINGS_DEFAULTS: AppSettings = {
  closeToTray: true,
  stopStackOnQuit: false,
  mailtoHandler: 'ask',
};

/** What runs here, for the UI's About and `maildock doctor`. */
export const appInfoSchema = z.strictObject({
  version: z.string(),
  /**
   * Where account passwords are kept: the OS keychain, the encrypted file, or (the server of
   * many people) sealed in its database.
   */
  secrets: z.enum(['keychain', 'encrypted-file', 'database']),
});
export type AppInfo = z.infer<typeof appInfoSchema>;

/** The things a key does in the mailbox, which the desktop menu can ask for too. */
export const UI_ACTIONS = [
  'next',
  'previous',
  'open',
  'search',
  'flag',
  'read',
  'archive',
  'trash',
  'junk',
  'undo',
  'move',
  'selectAll',
  'help',
  'reply',
  'replyAll',
  'forward',
  'compose',
  'back',
  'nextFolder',
  'previousFolder',
  'goInbox',
  'goSent',
  'goDrafts',
  'goArchive',
  'goFlagged',
  'goTrash',
  'threads',
] as const;
export type UiAction = (typeof UI_ACTIONS)[number];

const addressList = z.array(headerText().max(320)).max(100);

/** From the desktop shell to its page: a menu item was chosen, or a mailto: link came in. */
export const uiCommandSchema = z.discriminatedUnion('command', [
  z.strictObject({ command: z.literal('action'), action: z.enum(UI_ACTIONS) }),
  z.strictObject({
    command: z.literal('compose'),
    to: addressList,
    cc: addressList,
    bcc: addressList,
    subject: headerText().max(998),
    body: z.string().max(64 * 1024),
  }),
  z.strictObject({ command: z.literal('settings') }),
  /** A new-mail notification was clicked: show that folder. */
  z.strictObject({ command: z.literal('open-mailbox'), mailboxId: z.number().int().positive() }),
]);
export type UiCommand = z.infer<typeof uiCommandSchema>;

export const backupProgressSchema = z.strictObject({
  phase: z.enum(['snapshot', 'stack', 'archive', 'verify', 'restore', 'done']),
  bytes: z.number().nonnegative(),
  totalBytes: z.number().nonnegative(),
  /** Bytes a second so far in this phase. */
  rate: z.number().nonnegative(),
  /** Seconds left at that rate; null until there is one. */
  etaSeconds: z.number().nonnegative().nullable(),
});
export type BackupProgressEvent = z.infer<typeof backupProgressSchema>;

/** What a folder is imported from: detected by looking, or said. */
export const importFormatSchema = z.enum(['auto', 'mbox', 'eml', 'maildir']);
export const exportFormatSchema = z.enum(['mbox', 'eml']);

/** An import or export under way (event `transfer.progress`). */
export const transferProgressSchema = z.strictObject({
  transferId: z.number().int(),
  kind: z.enum(['import', 'export']),
  /** Messages read (import) or written (export) so far, of `total` when known. */
  done: z.number().int().nonnegative(),
  total: z.number().int().nonnegative().nullable(),
  /** Messages a second so far. */
  rate: z.number().nonnegative(),
});
export type TransferProgress = z.infer<typeof transferProgressSchema>;

/** A message an import skipped: where it was in the source and why. */
export const skippedMessageSchema = z.strictObject({
  /** Its place in the source: the file, and for an mbox its position (1-based). */
  source: z.string(),
  reason: z.string(),
});

export const importResultSchema = z.strictObject({
  transferId: z.number().int(),
  format: z.enum(['mbox', 'eml', 'maildir']),
  /** Messages put in the folder by this run. */
  imported: z.number().int().nonnegative(),
  /** Messages the folder had already from an earlier run of the same import (not again). */
  duplicates: z.number().int().nonnegative(),
  /** Malformed messages, reported and left out; the rest went on. */
  skipped: z.array(skippedMessageSchema),
  /** Stopped by transfer.cancel: run it again to go on where it stopped. */
  cancelled: z.boolean(),
});
export type ImportResult = z.infer<typeof importResultSchema>;

export const exportResultSchema = z.strictObject({
  transferId: z.number().int(),
  format: exportFormatSchema,
  /** The mbox file, or the folder of .eml files. */
  path: z.string(),
  messages: z.number().int().nonnegative(),
  bytes: z.number().int().nonnegative(),
  cancelled: z.boolean(),
});
export type ExportResult = z.infer<typeof exportResultSchema>;

export const backupResultSchema = z.strictObject({
  file: z.string(),
  bytes: z.number().int().nonnegative(),
  /** Files in the archive; null in a listing (the manifest is read by backup.verify). */
  files: z.number().int().nonnegative().nullable(),
  createdAt: z.string(),
  /** The whole archive is under a passphrase. */
  encrypted: z.boolean(),
});
export type BackupResult = z.infer<typeof backupResultSchema>;

export const backupReportSchema = z.strictObject({
  file: z.string(),
  ok: z.boolean(),
  /** Each thing wrong, as a sentence. */
  problems: z.array(z.string()),
  format: z.number().int().nullable(),
  app: z.string().nullable(),
  createdAt: z.string().nullable(),
  files: z.number().int().nonnegative(),
  /** The archive holds account passwords (sealed with a passphrase). */
  secrets: z.boolean(),
  /** The archive holds the bundled stack's data (database, mail, queue, TLS). */
  stack: z.boolean(),
  /** The whole archive is under a passphrase. */
  encrypted: z.boolean(),
  /** What could not be checked here, and why (not a fault of the archive). */
  notes: z.array(z.string()),
});
export type BackupReport = z.infer<typeof backupReportSchema>;

export const restoreResultSchema = z.strictObject({
  files: z.number().int().nonnegative(),
  createdAt: z.string(),
  app: z.string(),
  /** Passwords put back into the secret store; null when none were asked for. */
  secrets: z.number().int().nonnegative().nullable(),
  /**
   * The bundled stack: none (no stack here or in the backup), restored (its data put back,
   * running), restarted (it ran before, runs again), pending (its data goes back at its
   * next start: Docker was away), stopped (it ran before and did not start again).
   */
  stack: z.enum(['none', 'restored', 'restarted', 'pending', 'stopped']),
  /** Why the stack is pending or stopped. */
  stackProblem: z.string().nullable(),
  /**
   * Restored accounts left without a password: the backup held none for them, and the one
   * here belonged to another account (or to none), so it was not kept.
   */
  withoutPassword: z.number().int().nonnegative(),
  /** The stack's relay logs in, and its password was not in the backup (it goes only sealed). */
  relayWithoutPassword: z.boolean(),
});
export type RestoreResult = z.infer<typeof restoreResultSchema>;

/** Backups made on their own; off until the user turns them on. */
export const backupScheduleSchema = z.strictObject({
  enabled: z.boolean(),
  /** One backup every this many hours (24: daily). */
  everyHours: z
    .number()
    .int()
    .min(1)
    .max(24 * 30),
  /** How many of the scheduled backups are kept; older ones are deleted. */
  keep: z.number().int().min(1).max(365),
});
export type BackupSchedule = z.infer<typeof backupScheduleSchema>;
export const BACKUP_SCHEDULE_DEFAULTS: BackupSchedule = { enabled: false, everyHours: 24, keep: 7 };
