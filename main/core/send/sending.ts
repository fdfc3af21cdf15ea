// The sending half of the service: the outbox and drafts methods of the contract, the pass
// that sync runs after each account, and the timer that keeps a watching service sending.
// service.ts delegates to this object and keeps the wiring in one place.
import { readFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import type { MethodOutput, MethodParsedInput } from '../../../common/api.js';
import { MaildockError, toErrorData, type ErrorCode } from '../../../common/errors.js';
import type { Account, ComposeInput, Draft } from '../../../common/types.js';
import { getLogger } from '../log.js';
import type { Store } from '../store/index.js';
import { DraftStore, draftOf } from '../store/drafts.js';
import { OutboxStore } from '../store/outbox.js';
import type { StoredAttachment } from '../store/messages.js';
import type { Composed, Original, ResolvedAttachment } from './compose.js';
import type { RetryPolicy } from './policy.js';
import type { OutboxSender } from './sender.js';
import { OutboxTimer } from './timer.js';

// nodemailer and imapflow load on first use: reading the outbox starts at once.
const composeModule = () => import('./compose.js');
const imapModule = () => import('./imap.js');

const log = getLogger('send');
const MAX_ATTACHMENT_BYTES = 64 * 1024 * 1024;
const MAX_MESSAGE_BYTES = 100 * 1024 * 1024;

export interface SendingOptions {
  /** Undo-send delay when the caller gives none; default 5 s. */
  delaySeconds?: number;
  /** SMTP and IMAP timeouts in ms. */
  timeoutMs?: number;
  retry?: RetryPolicy;
  /**
   * Whether attachments may name files on this machine. A shell whose caller is not the
   * machine's user (headless server mode over HTTP) must turn this off: a path would let
   * a remote caller mail out any file the process can read.
   */
  fileAttachments?: boolean;
}

export interface SendingDeps {
  store: Store;
  account(id: number): Account;
  password(account: Account): Promise<string>;
  attachmentContent(a: StoredAttachment): Promise<Buffer>;
  /** A reply has left: mark its original answered. */
  replied?(accountId: number, messageId: string): void;
  options: SendingOptions;
}

export interface SendPassError {
  code: ErrorCode;
  message: string;
  accountId: number;
}

export class Sending {
  readonly outbox: OutboxStore;
  readonly drafts: DraftStore;
  private senderP: Promise<OutboxSender> | null = null;
  private timer: OutboxTimer | null = null;
  private readonly passes = new Map<number, Promise<SendPassError[]>>();

  constructor(private readonly d: SendingDeps) {
    this.outbox = new OutboxStore(d.store.db);
    this.drafts = new DraftStore(d.store.db);
  }

  private sender(): Promise<OutboxSender> {
    this.senderP ??= import('./sender.js').then(
      ({ OutboxSender }) =>
        new OutboxSender({
          outbox: this.outbox,
          onSent: (job) => {
            const inReplyTo = this.outbox.inReplyTo(job.id);
            if (inReplyTo) this.d.replied?.(job.accountId, inReplyTo);
          },
          ...(this.d.options.timeoutMs ? { timeoutMs: this.d.options.timeoutMs } : {}),
          ...(this.d.options.retry ? { retry: this.d.options.retry } : {}),
        }),
    );
    return this.senderP;
  }

  private async resolveAttachments(
    list: ComposeInput['attachments'],
  ): Promise<ResolvedAttachment[]> {
    const out: ResolvedAttachment[] = [];
    let total = 0;
    for (const a of list) {
      let content: Buffer;
      if (a.path !== undefined) {
        if (this.d.options.fileAttachments === false) {
          throw new MaildockError(
            'INVALID_INPUT',
            'Attachments must be sent as content here, not as file paths.',
            { path: 'attachments' },
          );
        }
        try {
          const s = await stat(a.path);
          if (!s.isFile()) throw Object.assign(new Error('not a file'), { code: 'EISDIR' });
          if (s.size > MAX_ATTACHMENT_BYTES) {
            throw new MaildockError('TOO_LARGE', `${basename(a.path)} is larger than 64 MB.`, {
              file: a.path,
            });
          }
          content = await readFile(a.path);
        } catch (err) {
          if (err instanceof MaildockError) throw err;
          throw new MaildockError('NOT_FOUND', `The file ${a.path} could not be read.`, {
            file: a.path,
            cause: (err as { code?: string }).code ?? null,
          });
        }
      } else {
        content = Buffer.from(a.content ?? '', 'base64');
      }
      total += content.length;
      if (total > MAX_MESSAGE_BYTES) {
        throw new MaildockError('TOO_LARGE', 'The attachments add up to more than 100 MB.');
      }
      out.push({
        content,
        filename: a.filename ?? (a.path !== undefined ? basename(a.path) : undefined),
        contentType: a.contentType,
        contentId: a.contentId,
      });
    }
    return out;
  }

  /** The account a message goes from and the original it answers, gathered from the store. */
  private async build(
    input: ComposeInput,
    messageId?: string,
  ): Promise<{ account: Account; composed: Composed }> {
    let account: Account;
    let original: Original | undefined;
    const ref = input.reference;
    if (ref) {
      const detail = this.d.store.messages.detail(ref.id);
      if (!detail) {
        throw new MaildockError('NOT_FOUND', `There is no message ${ref.id}.`, {
          messageId: ref.id,
        });
      }
      const m = detail.message;
      // A reply goes out from the identity the original came to.
      account = this.d.account(m.accountId);
      if (input.accountId !== undefined && input.accountId !== m.accountId) {
        throw new MaildockError(
          'INVALID_INPUT',
          `Message ${ref.id} belongs to account ${m.accountId}, not ${input.accountId}.`,
          { accountId: input.accountId },
        );
      }
      original = {
        messageId: m.messageId,
        references: detail.references,
        subject: m.subject,
        from: m.from,
        to: m.to,
        cc: m.cc,
        date: m.date,
        text: detail.text,
        html: detail.html,
      };
      if (ref.mode === 'forward-attachment') {
        const { fetchSource } = await imapModule();
        original.raw = await fetchSource(
          { store: this.d.store, account, password: await this.d.password(account), ...this.t() },
          m.mailbox,
          m.uid,
        );
      } else if (ref.mode === 'forward') {
        original.attachments = [];
        for (const a of detail.attachments) {
          const stored = this.d.store.messages.attachment(a.id);
          if (!stored) continue;
          original.attachments.push({
            content: await this.d.attachmentContent(stored),
            filename: a.filename ?? undefined,
            contentType: a.contentType,
            contentId: a.contentId ?? undefined,
          });
        }
      }
    } else {
      if (input.accountId === undefined) {
        throw new MaildockError('INVALID_INPUT', 'accountId: say which account sends it.', {
          path: 'accountId',
        });
      }
      account = this.d.account(input.accountId);
    }
    const { compose } = await composeModule();
    const composed = await compose({
      identity: { name: account.name, email: account.email },
      to: input.to,
      cc: input.cc,
      bcc: input.bcc,
      subject: input.subject,
      text: input.text,
      html: input.html,
      attachments: await this.resolveAttachments(input.attachments),
      mode: ref?.mode,
      original,
      quoted: ref?.quoted,
      messageId,
    });
    return { account, composed };
  }

  /** When a queued message leaves: at sendAt, else after the undo delay. Needs a recipient. */
  private dueAt(
    composed: Composed,
    sendAt: string | undefined,
    delaySeconds: number | undefined,
    now: number,
  ): number {
    if (!composed.recipients.length) {
      throw new MaildockError('INVALID_INPUT', 'to: give at least one recipient.', {
        path: 'to',
      });
    }
    return sendAt !== undefined
      ? Date.parse(sendAt)
      : now + (delaySeconds ?? this.d.options.delaySeconds ?? 5) * 1000;
  }

  private t(): { timeoutMs?: number } {
    return this.d.options.timeoutMs ? { timeoutMs: this.d.options.timeoutMs } : {};
  }

  async send(input: MethodParsedInput<'outbox.send'>): Promise<MethodOutput<'outbox.send'>> {
    const { sendAt, delaySeconds, draftId, ...rest } = input;
    const { account, composed } = await this.build(rest);
    if (!account.smtp) {
      throw new MaildockError('NO_SMTP', `${account.email} has no outgoing (SMTP) server.`, {
        accountId: account.id,
      });
    }
    const now = Date.now();
    const at = this.dueAt(composed, sendAt, delaySeconds, now);
    const entry = this.d.store.tx(() => {
      const e = this.outbox.add(
        {
          accountId: account.id,
          messageId: composed.messageId,
          from: composed.from,
          recipients: composed.recipients,
          subject: composed.subject,
          raw: composed.raw,
          inReplyTo: composed.inReplyTo,
          references: composed.references,
          sendAt: at,
          sentCopy: this.outbox.serverSavesSent(account.id) ? 2 : 0,
        },
        now,
      );
      if (draftId !== undefined) this.drafts.markDeleted(draftId);
      return e;
    });
    log.info({ outboxId: entry.id, accountId: account.id, size: entry.size }, 'message queued');
    this.timer?.wake();
    return entry;
  }

  list(input: MethodParsedInput<'outbox.list'>): MethodOutput<'outbox.list'> {
    return this.outbox.list(input);
  }

  retry(input: MethodParsedInput<'outbox.retry'>): MethodOutput<'outbox.retry'> {
    const id = 'id' in input ? input.id : null;
    if (id !== null && !this.outbox.get(id)) {
      throw new MaildockError('NOT_FOUND', `There is no outbox message ${id}.`, { id });
    }
    const due = this.outbox.makeDue(id);
    this.timer?.wake();
    return { due };
  }

  cancel(id: number): MethodOutput<'outbox.cancel'> {
    return this.outbox.cancel(id);
  }

  async edit(input: MethodParsedInput<'outbox.edit'>): Promise<MethodOutput<'outbox.edit'>> {
    const { id, sendAt, delaySeconds, ...rest } = input;
    const before = this.outbox.get(id);
    if (!before) throw new MaildockError('NOT_FOUND', `There is no outbox message ${id}.`, { id });
    if (rest.accountId !== undefined && rest.accountId !== before.accountId) {
      throw new MaildockError('INVALID_INPUT', 'A queued message stays with its account.', {
        path: 'accountId',
      });
    }
    const { composed } = await this.build(
      { ...rest, accountId: before.accountId },
      before.messageId,
    );
    const at = this.dueAt(composed, sendAt, delaySeconds, Date.now());
    const entry = this.outbox.replace(id, {
      from: composed.from,
      recipients: composed.recipients,
      subject: composed.subject,
      raw: composed.raw,
      inReplyTo: composed.inReplyTo,
      references: composed.references,
      sendAt: at,
    });
    log.info({ outboxId: id, size: entry.size }, 'queued message edited');
    this.timer?.wake();
    return entry;
  }

  resend(id: number): MethodOutput<'outbox.resend'> {
    const entry = this.outbox.resend(id);
    this.timer?.wake();
    return entry;
  }

  settings(input: MethodParsedInput<'outbox.settings'>): MethodOutput<'outbox.settings'> {
    this.d.account(input.accountId);
    if (input.serverSavesSent !== undefined) {
      this.outbox.setServerSavesSent(input.accountId, input.serverSavesSent);
    }
    return {
      accountId: input.accountId,
      serverSavesSent: this.outbox.serverSavesSent(input.accountId),
    };
  }

  private storedDrafts(accountId?: number): Map<string, { id: number; summary: Draft }> {
    const out = new Map<string, { id: number; summary: Draft }>();
    const boxes = this.d.store.mailboxes.withRole('drafts', accountId);
    for (const box of boxes) {
      for (const m of this.d.store.messages.list(box.id, 1000)) {
        const key = m.messageId ?? `stored:${m.id}`;
        out.set(key, {
          id: m.id,
          summary: {
            id: null,
            storedMessageId: m.id,
            accountId: m.accountId,
            messageId: m.messageId,
            subject: m.subject,
            to: m.to.map((a) => (a.name ? `${a.name} <${a.address}>` : a.address)),
            updatedAt: m.date,
            origin: 'server',
          },
        });
      }
    }
    return out;
  }

  async saveDraft(input: MethodParsedInput<'draft.save'>): Promise<MethodOutput<'draft.save'>> {
    const { id, ...rest } = input;
    const existing = id !== undefined ? this.drafts.get(id) : null;
    if (id !== undefined && (!existing || existing.deleted)) {
      throw new MaildockError('NOT_FOUND', `There is no draft ${id}.`, { id });
    }
    const accountInput =
      existing && rest.accountId === undefined && !rest.reference
        ? { ...rest, accountId: existing.accountId }
        : rest;
    const { account, composed } = await this.build(accountInput, existing?.messageId);
    const record = {
      compose: { ...rest, to: rest.to, attachments: rest.attachments.map(stripContent) },
      subject: composed.subject,
      raw: composed.raw,
    };
    const saved = existing
      ? this.drafts.update(existing.id, record)!
      : this.drafts.add({ accountId: account.id, messageId: composed.messageId, ...record });
    // Offline-first: the draft is safe here; the server copy follows now or with the next sync.
    try {
      await this.pushDrafts(account);
    } catch (err) {
      log.info({ draftId: saved.id, code: toErrorData(err).code }, 'draft kept locally for now');
    }
    const now = this.drafts.get(saved.id) ?? saved;
    return draftOf(now, this.storedDrafts(account.id).get(now.messageId)?.id ?? null);
  }

  /** The account's drafts to its server's Drafts: new versions up, old copies removed. */
  private async pushDrafts(account: Account): Promise<void> {
    const { syncDrafts } = await imapModule();
    await syncDrafts({
      store: this.d.store,
      account,
      password: await this.d.password(account),
      drafts: this.drafts,
      ...this.t(),
    });
  }

  listDrafts(accountId?: number): MethodOutput<'draft.list'> {
    const stored = this.storedDrafts(accountId);
    const local = this.drafts.list(accountId);
    const known = this.drafts.messageIds(accountId);
    const out: Draft[] = local.map((d) => draftOf(d, stored.get(d.messageId)?.id ?? null));
    for (const [key, s] of stored) if (!known.has(key)) out.push(s.summary);
    return out.sort((a, b) => b.updatedAt.localeCompare(a.updatedAt));
  }

  /** A local draft to write on: what was typed, with its attachments' content. */
  async getDraft(id: number): Promise<MethodOutput<'draft.get'>> {
    const d = this.drafts.get(id);
    if (!d || d.deleted) throw new MaildockError('NOT_FOUND', `There is no draft ${id}.`, { id });
    const { draftInput } = await import('./draft-input.js');
    return draftInput(d);
  }

  async deleteDraft(id: number): Promise<MethodOutput<'draft.delete'>> {
    const d = this.drafts.get(id);
    if (!d) throw new MaildockError('NOT_FOUND', `There is no draft ${id}.`, { id });
    const deleted = this.drafts.markDeleted(id);
    try {
      const account = this.d.account(d.accountId);
      await this.pushDrafts(account);
    } catch (err) {
      log.info({ draftId: id, code: toErrorData(err).code }, 'draft removal waits for a sync');
    }
    return { deleted };
  }

  /**
   * One account's sending pass, run by sync after its IMAP sync: what is due goes out, Sent
   * gets its copies, drafts reach the server. Failures of one message are recorded on it;
   * what is returned are the account's own failures (IMAP unreachable, no password).
   */
  runAccount(account: Account): Promise<SendPassError[]> {
    // One pass per account at a time in this process: sync and the timer may ask together.
    const before = this.passes.get(account.id) ?? Promise.resolve([]);
    const next = before.then(() => this.pass(account));
    this.passes.set(account.id, next);
    return next.finally(() => {
      if (this.passes.get(account.id) === next) this.passes.delete(account.id);
    });
  }

  private async pass(account: Account): Promise<SendPassError[]> {
    const errors: SendPassError[] = [];
    const fail = (err: unknown) => {
      const e = toErrorData(err);
      errors.push({ code: e.code, message: e.message, accountId: account.id });
    };
    // Rows a killed process left in 'sending' first become due again (or "may have been sent").
    if (this.outbox.list({ accountId: account.id, state: 'sending', limit: 1 }).length) {
      (await this.sender()).recover();
    }
    const hasDue = this.outbox.due(account.id, 1).length > 0;
    const hasCopies = this.outbox.pendingSentCopies(account.id, 1).length > 0;
    const hasDrafts = this.drafts.unsynced(account.id).length > 0;
    if (!hasDue && !hasCopies && !hasDrafts) return errors;
    let password: string;
    try {
      password = await this.d.password(account);
    } catch (err) {
      fail(err);
      return errors;
    }
    try {
      const r = await (await this.sender()).sendDue(account, password);
      if (r.sent || r.retrying || r.failed || r.maybeSent)
        log.info({ accountId: account.id, ...r }, 'outbox pass');
    } catch (err) {
      fail(err);
    }
    const { saveSentCopies, syncDrafts } = await imapModule();
    const imap = { store: this.d.store, account, password, ...this.t() };
    try {
      await saveSentCopies({ ...imap, outbox: this.outbox });
    } catch (err) {
      fail(err);
    }
    try {
      await syncDrafts({ ...imap, drafts: this.drafts });
    } catch (err) {
      fail(err);
    }
    return errors;
  }

  /** Starts sending in the background: due messages, retries, Sent copies, drafts. */
  startTimer(accounts: () => Account[]): void {
    if (this.timer) return;
    this.timer = new OutboxTimer(
      () => this.outbox.nextWake(),
      async () => {
        for (const account of accounts()) {
          for (const e of await this.runAccount(account)) {
            log.warn({ accountId: e.accountId, code: e.code }, 'sending pass failed');
          }
        }
      },
    );
    this.timer.start();
  }

  async stop(): Promise<void> {
    await this.timer?.stop();
    this.timer = null;
  }
}

/** A draft keeps the files it names, never a copy of base64 content twice (it is in raw). */
function stripContent(a: ComposeInput['attachments'][number]) {
  const { content: _content, ...rest } = a;
  return rest;
}
