// What a message of the real-world corpus must show a reader after a full sync, and what
// Maildock does not show yet (its gap).

export interface RealExpect {
  /** The subject as the list must show it, when the header is well formed. */
  subject?: string;
  /** Each must be found by message.search after a full sync (with the others, or alone). */
  words: string[];
  /** Non-inline attachments the reader lists, when certain. */
  attachments?: number;
  /** Their file names, decoded, in order, when certain. */
  filenames?: string[];
  /** None may be found by message.search. */
  absent?: string[];
  /** No part of the body is one a reader can show: Maildock records it as unreadable. */
  unreadable?: boolean;
  /**
   * What a careful reader shows of this message and Maildock does not yet: reported, kept
   * here as data and not asserted, so that a fix can move it into the expectations above.
   */
  gap?: RealGap;
}

export interface RealGap {
  why: string;
  words?: string[];
  subject?: string;
  attachments?: number;
  hasAttachments?: boolean;
}
