import { describe, expect, it } from 'vitest';
import { MaildockError } from '../../common/errors.js';
import { randomInputs } from '../support/fuzz.js';
import { parseSearchQuery } from '../../main/core/store/search-parser.js';
import {
  SEARCH_OPERATORS,
  isEmptyQuery,
  parseDay,
  parseSize,
  type SearchNode,
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

/** A node as a short string: words with their field, `*` for a prefix, `"…"` when quoted. */
function show(node: SearchNode | null): string {
  if (!node) return '∅';
  switch (node.kind) {
    case 'and':
    case 'or':
      return `(${node.items.map(show).join(node.kind === 'and' ? ' & ' : ' | ')})`;
    case 'not':
      return `-${show(node.item)}`;
    case 'text': {
      const field = node.field === 'any' ? '' : `${node.field}:`;
      const text = node.quoted ? `"${node.text}"` : node.text;
      return `${field}${text}${node.prefix ? '*' : ''}`;
    }
    case 'folder':
      return `in:${node.name}`;
    case 'flag':
      return `${node.flag}=${node.value}`;
    case 'date':
      return `${node.bound}:${node.day}`;
    case 'size':
      return `${node.bound}:${node.bytes}`;
    case 'attachment':
      return `has:${node.type}`;
    case 'filename':
      return `filename:${node.text}`;
  }
}

const parsed = (input: string) => show(parseSearchQuery(input).root);

describe('parseSearchQuery', () => {
  it('reads bare words and quoted phrases, with their positions', () => {
    const q = parseSearchQuery('  budget "quarterly report"  2024 ');
    expect(show(q.root)).toBe('(budget & "quarterly report" & 2024)');
    const root = q.root as Extract<SearchNode, { items: SearchNode[] }>;
    expect(root.items.map((t) => t.position)).toEqual([2, 9, 29]);
  });

  it('reads negated words, phrases, groups and operators', () => {
    expect(
      parsed(
        'report -offsite -"annual plan" -from:carol -in:trash -is:unread -has:attachment -(a b) ',
      ),
    ).toBe(
      '(report & -offsite & -"annual plan" & -sender:carol & -in:trash & seen=true & attachment=false & -(a & b))',
    );
    const root = parseSearchQuery('report -offsite').root as Extract<
      SearchNode,
      { items: SearchNode[] }
    >;
    expect(root.items[1]?.position).toBe(7);
  });

  it('maps the text operators to their fields, with quoted values', () => {
    expect(
      parsed(
        'from:alice@example.com to:Dave cc:carol BCC:eve subject:"lunch plans" SUBJECT:menu list:dev.example.org ',
      ),
    ).toBe(
      '(sender:alice@example.com & recipients:Dave & cc:carol & bcc:eve & subject:"lunch plans" & subject:menu & list:dev.example.org)',
    );
  });

  it('reads in:, has:, is: (names and values in any case)', () => {
    expect(
      parsed(
        'in:"Sent Items" IN:Work/Projects has:Attachment is:UNREAD is:read is:flagged is:starred is:answered',
      ),
    ).toBe(
      '(in:Sent Items & in:Work/Projects & attachment=true & seen=false & seen=true & flagged=true & flagged=true & answered=true)',
    );
    expect(parsed('x -is:answered -is:flagged')).toBe('(x & answered=false & flagged=false)');
  });

  it('reads the attachment kinds and file names', () => {
    expect(
      parsed(
        'has:pdf has:IMAGE has:images has:document has:spreadsheet has:presentation has:archive',
      ),
    ).toBe(
      '(has:pdf & has:image & has:image & has:document & has:spreadsheet & has:presentation & has:archive)',
    );
    expect(parsed('x -has:pdf')).toBe('(x & -has:pdf)');
    // A-Z folded; a `*` at either end is ignored, as in a file pattern.
    expect(parsed('filename:Q1-Report.PDF filename:*.xlsx filename:"Annual Plan*"')).toBe(
      '(filename:q1-report.pdf & filename:.xlsx & filename:annual plan)',
    );
    expect(parsed('x -filename:tmp')).toBe('(x & -filename:tmp)');
  });

  it('reads sizes in bytes, K, M and G (1024-based), and turns negated sizes around', () => {
    expect(parsed('larger:5M smaller:500K larger:1.5MB smaller:2048 larger:1g')).toBe(
      `(larger:${5 * 2 ** 20} & smaller:${500 * 1024} & larger:${1.5 * 2 ** 20} & smaller:2048 & larger:${2 ** 30})`,
    );
    // -larger:N keeps sizes up to N; -smaller:N sizes from N.
    expect(parsed('x -larger:1K -smaller:10')).toBe('(x & smaller:1025 & larger:9)');
    expect(parseSize('1.5kb')).toBe(1536);
    for (const bad of ['', 'M', '5Q', '5MM', '-5', '1.2.3', '5 M', '99999999999999', '1e3'])
      expect(parseSize(bad), bad).toBeNull();
  });

  it('turns negated dates around', () => {
    expect(parsed('after:2024-01-01 after:2024/02/01 before:2024-12-31 x')).toBe(
      '(after:2024-01-01 & after:2024-02-01 & before:2024-12-31 & x)',
    );
    expect(parsed('x -before:2024-03-01 -after:2024-04-01')).toBe(
      '(x & after:2024-03-01 & before:2024-04-01)',
    );
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

  describe('prefixes', () => {
    it('makes the last word as typed a prefix, search as you type', () => {
      expect(parsed('alic')).toBe('alic*');
      expect(parsed('lunch alic')).toBe('(lunch & alic*)');
      expect(parsed('from:alic')).toBe('sender:alic*');
      expect(parsed('lunch -sta')).toBe('(lunch & -sta*)');
      expect(parsed('alice@exa')).toBe('alice@exa*');
    });

    it('leaves a word whole once a space, a quote, a parenthesis or punctuation follows it', () => {
      expect(parsed('alic ')).toBe('alic');
      expect(parsed('alic\t')).toBe('alic');
      expect(parsed('"alic"')).toBe('"alic"');
      expect(parsed('from:"alic"')).toBe('sender:"alic"');
      expect(parsed('(lunch OR alic)')).toBe('(lunch | alic)');
      expect(parsed('alic.')).toBe('alic.');
      expect(parsed('alic lunch ')).toBe('(alic & lunch)');
    });

    it('makes any word ending in * a prefix, wherever it is', () => {
      expect(parsed('quart* report ')).toBe('(quart* & report)');
      expect(parsed('cafe** ')).toBe('cafe*');
      expect(parsed('from:car* x ')).toBe('(sender:car* & x)');
      expect(parsed('e-mai* ')).toBe('e-mai*');
    });

    it('needs 2 letters or digits: a shorter prefix is the whole word', () => {
      expect(parsed('a')).toBe('a');
      expect(parsed('a* ')).toBe('a');
      expect(parsed('ab')).toBe('ab*');
      expect(parsed('x-a')).toBe('x-a');
      expect(parsed('é')).toBe('é');
      expect(parsed('éa')).toBe('éa*');
    });

    it('never makes a quoted phrase, an operator of values or a file name a prefix', () => {
      expect(parsed('"quarterly rep"')).toBe('"quarterly rep"');
      expect(parsed('in:inb')).toBe('in:inb');
      expect(parsed('filename:rep')).toBe('filename:rep');
    });
  });

  describe('OR and parentheses', () => {
    it('reads OR in capitals between items; or is a word', () => {
      expect(parsed('from:alice OR from:bob ')).toBe('(sender:alice | sender:bob)');
      expect(parsed('a OR b OR c ')).toBe('(a | b | c)');
      expect(parsed('a or b ')).toBe('(a & or & b)');
      expect(parsed('ORACLE OR ORbit ')).toBe('(ORACLE | ORbit)');
    });

    it('binds OR tighter than the space, as Gmail does', () => {
      expect(parsed('a b OR c d ')).toBe('(a & (b | c) & d)');
      expect(parsed('from:alice OR from:carol is:read')).toBe(
        '((sender:alice | sender:carol) & seen=true)',
      );
      expect(parsed('-a b OR c ')).toBe('(-a & (b | c))');
    });

    it('groups with parentheses, and negates a group', () => {
      expect(parsed('(a b) OR c ')).toBe('((a & b) | c)');
      expect(parsed('(a OR b) (c OR d) ')).toBe('((a | b) & (c | d))');
      expect(parsed('-(a OR b) c ')).toBe('(-(a | b) & c)');
      expect(parsed('((a)) ')).toBe('a');
      expect(parsed('(a (b c)) ')).toBe('(a & b & c)');
      expect(parsed('(a OR b) OR c ')).toBe('(a | b | c)');
      expect(parsed('in:sent OR is:flagged OR larger:1M')).toBe(
        `(in:sent | flagged=true | larger:${2 ** 20})`,
      );
      expect(parsed('-(is:unread) x ')).toBe('(-seen=false & x)');
    });

    it('cuts words at parentheses and quotes', () => {
      expect(parsed('foo(bar) ')).toBe('(foo & bar)');
      expect(parsed('foo"bar baz"qux ')).toBe('(foo & "bar baz" & qux)');
    });
  });

  it('treats FTS5 keywords and punctuation as plain text', () => {
    expect(parsed('NEAR AND NOT cafe* ^x {subject} ')).toBe(
      '(NEAR & AND & NOT & cafe* & ^x & {subject})',
    );
    // Items without a letter or digit match nothing and are dropped.
    expect(isEmptyQuery(parseSearchQuery('* : ^ "" {}'))).toBe(true);
    expect(parsed('a * b ')).toBe('(a & b)');
  });

  it('reads "Re:", URLs and times as text, not as operators', () => {
    expect(parsed('Re: lunch ')).toBe('(Re: & lunch)');
    expect(parsed('https://example.com/a 10:30 ')).toBe('(https://example.com/a & 10:30)');
    expect(parsed('"foo:bar" ')).toBe('"foo:bar"');
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
    // Quotes and values.
    ['hello "world', 6, '"world'],
    ['subject:"lunch', 8, '"lunch'],
    ['from:', 0, 'from:'],
    ['lunch to: x', 6, 'to:'],
    ['lunch -from:', 7, 'from:'],
    ['cc:', 0, 'cc:'],
    ['x bcc:"', 6, '"'],
    ['list:', 0, 'list:'],
    ['from:(a OR b)', 0, 'from:'],
    ['in:""', 3, '""'],
    ['from:@@', 5, '@@'],
    ['filename:**', 9, '**'],
    ['filename:""', 9, '""'],
    ['before:2024-13-45', 7, '2024-13-45'],
    ['x after:2023-02-29', 8, '2023-02-29'],
    ['x before:yesterday', 9, 'yesterday'],
    ['x before:', 2, 'before:'],
    ['larger:5Q', 7, '5Q'],
    ['x smaller:', 2, 'smaller:'],
    ['x smaller:-1', 10, '-1'],
    ['larger:1.2.3', 7, '1.2.3'],
    ['is:maybe', 3, 'maybe'],
    ['has:pdfs2', 4, 'pdfs2'],
    // Negation.
    ['x - y', 2, '-'],
    ['x -', 2, '-'],
    ['-', 0, '-'],
    ['(x -)', 3, '-'],
    ['-foo', 0, '-foo'],
    ['  -foo -"bar baz" -in:trash', 2, '-foo'],
    ['-is:unread', 0, '-is:unread'],
    ['-larger:5M', 0, '-larger:5M'],
    ['* -foo', 2, '-foo'],
    ['x -*', 2, '-*'],
    ['x -""', 2, '-""'],
    ['-(a OR b)', 0, '-(a OR b)'],
    ['x (-a -b)', 3, '-a'],
    // Unknown operators.
    ['x foo:bar', 2, 'foo:bar'],
    ['x Label:"work"', 2, 'Label:"work"'],
    ['older_than:1d', 0, 'older_than:1d'],
    ['x size:(1)', 2, 'size:(1)'],
    // Parentheses.
    ['(lunch', 0, '('],
    ['a (b (c)', 2, '('],
    ['NEAR(', 4, '('],
    ['lunch)', 5, ')'],
    ['a) (b', 1, ')'],
    ['()', 0, '()'],
    ['x ( )', 2, '( )'],
    ['x (*)', 2, '(*)'],
    // OR with nothing on a side.
    ['OR', 0, 'OR'],
    ['OR lunch', 0, 'OR'],
    ['lunch OR', 6, 'OR'],
    ['lunch OR ', 6, 'OR'],
    ['a OR OR b', 2, 'OR'],
    ['(OR a)', 1, 'OR'],
    ['(a OR) b', 3, 'OR'],
    ['a OR * b', 2, 'OR'],
    ['* OR a', 2, 'OR'],
    ['a OR -b', 5, '-b'],
    ['-a OR b', 0, '-a'],
  ];
  it.each(cases)('%j fails at %i near %j', (input, position, near) => {
    const e = syntaxError(input);
    expect(e.fields).toEqual({ position, near });
    expect(e.message).toContain(`position ${position}`);
  });

  it('names the known operators when one is unknown', () => {
    const e = syntaxError('foo:bar');
    for (const op of SEARCH_OPERATORS) expect(e.message).toContain(`${op}:`);
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
    expect(syntaxError('(a OR b').message).toBe(
      'The parenthesis at position 0 is never closed: add a ")".',
    );
    expect(syntaxError('a OR').message).toBe(
      '"OR" at position 2 has nothing after it: put what to look for on each side, like from:alice OR from:bob.',
    );
    expect(syntaxError('larger:big').message).toBe(
      '"big" at position 7 is not a size: write a number with K, M or G, like larger:5M.',
    );
    expect(syntaxError('has:video').message).toContain('has:pdf');
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
      'OR',
      ' OR ',
      'from',
      'in',
      'is',
      'has',
      'larger',
      'filename',
      'x:',
      '\u0000',
      'é',
      '2024-01-01',
      '5M',
      '^',
      '{',
      '}',
    ];
    for (const input of randomInputs(alphabet, 4000, 12, 42)) {
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
