import { describe, expect, it } from 'vitest';
import { MaildockError } from '../../common/errors.js';
import { randomInputs } from '../support/fuzz.js';
import {
  isEmptyQuery,
  parseDay,
  parseSearchQuery,
  type SearchQuery,
} from '../../main/core/store/search-query.js';

function syntaxError(input: string): MaildockError {
  try {
    parseSearchQuery(input);
  } catch (err) {
    expect(err).toBeInstanceOf(MaildockError);
    const e = err as MaildockError;
    expect(e.code).toBe('SEARCH_SYNTAX');
    return e;
  }
  throw new Error(`expected a syntax error for ${JSON.stringify(input)}`);
}

const terms = (q: SearchQuery) => q.terms.map((t) => [t.field, t.text, t.quoted, t.negated]);

describe('parseSearchQuery', () => {
  it('reads bare words and quoted phrases, with their positions', () => {
    const q = parseSearchQuery('  budget "quarterly report"  2024');
    expect(terms(q)).toEqual([
      ['any', 'budget', false, false],
      ['any', 'quarterly report', true, false],
      ['any', '2024', false, false],
    ]);
    expect(q.terms.map((t) => t.position)).toEqual([2, 9, 29]);
  });

  it('reads negated words, phrases and operators', () => {
    const q = parseSearchQuery(
      'report -offsite -"annual plan" -from:carol -in:trash -is:unread -has:attachment',
    );
    expect(terms(q)).toEqual([
      ['any', 'report', false, false],
      ['any', 'offsite', false, true],
      ['any', 'annual plan', true, true],
      ['sender', 'carol', false, true],
    ]);
    expect(q.terms[1]?.position).toBe(7);
    expect(q.mailboxes).toEqual([{ name: 'trash', negated: true, position: 43 }]);
    expect(q.flags.map((f) => [f.flag, f.value])).toEqual([
      ['seen', true],
      ['attachment', false],
    ]);
  });

  it('maps from:, to: and subject: to their index columns, with quoted values', () => {
    const q = parseSearchQuery('from:alice@example.com to:Dave subject:"lunch plans" SUBJECT:menu');
    expect(terms(q)).toEqual([
      ['sender', 'alice@example.com', false, false],
      ['recipients', 'Dave', false, false],
      ['subject', 'lunch plans', true, false],
      ['subject', 'menu', false, false],
    ]);
  });

  it('reads in:, has: and is: (names and values in any case)', () => {
    const q = parseSearchQuery(
      'in:"Sent Items" IN:Work/Projects has:Attachment is:UNREAD is:read is:flagged is:starred',
    );
    expect(q.mailboxes.map((m) => m.name)).toEqual(['Sent Items', 'Work/Projects']);
    expect(q.flags.map((f) => [f.flag, f.value])).toEqual([
      ['attachment', true],
      ['seen', false],
      ['seen', true],
      ['flagged', true],
      ['flagged', true],
    ]);
    expect(q.terms).toEqual([]);
  });

  it('keeps the tightest of several dates, and turns negated dates around', () => {
    const q = parseSearchQuery(
      'after:2024-01-01 after:2024/02/01 before:2024-12-31 before:2024-06-30 x',
    );
    expect([q.after, q.before]).toEqual(['2024-02-01', '2024-06-30']);
    const n = parseSearchQuery('x -before:2024-03-01 -after:2024-04-01');
    expect([n.after, n.before]).toEqual(['2024-03-01', '2024-04-01']);
  });

  it('validates calendar days', () => {
    expect(parseDay('2024-02-29')).toBe('2024-02-29');
    expect(parseDay('2000-02-29')).toBe('2000-02-29');
    expect(parseDay('2023-02-29')).toBeNull();
    expect(parseDay('1900-02-29')).toBeNull();
    expect(parseDay('2024-04-31')).toBeNull();
    expect(parseDay('2024-13-01')).toBeNull();
    expect(parseDay('2024-00-10')).toBeNull();
    expect(parseDay('2024-1-01')).toBeNull();
    expect(parseDay('2024-01/01')).toBeNull();
    expect(parseDay('２０２４-01-01')).toBeNull();
  });

  it('treats FTS5 keywords and punctuation as plain text', () => {
    const q = parseSearchQuery('NEAR AND OR NOT (lunch) cafe* ^x {subject}');
    expect(q.terms.map((t) => t.text)).toEqual([
      'NEAR',
      'AND',
      'OR',
      'NOT',
      '(lunch)',
      'cafe*',
      '^x',
      '{subject}',
    ]);
    // Items without a letter or digit match nothing and are dropped.
    expect(isEmptyQuery(parseSearchQuery('* ( ) : ^ ""'))).toBe(true);
  });

  it('reads "Re:", URLs and times as text, not as operators', () => {
    expect(terms(parseSearchQuery('Re: lunch'))).toEqual([
      ['any', 'Re:', false, false],
      ['any', 'lunch', false, false],
    ]);
    expect(parseSearchQuery('https://example.com/a 10:30').terms.map((t) => t.text)).toEqual([
      'https://example.com/a',
      '10:30',
    ]);
    expect(parseSearchQuery('"foo:bar"').terms.map((t) => t.text)).toEqual(['foo:bar']);
  });

  it('splits a word at a quote', () => {
    expect(terms(parseSearchQuery('foo"bar baz"qux'))).toEqual([
      ['any', 'foo', false, false],
      ['any', 'bar baz', true, false],
      ['any', 'qux', false, false],
    ]);
  });

  it('returns an empty query for empty or blank input', () => {
    for (const input of ['', '   ', '\t\n', '\u00a0\u3000'])
      expect(isEmptyQuery(parseSearchQuery(input))).toBe(true);
    expect(isEmptyQuery(parseSearchQuery('x'))).toBe(false);
    expect(isEmptyQuery(parseSearchQuery('is:unread'))).toBe(false);
  });
});

