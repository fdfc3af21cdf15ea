// The message repository: the only code that writes messages, bodies, attachments and
// their full-text rows. Callers group calls in one transaction per batch.
import type { MessageDetail, MessageSummary } from '../../../../common/types.js';
import type { Db } from './db.js';
import type {
  HeaderRecord,
  BodyRecord,
  StoredAttachment,
  ActionRow,
  PendingBody,
  SummaryRow,
  SeenAddresses,
} from '../types.js';
import { FtsIndex, type FtsColumns } from './fts.js';
import { IDS_PER_MS, SUMMARY_COLUMNS, addressText, messageIdBase, toSummary } from '../rows.js';
import { toDetail, type AttachmentRow, type DetailRow } from '../rows/messages.js';
import { encodeFlags } from '../flags.js';
import { ThreadStore } from './threads.js';
import { ContactStore } from './contacts.js';
import { SearchFieldWriter, ftsFields } from './search-fields.js';

export class MessageStore {
  private readonly fts: FtsIndex;
  private readonly threads: ThreadStore;
  private readonly contacts: ContactStore;
  private readonly searchFields: SearchFieldWriter;
  private readonly statements;

  constructor(private readonly db: Db) {
    this.fts = new FtsIndex(db);
    this.threads = new ThreadStore(db);
    this.contacts = new ContactStore(db);
    this.searchFields = new SearchFieldWriter(db);
    this.statements = {
      maxIdIn: db.prepare('SELECT max(id) FROM messages WHERE id >= ? AND id < ?').pluck(),
      byUid: db.prepare('SELECT id FROM messages WHERE mailbox_id = ? AND uid = ?').pluck(),
      insert: db.prepare(
        `INSERT INTO messages (id, account_id, mailbox_id, uid, message_id, in_reply_to, refs, thread_id,
           subject, from_json, to_json, cc_json, sender, recipients, date, flags, keywords, modseq, size,
           has_attachments, structure, unsubscribe, cc_text, bcc_text, list_id)
         VALUES (@id, @accountId, @mailboxId, @uid, @messageId, @inReplyTo, @refs, @threadId,
           @subject, @from, @to, @cc, @sender, @recipients, @date, @flags, @keywords, @modseq, @size, @hasAttachments, @structure,
           @unsubscribe, @ccText, @bccText, @listId)
         ON CONFLICT DO NOTHING`,
      ),
      setFlags: db.prepare(
        'UPDATE messages SET flags = ?, keywords = ?, modseq = coalesce(?, modseq) WHERE mailbox_id = ? AND uid = ?',
      ),
      deleteRow: db.prepare('DELETE FROM messages WHERE id = ?'),
      // Negative UIDs are messages moved here locally whose server UID is not known yet.
      uids: db
        .prepare('SELECT uid FROM messages WHERE mailbox_id = ? AND uid > 0 ORDER BY uid')
        .pluck(),
      idsInMailbox: db.prepare('SELECT id FROM messages WHERE mailbox_id = ?').pluck(),
      saveBody: db.prepare(
        `INSERT INTO bodies (message_id, text, html, search_text, parse_error, raw) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (message_id) DO UPDATE SET text = excluded.text, html = excluded.html,
           search_text = excluded.search_text, parse_error = excluded.parse_error, raw = excluded.raw`,
      ),
      // Made from this body now: no longer waiting to be derived again from the stored one.
      unqueue: db.prepare('DELETE FROM body_reindex WHERE message_id = ?'),
      clearAttachments: db.prepare('DELETE FROM attachments WHERE message_id = ?'),
      addAttachment: db.prepare(
        `INSERT INTO attachments (message_id, part_id, filename, content_type, size, content_id, inline)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
      ),
      markBody: db.prepare(
        'UPDATE messages SET body_state = ?, snippet = ?, has_attachments = max(has_attachments, ?) WHERE id = ?',
      ),
      pending: db.prepare(
        `SELECT m.id, m.mailbox_id AS mailboxId, mb.path, m.uid, m.size, m.structure FROM messages m
           JOIN mailboxes mb ON mb.id = m.mailbox_id
          WHERE m.account_id = ? AND m.body_state = 0 AND m.uid > 0 ORDER BY m.id DESC LIMIT ?`,
      ),
      pendingOne: db.prepare(
        `SELECT m.id, m.mailbox_id AS mailboxId, mb.path, m.uid, m.size, m.structure FROM messages m
           JOIN mailboxes mb ON mb.id = m.mailbox_id WHERE m.id = ? AND m.body_state = 0 AND m.uid > 0`,
      ),
      listMailbox: db.prepare(
        `SELECT ${SUMMARY_COLUMNS} FROM messages m JOIN mailboxes mb ON mb.id = m.mailbox_id
          WHERE m.mailbox_id = ? AND m.id < ? ORDER BY m.id DESC LIMIT ?`,
      ),
      summariesIn: db.prepare(
        `SELECT ${SUMMARY_COLUMNS} FROM messages m JOIN mailboxes mb ON mb.id = m.mailbox_id
          WHERE m.id IN (SELECT value FROM json_each(?))`,
      ),
      summary: db.prepare(
        `SELECT ${SUMMARY_COLUMNS} FROM messages m JOIN mailboxes mb ON mb.id = m.mailbox_id WHERE m.id = ?`,
      ),
      detail: db.prepare(
        `SELECT m.in_reply_to, m.refs, m.unsubscribe, b.text, b.html, b.parse_error FROM messages m
           LEFT JOIN bodies b ON b.message_id = m.id WHERE m.id = ?`,
      ),
      attachments: db.prepare(
        `SELECT id, part_id, filename, content_type, size, content_id, inline FROM attachments
          WHERE message_id = ? ORDER BY id`,
      ),
      attachment: db.prepare(
        `SELECT a.id, a.message_id AS messageId, m.account_id AS accountId, mb.path, m.uid, a.part_id AS partId,
                a.filename, a.content_type AS contentType, a.size, a.content_hash AS contentHash
           FROM attachments a JOIN messages m ON m.id = a.message_id JOIN mailboxes mb ON mb.id = m.mailbox_id
          WHERE a.id = ?`,
      ),
      setAttachmentHash: db.prepare('UPDATE attachments SET content_hash = ? WHERE id = ?'),
      // Two lookups, each by its own index (an OR of the two would scan every message).
      actionRows: db.prepare(
        `SELECT m.id, m.account_id AS accountId, m.mailbox_id AS mailboxId, m.uid, m.message_id AS msgid,
                m.flags, m.keywords
           FROM messages m WHERE m.id IN (SELECT value FROM json_each(?))
         UNION
         SELECT m.id, m.account_id, m.mailbox_id, m.uid, m.message_id, m.flags, m.keywords
           FROM messages m WHERE m.thread_id IN (SELECT value FROM json_each(?))
          ORDER BY 3, 4`,
      ),
      setLocalFlags: db.prepare('UPDATE messages SET flags = ?, keywords = ? WHERE id = ?'),
      place: db.prepare('UPDATE messages SET mailbox_id = ?, uid = ? WHERE id = ?'),
      uidOf: db.prepare('SELECT uid FROM messages WHERE id = ?').pluck(),
      uidOfIn: db.prepare('SELECT uid FROM messages WHERE id = ? AND mailbox_id = ?').pluck(),
      byMessageId: db
        .prepare(
          `SELECT m.id FROM thread_refs r JOIN messages m ON m.thread_id = r.thread_id
            WHERE r.account_id = ? AND r.msgid = ? AND m.message_id = r.msgid`,
        )
        .pluck(),
      placeholder: db
        .prepare('SELECT 1 FROM messages WHERE id = ? AND mailbox_id = ? AND uid < 0')
        .pluck(),
      count: db.prepare('SELECT count(*) FROM messages').pluck(),
      pendingCount: db
        .prepare('SELECT count(*) FROM messages WHERE account_id = ? AND body_state = 0')
        .pluck(),
      countBodies: db.prepare('SELECT count(*) FROM messages WHERE body_state != 0').pluck(),
    };
  }

  private allocateId(date: number): number {
    let base = messageIdBase(date);
    for (;;) {
      const max = this.statements.maxIdIn.get(base, base + IDS_PER_MS) as number | null;
      if (max === null) return base;
      if (max + 1 < base + IDS_PER_MS) return max + 1;
      base += IDS_PER_MS;
    }
  }

  /**
   * Stores new messages of one mailbox; a UID already stored only has its flags refreshed,
   * so replaying a batch after a crash cannot duplicate anything. Returns the new ids.
   */
  insertHeaders(accountId: number, mailboxId: number, records: readonly HeaderRecord[]): number[] {
    const added: number[] = [];
    const seen: SeenAddresses[] = [];
    for (const r of records) {
      const { bits, keywords } = encodeFlags(r.flags);
      const date = Number.isFinite(r.date) ? Math.trunc(r.date) : 0;
      const sender = addressText(r.from);
      const recipients = addressText([...r.to, ...r.cc]);
      // Assigning again what is already assigned changes nothing, so this may precede the
      // check that the message is new, which the insert itself makes.
      const threadId = this.threads.assign(accountId, { ...r, date });
      const row = {
        id: messageIdBase(date),
        accountId,
        mailboxId,
        uid: r.uid,
        messageId: r.messageId,
        inReplyTo: r.inReplyTo,
        refs: r.references.length ? JSON.stringify(r.references) : null,
        threadId,
        subject: r.subject,
        from: JSON.stringify(r.from),
        to: JSON.stringify(r.to),
        cc: JSON.stringify(r.cc),
        sender,
        recipients,
        date,
        flags: bits,
        keywords,
        modseq: r.modseq,
        size: r.size,
        hasAttachments: r.hasAttachments ? 1 : 0,
        structure:
          r.structure === undefined || r.structure === null ? null : JSON.stringify(r.structure),
        unsubscribe: r.unsubscribe ? JSON.stringify(r.unsubscribe) : null,
        ...this.searchFields.of(accountId, r),
      };
      if (this.statements.insert.run(row).changes === 0) {
        // Either the UID is stored already (a batch replayed after a crash) or another
        // message took this id: refresh the flags, or take the next free id.
        if (this.statements.byUid.get(mailboxId, r.uid) !== undefined) {
          this.statements.setFlags.run(bits, keywords, r.modseq, mailboxId, r.uid);
          continue;
        }
        row.id = this.allocateId(date);
        this.statements.insert.run(row);
      }
      this.fts.insert(row.id, {
        subject: r.subject,
        sender,
        recipients,
        body: '',
        ...ftsFields(row),
      });
      added.push(row.id);
      seen.push({ date, addresses: [...r.from, ...r.to, ...r.cc] });
    }
    this.contacts.record(accountId, seen);
    return added;
  }

  /** Returns whether the UID was known locally. */
  setFlags(
    mailboxId: number,
    uid: number,
    flags: readonly string[],
    modseq: string | null,
  ): boolean {
    const { bits, keywords } = encodeFlags(flags);
    return this.statements.setFlags.run(bits, keywords, modseq, mailboxId, uid).changes > 0;
  }

  private ftsColumns(id: number): FtsColumns | null {
    return this.fts.indexed(id);
  }

  private deleteById(id: number): boolean {
    const cols = this.ftsColumns(id);
    if (!cols) return false;
    this.fts.delete(id, cols);
    this.statements.deleteRow.run(id);
    return true;
  }

  deleteUids(mailboxId: number, uids: Iterable<number>): number {
    let n = 0;
    for (const uid of uids) {
      const id = this.statements.byUid.get(mailboxId, uid) as number | undefined;
      if (id !== undefined && this.deleteById(id)) n++;
    }
    return n;
  }

  deleteMailboxMessages(mailboxId: number): number {
    let n = 0;
    for (const id of this.statements.idsInMailbox.all(mailboxId) as number[])
      if (this.deleteById(id)) n++;
    return n;
  }

  /** The messages an action picks: by id and by whole thread, in mailbox and UID order. */
  actionRows(ids: readonly number[], threadIds: readonly number[]): ActionRow[] {
    return this.statements.actionRows.all(
      JSON.stringify(ids),
      JSON.stringify(threadIds),
    ) as ActionRow[];
  }

  setLocalFlags(id: number, bits: number, keywords: string | null): void {
    this.statements.setLocalFlags.run(bits, keywords, id);
  }

  /**
   * Puts a message in a mailbox under a UID; a negative UID stands for "moved here, UID not
   * known yet". When the sync already stored the message under that UID, the local row
   * gives way to the synced one and false is returned.
   */
  place(id: number, mailboxId: number, uid: number): boolean {
    if (uid > 0) {
      const existing = this.statements.byUid.get(mailboxId, uid) as number | undefined;
      if (existing !== undefined && existing !== id) {
        this.deleteById(id);
        return false;
      }
    }
    this.statements.place.run(mailboxId, uid, id);
    return true;
  }

  /** The messages of an account with this Message-ID, found through the thread index. */
  idsByMessageId(accountId: number, messageId: string): number[] {
    return this.statements.byMessageId.all(accountId, messageId) as number[];
  }

  /** A message's UID (in `mailboxId` when given), or null when it is not there. */
  uidIn(id: number, mailboxId?: number): number | null {
    const uid = (
      mailboxId === undefined
        ? this.statements.uidOf.get(id)
        : this.statements.uidOfIn.get(id, mailboxId)
    ) as number | undefined;
    return uid ?? null;
  }

  /** Whether a message sits in a mailbox under a placeholder UID (moved there locally). */
  isPlaceholder(id: number, mailboxId: number): boolean {
    return this.statements.placeholder.get(id, mailboxId) !== undefined;
  }

  deleteIds(ids: Iterable<number>): number {
    let n = 0;
    for (const id of ids) if (this.deleteById(id)) n++;
    return n;
  }

  localUids(mailboxId: number): number[] {
    return this.statements.uids.all(mailboxId) as number[];
  }

  saveBody(id: number, body: BodyRecord): boolean {
    const cols = this.ftsColumns(id);
    if (!cols) return false;
    this.fts.delete(id, cols);
    const text = body.text ?? null;
    const searchText = body.searchText ?? null;
    this.statements.saveBody.run(
      id,
      text,
      body.html,
      searchText,
      body.parseError,
      body.raw ?? null,
    );
    this.statements.unqueue.run(id);
    this.statements.clearAttachments.run(id);
    for (const a of body.attachments) {
      this.statements.addAttachment.run(
        id,
        a.partId,
        a.filename,
        a.contentType,
        a.size,
        a.contentId,
        a.inline ? 1 : 0,
      );
    }
    const hasAttachments = body.attachments.some((a) => !a.inline) ? 1 : 0;
    this.statements.markBody.run(
      body.parseError && !text && !body.html ? 2 : 1,
      body.snippet,
      hasAttachments,
      id,
    );
    this.fts.insert(id, { ...cols, body: searchText ?? text ?? '' });
    return true;
  }

  /** Messages still waiting for their body, newest first. */
  pendingBodies(accountId: number, limit: number): PendingBody[] {
    return this.statements.pending.all(accountId, limit) as PendingBody[];
  }

  pendingCount(accountId: number): number {
    return this.statements.pendingCount.get(accountId) as number;
  }

  pendingBody(id: number): PendingBody | null {
    return (this.statements.pendingOne.get(id) as PendingBody | undefined) ?? null;
  }

  attachment(id: number): StoredAttachment | null {
    return (this.statements.attachment.get(id) as StoredAttachment | undefined) ?? null;
  }

  setAttachmentHash(id: number, hash: string): void {
    this.statements.setAttachmentHash.run(hash, id);
  }

  list(mailboxId: number, limit: number, before?: number): MessageSummary[] {
    const rows = this.statements.listMailbox.all(
      mailboxId,
      before ?? Number.MAX_SAFE_INTEGER,
      limit,
    ) as SummaryRow[];
    return rows.map(toSummary);
  }

  summary(id: number): MessageSummary | null {
    const row = this.statements.summary.get(id) as SummaryRow | undefined;
    return row ? toSummary(row) : null;
  }

  /** Summaries of the given ids, in the order given; ids that no longer exist are left out. */
  summaries(ids: readonly number[]): MessageSummary[] {
    const rows = this.statements.summariesIn.all(JSON.stringify(ids)) as SummaryRow[];
    const byId = new Map(rows.map((r) => [r.id, r]));
    return ids.flatMap((id) => {
      const row = byId.get(id);
      return row ? [toSummary(row)] : [];
    });
  }

  detail(id: number): Omit<MessageDetail, 'remoteContentAllowed'> | null {
    const message = this.summary(id);
    if (!message) return null;
    const d = this.statements.detail.get(id) as DetailRow;
    return toDetail(message, d, this.statements.attachments.all(id) as AttachmentRow[]);
  }

  counts(): { messages: number; bodies: number } {
    return {
      messages: this.statements.count.get() as number,
      bodies: this.statements.countBodies.get() as number,
    };
  }
}
