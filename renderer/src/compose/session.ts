// One message being written: its form, the draft it is saved as (autosaved about 2 s after
// the last change, and on close), and the outbox entry it came back from after an undo. A
// new message, reply or forward closed as it was opened is thrown away, draft and all.
// Saves run one after another, and a send waits for the save under way, so a draft never
// outlives the message sent from it. A plain object that tells its subscribers (the pane,
// through useSyncExternalStore) of each change, so typing renders the pane alone.
import type { ErrorData } from '../../../common/errors.js';
import type { MessageDetail, OutboxEntry } from '../../../common/types.js';
import { errorDataOf, type MaildockClient } from '../client/client.js';
import { isEmpty, toComposeInput, type ComposeForm } from './form.js';

export const AUTOSAVE_MS = 2000;

export type SaveState = 'idle' | 'saving' | 'saved' | 'failed';

export interface SessionInit {
  form: ComposeForm;
  draftId?: number | null;
  /** Set after an undo: sending again rewrites this entry (same Message-ID). */
  outboxId?: number | null;
  /** Changed since the last save (a message brought back by undo is saved as a draft). */
  dirty?: boolean;
}

let sessions = 0;

/**
 * What the writer can change, to tell whether they changed anything. The editor adds an
 * empty paragraph after a closing quote by itself (to write under it): that is no change.
 */
const contentOf = (f: ComposeForm) =>
  JSON.stringify([
    f.accountId,
    f.from,
    f.to,
    f.cc,
    f.bcc,
    f.typing,
    f.subject,
    f.html.replace(/(?:<p><\/p>)+$/, ''),
    f.attachments.map((a) => a.key),
    f.reference,
  ]);

export class ComposeSession {
  readonly key = ++sessions;
  form: ComposeForm;
  draftId: number | null;
  outboxId: number | null;
  /** The message replied to or forwarded, once read. */
  original: MessageDetail | null = null;
  loading = false;
  saveState: SaveState = 'idle';
  saveError: ErrorData | null = null;
  private revision = 0;
  private savedRevision = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private chain: Promise<void> = Promise.resolve();
  private closed = false;
  private readonly listeners = new Set<() => void>();
  /** The form as opened: a draft, an outbox entry or a mailto: link is never "untouched". */
  private baseline: string | null;
  /** Counts changes: the snapshot useSyncExternalStore compares. */
  version = 0;

  constructor(
    private readonly client: MaildockClient,
    init: SessionInit,
  ) {
    this.form = init.form;
    this.draftId = init.draftId ?? null;
    this.outboxId = init.outboxId ?? null;
    const kept = init.draftId != null || init.outboxId != null || init.dirty;
    this.baseline = kept ? null : contentOf(init.form);
    if (init.dirty) {
      this.revision = 1;
      this.schedule();
    }
  }

  readonly subscribe = (fn: () => void): (() => void) => {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  };

  private changed(): void {
    this.version++;
    for (const fn of this.listeners) fn();
  }

  /** The writer changed something. */
  update(patch: Partial<ComposeForm>): void {
    this.form = { ...this.form, ...patch };
    this.revision++;
    this.schedule();
    this.changed();
  }

  /**
   * Filled in by the pane itself (a reply's subject, account and quote; the editor's own
   * form of the HTML): not a change to save, nor a change that makes closing ask.
   */
  prefill(patch: Partial<ComposeForm>): void {
    const untouched = this.untouched;
    this.form = { ...this.form, ...patch };
    if (untouched) this.baseline = contentOf(this.form);
    this.changed();
  }

  setOriginal(original: MessageDetail | null, loading: boolean): void {
    this.original = original;
    this.loading = loading;
    this.changed();
  }

  get dirty(): boolean {
    return this.revision !== this.savedRevision;
  }

  get empty(): boolean {
    return isEmpty(this.form);
  }

  /** As it was opened: closing it throws it away without asking. */
  get untouched(): boolean {
    return this.baseline !== null && contentOf(this.form) === this.baseline;
  }

  /** Closing would lose something the writer put in: ask first. */
  get worthAsking(): boolean {
    return !this.empty && !this.untouched;
  }

  private schedule(): void {
    if (this.closed) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.save(), AUTOSAVE_MS);
  }

  private stopTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  /** Saves the draft when something changed since the last save; one save at a time. */
  save(): Promise<void> {
    this.stopTimer();
    const run = async () => {
      if (!this.dirty) return;
      // Nothing written and no draft yet: nothing to keep.
      if (this.draftId === null && (this.empty || this.untouched)) return;
      const revision = this.revision;
      this.saveState = 'saving';
      this.changed();
      try {
        const draft = await this.client.call('draft.save', {
          ...toComposeInput(this.form),
          ...(this.draftId !== null ? { id: this.draftId } : {}),
        });
        this.draftId = draft.id;
        this.savedRevision = revision;
        this.saveState = 'saved';
        this.saveError = null;
      } catch (err) {
        this.saveState = 'failed';
        this.saveError = errorDataOf(err);
      }
      this.changed();
    };
    this.chain = this.chain.then(run);
    return this.chain;
  }

  /** Closing keeps what was written as a draft; a message left as it was opened goes. */
  async close(): Promise<void> {
    if (this.untouched) return this.discard();
    this.closed = true;
    await this.save();
  }

  /** Thrown away: its draft goes too. */
  async discard(): Promise<void> {
    this.closed = true;
    this.stopTimer();
    await this.chain;
    if (this.draftId !== null) {
      await this.client.call('draft.delete', { id: this.draftId }).catch(() => undefined);
      this.draftId = null;
    }
  }

  /**
   * Into the outbox: a new message (which takes its draft away), or the entry an undo took
   * back, rewritten in place. Throws the contract's error, the pane stays open then.
   */
  async send(opts: { sendAt?: string } = {}): Promise<OutboxEntry> {
    this.stopTimer();
    await this.chain;
    const input = toComposeInput(this.form);
    const when = opts.sendAt !== undefined ? { sendAt: opts.sendAt } : {};
    let entry: OutboxEntry;
    if (this.outboxId !== null) {
      const { accountId: _account, ...rest } = input;
      entry = await this.client.call('outbox.edit', { ...rest, id: this.outboxId, ...when });
      if (this.draftId !== null) {
        await this.client.call('draft.delete', { id: this.draftId }).catch(() => undefined);
      }
    } else {
      entry = await this.client.call('outbox.send', {
        ...input,
        ...when,
        ...(this.draftId !== null ? { draftId: this.draftId } : {}),
      });
    }
    this.closed = true;
    this.draftId = null;
    return entry;
  }

  dispose(): void {
    this.closed = true;
    this.stopTimer();
  }
}