describe('parseSearchQuery errors', () => {
  // [input, position, near]
  const cases: [string, number, string][] = [
    ['hello "world', 6, '"world'],
    ['subject:"lunch', 8, '"lunch'],
    ['from:', 0, 'from:'],
    ['lunch to: x', 6, 'to:'],
    ['lunch -from:', 7, 'from:'],
    ['in:""', 3, '""'],
    ['from:@@', 5, '@@'],
    ['before:2024-13-45', 7, '2024-13-45'],
    ['x after:2023-02-29', 8, '2023-02-29'],
    ['x before:yesterday', 9, 'yesterday'],
    ['x before:', 2, 'before:'],
    ['x - y', 2, '-'],
    ['x -', 2, '-'],
    ['-', 0, '-'],
    ['-foo', 0, '-foo'],
    ['  -foo -"bar baz" -in:trash', 2, '-foo'],
    ['-is:unread', 0, '-is:unread'],
    ['* -foo', 2, '-foo'],
    ['x -*', 2, '-*'],
    ['x -""', 2, '-""'],
    ['x foo:bar', 2, 'foo:bar'],
    ['x Label:"work"', 2, 'Label:"work"'],
    ['older_than:1d', 0, 'older_than:1d'],
    ['is:maybe', 3, 'maybe'],
    ['has:pdf', 4, 'pdf'],
  ];
  it.each(cases)('%j fails at %i near %j', (input, position, near) => {
    const e = syntaxError(input);
    expect(e.fields).toEqual({ position, near });
    expect(e.message).toContain(`position ${position}`);
  });

  it('names the known operators when one is unknown', () => {
    const e = syntaxError('foo:bar');
    for (const op of ['from:', 'to:', 'subject:', 'in:', 'has:', 'is:', 'before:', 'after:'])
      expect(e.message).toContain(op);
    expect(e.message).toContain('quotes');
  });

  it('says what is wrong and where', () => {
    expect(syntaxError('hello "world').message).toBe(
      'The quote at position 6 is never closed: add a closing ".',
    );
    expect(syntaxError('x before:2024-13-45').message).toBe(
      '"2024-13-45" at position 9 is not a date: write before:YYYY-MM-DD, like before:2024-03-01.',
    );
    expect(syntaxError('a from:').message).toBe(
      '"from:" at position 2 needs a value, like from:alice@example.com.',
    );
  });

  it('throws nothing but SEARCH_SYNTAX errors on arbitrary input', () => {
    const alphabet = [
      'a',
      'b',
      ' ',
      '"',
      '-',
      ':',
      '*',
      '(',
      ')',
      'from',
      'in',
      'is',
      'x:',
      '\u0000',
      'é',
      '2024-01-01',
      '^',
      '{',
      '}',
    ];
    for (const input of randomInputs(alphabet, 3000, 12, 42)) {
      try {
        parseSearchQuery(input);
      } catch (err) {
        expect(err, input).toBeInstanceOf(MaildockError);
        const e = err as MaildockError;
        expect(e.code).toBe('SEARCH_SYNTAX');
        const position = e.fields.position as number;
        expect(position).toBeGreaterThanOrEqual(0);
        expect(position).toBeLessThan(input.length);
        expect(input.slice(position).startsWith((e.fields.near as string).replace(/…$/, ''))).toBe(
          true,
        );
      }
    }
  });
});
