// Real-world-shaped mail for Maildock's sync tests: legacy charsets, encoded words, broken
// MIME, huge headers, nested and signed messages, bounces, invites and the HTML of common
// senders. Every message comes from a seeded generator (the same seed gives the same bytes)
// and carries the made-up words a Maildock user must find in it after a full sync, and the
// words they must not find (what only markup, an attachment or a MIME preamble holds).
//
// Each family of shapes (real-mail-family-*.ts) says in its expectations what a reader must
// show; where Maildock falls short today, the shortfall is kept as a `gap`. Here the families
// are taken in turn.
import type { RealExpect } from './real-mail-expect.js';
import { Ctx, type Family } from './real-mail-context.js';
import { Rng } from './real-mail-rng.js';
import {
  commonAttachments,
  inlineFiles,
  invites,
  uuencoded,
  winmailDat,
} from './real-mail-family-attachments.js';
import {
  badQuotedPrintable,
  boundaryNeverPresent,
  brokenBase64,
  contentTypeOddities,
  emptyMultipart,
  formatFlowed,
  headersOnly,
  lineEndings,
  missingClose,
  nulBytes,
  preambleEpilogue,
  wrongTransferEncoding,
} from './real-mail-family-broken-mime.js';
import {
  CHARSETS,
  charsetFamily,
  htmlMetaCharset,
  mislabelledLatin1,
  unlabelledLatin1,
  unlabelledUtf8,
  utf7,
  utf8Encoded,
} from './real-mail-family-charsets.js';
import {
  encodedSenders,
  encodedSubjects,
  filenames,
  malformedEncodedWords,
  rawHeaders,
  splitMultibyte,
} from './real-mail-family-headers.js';
import {
  dataUriImage,
  htmlWordSplits,
  newsletter,
  outlookHtml,
  phoneAndWebmail,
} from './real-mail-family-html.js';
import {
  hugeSubject,
  longLines,
  longReferences,
  manyReceived,
} from './real-mail-family-huge-headers.js';
import { autoReplies, digests, listTraffic, outlookQuoting } from './real-mail-family-lists.js';
import { alternatives, bounces, forwarded, relatedImages } from './real-mail-family-nesting.js';
import { inlinePgp, pgpMime, smime } from './real-mail-family-signed.js';

export type { RealExpect, RealGap } from './real-mail-expect.js';

export interface RealMessage {
  /** The shape it exercises, unique within a corpus. */
  name: string;
  /** Its Message-ID, angle brackets included: how a test finds it among the synced ones. */
  messageId: string;
  raw: Buffer;
  date: Date;
  expect: RealExpect;
}

export interface RealMailOptions {
  count?: number;
  seed?: number;
}

/** No message of the corpus is larger. */
export const MAX_REAL_MESSAGE_BYTES = 200 * 1024;

export const FAMILIES: readonly Family[] = [
  ...CHARSETS.map(charsetFamily),
  mislabelledLatin1,
  unlabelledUtf8,
  unlabelledLatin1,
  utf7,
  htmlMetaCharset,
  utf8Encoded,
  encodedSubjects,
  splitMultibyte,
  malformedEncodedWords,
  rawHeaders,
  encodedSenders,
  filenames,
  missingClose,
  boundaryNeverPresent,
  wrongTransferEncoding,
  brokenBase64,
  badQuotedPrintable,
  lineEndings,
  nulBytes,
  contentTypeOddities,
  emptyMultipart,
  preambleEpilogue,
  formatFlowed,
  headersOnly,
  manyReceived,
  longReferences,
  hugeSubject,
  longLines,
  forwarded,
  relatedImages,
  alternatives,
  smime,
  pgpMime,
  bounces,
  invites,
  winmailDat,
  uuencoded,
  inlinePgp,
  commonAttachments,
  outlookHtml,
  newsletter,
  htmlWordSplits,
  phoneAndWebmail,
  dataUriImage,
  listTraffic,
  outlookQuoting,
  digests,
  inlineFiles,
  autoReplies,
];

const BASE_DATE = Date.UTC(2023, 0, 2, 8, 0, 0);

/**
 * `count` messages (300 by default), the families taken in turn (by weight) so that every
 * family is in any corpus of a few dozen messages, and every shape of each at the default size.
 */
export function realWorldMail(opts: RealMailOptions = {}): RealMessage[] {
  const count = opts.count ?? 300;
  const seed = opts.seed ?? 0x5eed;
  const rng = new Rng(seed);
  const used = new Set<string>();
  const out: RealMessage[] = [];
  const rotation = FAMILIES.flatMap((f) => Array<Family>(f.weight ?? 1).fill(f));
  const made = new Map<Family, number>();
  for (let i = 0; i < count; i++) {
    const family = rotation[i % rotation.length]!;
    const variant = made.get(family) ?? 0;
    made.set(family, variant + 1);
    const date = new Date(BASE_DATE + i * 7 * 3600_000 + rng.int(0, 3599) * 1000);
    const messageId = `<${rng.hex(12)}.${i}.${seed.toString(36)}@mail.example.org>`;
    const draft = family.make(new Ctx(rng, used, date, messageId), variant);
    const name = `${family.name}: ${draft.detail} #${i}`;
    if (draft.raw.length > MAX_REAL_MESSAGE_BYTES)
      throw new Error(`${name} is ${draft.raw.length} bytes, over ${MAX_REAL_MESSAGE_BYTES}`);
    out.push({ name, messageId, raw: draft.raw, date, expect: draft.expect });
  }
  return out;
}
