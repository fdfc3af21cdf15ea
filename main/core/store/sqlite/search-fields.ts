// The fields of a new message that search keeps beside its usual text (migration 0015): Cc
// alone, Bcc and the List-Id, as messages stores them and the index's columns read them.
import type { HeaderRecord } from '../types.js';
import { addressText, bccText } from '../rows.js';
import type { Db } from './db.js';

export interface SearchFields {
  ccText: string;
  bccText: string;
  listId: string | null;
}

export class SearchFieldWriter {
  // Mail sent from here: its outbox row knows the Bcc its bytes do not (rows.ts bccText).
  private readonly sentTo;

  constructor(db: Db) {
    this.sentTo = db
      .prepare('SELECT env_to FROM outbox WHERE account_id = ? AND message_id = ?')
      .pluck();
  }

  of(accountId: number, r: HeaderRecord): SearchFields {
    const json =
      r.bcc?.length || !r.messageId
        ? undefined
        : (this.sentTo.get(accountId, r.messageId) as string | undefined);
    return {
      ccText: addressText(r.cc),
      bccText: bccText(r, json ? (JSON.parse(json) as string[]) : null),
      listId: r.listId ?? null,
    };
  }
}

/** The index's columns of those fields (fts.ts), from what messages stores. */
export const ftsFields = (f: SearchFields) => ({
  cc: f.ccText,
  bcc: f.bccText,
  list: f.listId ?? '',
});
