// A message's headers as the sync hands them to the store, for tests of the store alone:
// one a minute from 2024-01-01, from Alice to Bob, unread, unless told otherwise.
import type { HeaderRecord } from '../../main/core/store/index.js';

export function headerRecord(uid: number, over: Partial<HeaderRecord> = {}): HeaderRecord {
  return {
    uid,
    messageId: `<m${uid}@t>`,
    inReplyTo: null,
    references: [],
    subject: `subject ${uid}`,
    from: [{ name: 'Alice', address: 'alice@example.test' }],
    to: [{ name: '', address: 'bob@example.test' }],
    cc: [],
    date: Date.UTC(2024, 0, 1) + uid * 60_000,
    flags: [],
    modseq: null,
    size: 100,
    hasAttachments: false,
    structure: null,
    ...over,
  };
}
