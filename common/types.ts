// Domain shapes shared by the core, every transport and the UI. Schemas first; the types
// are inferred from them so the two cannot drift.
import { z } from 'zod';
import { ERROR_CODES } from './errors.js';

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
});
export type ImapSettings = z.infer<typeof imapSettingsSchema>;

export const smtpSettingsSchema = z.strictObject({
  host: hostSchema,
  port: portSchema,
  security: securitySchema,
  user: z.string().min(1).max(320).optional(),
});
export type SmtpSettings = z.infer<typeof smtpSettingsSchema>;

export const emailSchema = z.string().trim().max(320).email();

export const accountInputSchema = z.strictObject({
  email: emailSchema,
  name: z.string().max(200).optional(),
  imap: imapSettingsSchema,
  smtp: smtpSettingsSchema.optional(),
  password: z.string().min(1).max(4096),
});
export type AccountInput = z.infer<typeof accountInputSchema>;

export const accountSchema = z.strictObject({
  id: z.number().int(),
  email: z.string(),
  name: z.string().nullable(),
  imap: imapSettingsSchema,
  smtp: smtpSettingsSchema.nullable(),
  createdAt: z.string(),
});
export type Account = z.infer<typeof accountSchema>;

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

export const messageDetailSchema = z.strictObject({
  message: messageSummarySchema,
  inReplyTo: z.string().nullable(),
  references: z.array(z.string()),
  text: z.string().nullable(),
  /** Untrusted HTML exactly as sent: the renderer sanitizes it before showing it. */
  html: z.string().nullable(),
  attachments: z.array(attachmentSchema),
  parseError: z.string().nullable(),
});
export type MessageDetail = z.infer<typeof messageDetailSchema>;

export const searchHitSchema = z.strictObject({
  message: messageSummarySchema,
  /** Plain text around the match; `highlights` are [start, end) offsets into it. */
  snippet: z.string(),
  highlights: z.array(z.tuple([z.number().int(), z.number().int()])),
});
export type SearchHit = z.infer<typeof searchHitSchema>;

export const syncErrorSchema = z.strictObject({
  code: z.enum(ERROR_CODES),
  message: z.string(),
  accountId: z.number().int().optional(),
  mailbox: z.string().optional(),
});

export const syncSummarySchema = z.strictObject({
  accounts: z.number().int(),
  mailboxes: z.number().int(),
  messages: z.number().int(),
  bodies: z.number().int(),
  errors: z.array(syncErrorSchema),
});
export type SyncSummary = z.infer<typeof syncSummarySchema>;

export const syncPhaseSchema = z.enum([
  'connect',
  'mailboxes',
  'headers',
  'flags',
  'bodies',
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
