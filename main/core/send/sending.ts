// The background half of sending: the pass that sync runs after each account (what is due
// leaves, Sent gets its copies, drafts reach the server's Drafts) and the timer that keeps a
// watching service sending. The outbox and draft methods are in methods/.
import type { MailSecret } from '../secrets/mail-secret.js';
import type { ComposeInput, Account } from '../../../common/types.js';
import { toErrorData, type ErrorCode } from '../../../common/errors.js';
import { getLogger } from '../platform/log.js';
import type { Store, StoredAttachment } from '../store/index.js';
import type { Composed } from './compose.js';
import { buildMessage } from './message-build.js';
import type { RetryPolicy } from './policy.js';
import type { OutboxSender } from './sender.js';
import { OutboxTimer } from './timer.js';

// imapflow loads on first use: reading the outbox starts at once.
const imapModule = () => import('./imap.js');

const log = getLogger('send');

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
  /** The server of many people: who sends for its live instances (SenderOptions). */
  liveSenders?: () => Promise<ReadonlySet<string> | null>;
}

export interface SendingDeps {
  store: () => Store;
  account(id: number): Promise<Account>;
  password(account: Account): Promise<MailSecret>;
  attachmentContent(a: StoredAttachment): Promise<Buffer>;
  /** A reply has left: mark its original answered. */
  replied?(accountId: number, messageId: string): Promise<void>;
  /** Something was queued here: the server tells the instance that sends for the account. */
  queued?(): void;
  options: SendingOptions;
}

export interface SendPassError {
  code: ErrorCode;
  message: string;
  accountId: number;
}

export class Sending {
  private senderP: Promise<OutboxSender> | null = null;
  private timer: OutboxTimer | null = null;
  private readonly passes = new Map<number, Promise<SendPassError[]>>();

  constructor(private readonly deps: SendingDeps) {}

  /** Undo-send delay when the caller gives none. */
  get delaySeconds(): number {
    return this.deps.options.delaySeconds ?? 5;
  }

  private sender(): Promise<OutboxSender> {
    this.senderP ??= import('./sender.js').then(
      ({ OutboxSender }) =>
        new OutboxSender({
          outbox: () => this.deps.store().outbox,
          onSent: async (job) => {
            const inReplyTo = await this.deps.store().outbox.inReplyTo(job.id);
            if (inReplyTo) await this.deps.replied?.(job.accountId, inReplyTo);
          },
          ...this.timeout(),
          ...(this.deps.options.retry ? { retry: this.deps.options.retry } : {}),
          ...(this.deps.options.liveSenders ? { liveSenders: this.deps.options.liveSenders } : {}),
        }),
    );
    return this.senderP;
  }

  private timeout(): { timeoutMs?: number } {
    return this.deps.options.timeoutMs ? { timeoutMs: this.deps.options.timeoutMs } : {};
  }

  /** A message the user asked for, made into bytes (send/message-build.ts). */
  build(
    input: ComposeInput,
    messageId?: string,
  ): Promise<{ account: Account; composed: Composed }> {
    return buildMessage(
      {
        store: this.deps.store(),
        account: this.deps.account,
        password: this.deps.password,
        attachmentContent: this.deps.attachmentContent,
        fileAttachments: this.deps.options.fileAttachments,
        timeoutMs: this.deps.options.timeoutMs,
      },
      input,
      messageId,
    );
  }

  /** Something new is due: the timer looks again now. */
  wake(): void {
    this.timer?.wake();
    this.deps.queued?.();
  }

  /** Another process queued something: look again, without telling anyone. */
  nudge(): void {
    this.timer?.wake();
  }

  /** The account's drafts to its server's Drafts: new versions up, old copies removed. */
  async pushDrafts(account: Account): Promise<void> {
    const { syncDrafts } = await imapModule();
    await syncDrafts({
      store: this.deps.store(),
      account,
      password: await this.deps.password(account),
      ...this.timeout(),
    });
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
    const store = this.deps.store();
    const sending = await store.outbox.list({ accountId: account.id, state: 'sending', limit: 1 });
    if (sending.length) await (await this.sender()).recover();
    const hasDue = (await store.outbox.due(account.id, 1)).length > 0;
    const hasCopies = (await store.outbox.pendingSentCopies(account.id, 1)).length > 0;
    const hasDrafts = (await store.drafts.unsynced(account.id)).length > 0;
    if (!hasDue && !hasCopies && !hasDrafts) return errors;
    let password: MailSecret;
    try {
      password = await this.deps.password(account);
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
    const imap = { store, account, password, ...this.timeout() };
    try {
      await saveSentCopies(imap);
    } catch (err) {
      fail(err);
    }
    try {
      await syncDrafts(imap);
    } catch (err) {
      fail(err);
    }
    return errors;
  }

  /** Starts sending in the background: due messages, retries, Sent copies, drafts. */
  startTimer(accounts: () => Promise<Account[]>): void {
    if (this.timer) return;
    this.timer = new OutboxTimer(
      () => this.deps.store().outbox.nextWake(),
      async () => {
        for (const account of await accounts()) {
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
