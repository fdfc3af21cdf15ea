// Plain-text mail in the reader: addresses become links (and only addresses do), quoted
// passages become folds, and nothing in the text is ever treated as markup.
import { describe, expect, it } from 'vitest';
import { openExternal } from '../../renderer/src/mail/links.js';
import { linkify, plainTextBlocks, type Segment } from '../../renderer/src/mail/plain-text.js';

const links = (segments: Segment[]) =>
  segments.filter((s) => s.kind === 'link').map((s) => (s.kind === 'link' ? s.href : ''));

describe('links in plain text', () => {
  it('finds http(s), www. and e-mail addresses and keeps the rest as text', () => {
    const line = 'See https://a.test/x?y=1, www.b.test or mail ann@c.test. Thanks';
    const segs = linkify(line);
    expect(links(segs)).toEqual([
      'https://a.test/x?y=1',
      'https://www.b.test',
      'mailto:ann@c.test',
    ]);
    expect(segs.map((s) => s.text).join('')).toBe(line);
  });

  it('leaves sentence punctuation and unbalanced brackets out of a link', () => {
    expect(links(linkify('(see https://a.test/page).'))).toEqual(['https://a.test/page']);
    expect(links(linkify('https://en.wiki.test/Foo_(bar) is it'))).toEqual([
      'https://en.wiki.test/Foo_(bar)',
    ]);
    expect(links(linkify('Go to <https://a.test/x>!'))).toEqual(['https://a.test/x']);
  });

  it('makes no link of other schemes, and markup stays text', () => {
    const segs = linkify('javascript:alert(1) <a href="https://x.test">y</a> file:///etc/passwd');
    expect(links(segs)).toEqual(['https://x.test']);
    expect(segs.map((s) => s.text).join('')).toContain('<a href="');
  });
});

describe('quotes in plain text', () => {
  it('folds each quoted passage into one block, with its levels', () => {
    const blocks = plainTextBlocks(
      'Yes, agreed.\n\nOn Monday Bob wrote:\n> Shall we?\n>> Lunch at 12\n> > ok\nSee you\n\n\n',
    );
    expect(blocks.map((b) => b.kind)).toEqual(['text', 'quote', 'text']);
    expect(blocks[1]!.lines.map((l) => [l.depth, l.segments.map((s) => s.text).join('')])).toEqual([
      [1, 'Shall we?'],
      [2, 'Lunch at 12'],
      [2, 'ok'],
    ]);
    // Trailing blank lines are dropped; the blank line inside the text is kept.
    expect(blocks[2]!.lines).toHaveLength(1);
    expect(blocks[0]!.lines).toHaveLength(3);
  });

  it('reads CRLF line ends and links inside quotes', () => {
    const blocks = plainTextBlocks('Hi\r\n> see https://q.test\r\n');
    expect(blocks[1]!.kind).toBe('quote');
    expect(links(blocks[1]!.lines[0]!.segments)).toEqual(['https://q.test']);
  });
});

describe('opening a link', () => {
  it('shows the real target first and opens it without an opener', () => {
    const calls: unknown[][] = [];
    const host = {
      confirm: (m: string) => (calls.push(['confirm', m]), true),
      open: (...a: unknown[]) => calls.push(['open', ...a]),
    };
    expect(openExternal('https://real.test/path', host)).toBe(true);
    expect(calls[0]![1]).toContain('https://real.test/path');
    expect(calls[1]).toEqual(['open', 'https://real.test/path', '_blank', 'noopener,noreferrer']);
  });

  it('opens nothing when the user says no, or for other schemes', () => {
    let opened = 0;
    const no = { confirm: () => false, open: () => opened++ };
    const yes = { confirm: () => true, open: () => opened++ };
    expect(openExternal('https://a.test', no)).toBe(false);
    expect(openExternal('javascript:alert(1)', yes)).toBe(false);
    expect(openExternal('file:///etc/passwd', yes)).toBe(false);
    expect(opened).toBe(0);
  });
});
