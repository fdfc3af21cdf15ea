// The values of the operators that are not words (search-query.ts): folders, file names,
// has:, is:, sizes and days, each read into its node or a SEARCH_SYNTAX error at the value's
// position. A `-` before is:, has:attachment, a size or a day is read as the opposite value.
import { MaildockError } from '../../../common/errors.js';
import type { SearchNode } from './search-query.js';
import {
  EXAMPLES,
  HAS_VALUES,
  IS_VALUES,
  parseDay,
  parseSize,
  type SearchOperator,
} from './search-values.js';

const NEAR_MAX = 40;

export function syntaxError(message: string, position: number, near: string): MaildockError {
  const clipped = near.length > NEAR_MAX ? `${near.slice(0, NEAR_MAX)}…` : near;
  return new MaildockError('SEARCH_SYNTAX', message, { position, near: clipped });
}

/** Letters A-Z to lower case, nothing else: what both engines fold in a file name. */
export function foldAscii(text: string): string {
  return text.replace(/[A-Z]/g, (c) => c.toLowerCase());
}

/** Where an operator's value is: the item (its `-`), the value, the value's text. */
interface At {
  start: number;
  valueStart: number;
  near: string;
  negated: boolean;
}

/** The node of an operator whose value is not words. */
export function valueNode(op: SearchOperator, value: string, at: At): SearchNode {
  const { start, valueStart, negated } = at;
  const bad = (message: string) => syntaxError(message, valueStart, at.near);
  switch (op) {
    case 'in':
      if (value.trim().length === 0)
        throw bad(
          `Empty folder name at position ${valueStart}: in: needs a folder, like in:inbox.`,
        );
      return { kind: 'folder', name: value, position: start };
    case 'filename': {
      const text = foldAscii(value.replace(/^\*+|\*+$/g, '').trim());
      if (!text)
        throw bad(
          `Empty file name at position ${valueStart}: filename: needs a name, like ${EXAMPLES.filename}.`,
        );
      return { kind: 'filename', text, position: start };
    }
    case 'has': {
      const kind = HAS_VALUES.get(value.toLowerCase());
      if (!kind) {
        throw bad(
          `Unknown value "${value}" for has: at position ${valueStart}: use has:attachment, has:pdf, has:image, ` +
            'has:document, has:spreadsheet, has:presentation or has:archive.',
        );
      }
      if (kind === 'attachment')
        return { kind: 'flag', flag: 'attachment', value: !negated, position: start };
      return { kind: 'attachment', type: kind, position: start };
    }
    case 'is': {
      const known = IS_VALUES.get(value.toLowerCase());
      if (!known) {
        throw bad(
          `Unknown value "${value}" for is: at position ${valueStart}: use is:unread, is:read, is:flagged or is:answered.`,
        );
      }
      return {
        kind: 'flag',
        flag: known.flag,
        value: negated ? !known.value : known.value,
        position: start,
      };
    }
    case 'larger':
    case 'smaller': {
      const bytes = parseSize(value);
      if (bytes === null) {
        throw bad(
          `"${value}" at position ${valueStart} is not a size: write a number with K, M or G, like ${EXAMPLES[op]}.`,
        );
      }
      // -larger:N is a size of at most N, which is smaller than N + 1; -smaller:N the other way.
      if (!negated) return { kind: 'size', bound: op, bytes, position: start };
      return op === 'larger'
        ? { kind: 'size', bound: 'smaller', bytes: bytes + 1, position: start }
        : { kind: 'size', bound: 'larger', bytes: bytes - 1, position: start };
    }
    default: {
      // before: and after: (the parser reads the operators of words itself).
      const day = parseDay(value);
      if (!day) {
        throw bad(
          `"${value}" at position ${valueStart} is not a date: write ${op}:YYYY-MM-DD, like ${EXAMPLES[op]}.`,
        );
      }
      // -before:D keeps D and later, which is after:D; -after:D is before:D.
      const after = (op === 'after') !== negated;
      return { kind: 'date', bound: after ? 'after' : 'before', day, position: start };
    }
  }
}
