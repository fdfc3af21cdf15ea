// The mail shapes bench:sync runs on, each a seeded stream of messages (deterministic per
// seed, one message at a time, so 100,000 of them never sit in memory together). A sync's
// rate holds only for the kind of mail it was measured on: each shape is synced and reported
// apart.
import { realWorldMail } from '../../test/support/real-mail.js';
import { generateCorpus } from '../corpus.js';
import type { ShapeMessage, ShapeOptions } from './shape-kit.js';
import { attachmentsShape } from './shape-attachments.js';
import { listsShape } from './shape-lists.js';
import { newslettersShape } from './shape-newsletters.js';

export type { ShapeMessage } from './shape-kit.js';

/** Messages in one set of the real-world shape, as many as the tests make. */
const REAL_SET = 300;

export const SHAPES = {
  /** bench/corpus.ts as it is: mixed mail, mean about 33 KB, median about 2.4 KB. */
  generated: function* (opts: ShapeOptions): Generator<ShapeMessage> {
    for (const m of generateCorpus(opts))
      yield { folder: m.folder, raw: m.raw, date: m.date, flags: m.flags };
  },
  /** Office mail with small attachments, a few large ones: mean about 80 KB. */
  attachments: attachmentsShape,
  /** HTML newsletters of 30–150 KB, some with inline images. */
  newsletters: newslettersShape,
  /** Plain-text mailing lists, long threads, deep quoting: mean about 5 KB. */
  lists: listsShape,
  /**
   * The tests' real-world-shaped mail (test/support/real-mail.ts): old charsets, broken MIME,
   * huge headers, nesting, signed mail, bounces; small and varied, all in the Inbox.
   */
  real: function* (opts: ShapeOptions): Generator<ShapeMessage> {
    // In sets of the tests' size, each of its own seed: the families' later variants grow
    // past what the tests hold (a message of 200 KB at most), so the sets are not made longer.
    let span = 0;
    for (let set = 0, left = opts.count; left > 0; set++, left -= REAL_SET) {
      const messages = realWorldMail({ count: Math.min(REAL_SET, left), seed: opts.seed + set });
      const shift = span;
      for (const m of messages) {
        const date = new Date(m.date.getTime() + shift);
        span = Math.max(span, date.getTime() - messages[0]!.date.getTime() + 3600_000);
        yield { folder: opts.folders[0] ?? 'INBOX', raw: m.raw, date, flags: [] };
      }
    }
  },
} satisfies Record<string, (opts: ShapeOptions) => Generator<ShapeMessage>>;

export type ShapeName = keyof typeof SHAPES;
export const SHAPE_NAMES = Object.keys(SHAPES) as ShapeName[];

export function isShape(name: string): name is ShapeName {
  return Object.hasOwn(SHAPES, name);
}
