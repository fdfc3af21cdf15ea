// The pure parts of the reader's tools: how a list will be left (told before it is), the
// source shown as text (UTF-8, else Latin-1; the start of a large one, cut on a character),
// the printable document (escaped headers, the sanitized body, remote content blocked), and
// the words of the junk actions' notices.
import { describe, expect, it } from 'vitest';
import { doneText, undoLabel } from '../../renderer/src/state/use-actions.js';
import { printableDocument } from '../../renderer/src/mail/print.js';
import { sourceText } from '../../renderer/src/mail/source-text.js';
import { mailtoAddress, unsubscribeWay } from '../../renderer/src/mail/unsubscribe.js';

describe('unsubscribeWay', () => {
  it('follows the core: one-click where offered, else the mailto:, else the page', () => {
    const https = 'https://lists.example.test/u/1?x=y';
    const mailto = 'mailto:leave%2Bme@lists.example.test?subject=unsubscribe';
    expect(unsubscribeWay({ https, mailto, oneClick: true })).toEqual({
      method: 'one-click',
      target: 'lists.example.test',
    });
    expect(unsubscribeWay({ https, mailto, oneClick: false })).toEqual({
      method: 'mailto',
      target: 'leave+me@lists.example.test',
    });
    expect(unsubscribeWay({ https: null, mailto, oneClick: true })).toEqual({
      method: 'mailto',
      target: 'leave+me@lists.example.test',
    });
    expect(unsubscribeWay({ https, mailto: null, oneClick: false })).toEqual({
      method: 'link',
      target: https,
    });
    expect(unsubscribeWay({ https: null, mailto: null, oneClick: false })).toBeNull();
    expect(unsubscribeWay(null)).toBeNull();
  });

  it('keeps a mailto: address that does not decode', () => {
    expect(mailtoAddress('MAILTO:a%zz@b.test')).toBe('a%zz@b.test');
  });
});

describe('sourceText', () => {
  const utf8 = (s: string) => new TextEncoder().encode(s);

  it('shows UTF-8 as UTF-8 and anything else byte for byte as Latin-1', () => {
    expect(sourceText(utf8('Subject: Grüße\r\n<b>x</b>'))).toEqual({
      text: 'Subject: Grüße\r\n<b>x</b>',
      truncated: false,
    });
    const latin = new Uint8Array([0x47, 0x72, 0xfc, 0xdf, 0x65, 0x0d, 0x0a]);
    expect(sourceText(latin)).toEqual({ text: 'Grüße\r\n', truncated: false });
    const all = new Uint8Array(256).map((_, i) => i);
    const shown = sourceText(all).text;
    expect(shown.length).toBe(256);
    expect([...shown].map((c) => c.charCodeAt(0))).toEqual([...all]);
  });

  it('shows the start of a large source, never cutting a character in two', () => {
    // "ü" is two bytes: a limit between them keeps the text UTF-8 and drops the half.
    expect(sourceText(utf8('abü'), 3)).toEqual({ text: 'ab', truncated: true });
    expect(sourceText(utf8('ab€c'), 4)).toEqual({ text: 'ab', truncated: true });
    expect(sourceText(utf8('ab€c'), 5)).toEqual({ text: 'ab€', truncated: true });
    expect(sourceText(utf8('abc'), 3)).toEqual({ text: 'abc', truncated: false });
    const big = new Uint8Array(3 * 1024 * 1024).fill(0x61);
    const cut = sourceText(big);
    expect(cut.truncated).toBe(true);
    expect(cut.text.length).toBe(2 * 1024 * 1024);
  });
});

describe('printableDocument', () => {
  it('escapes headers and plain text, keeps the sanitized HTML, and blocks remote content', () => {
    const doc = printableDocument('<Subject>', [
      {
        subject: 'Hi <there>',
        headers: [['From', 'A <a@x.test>']],
        html: null,
        text: '<b>not bold</b> & co',
      },
      { subject: 'Second', headers: [], html: '<p><b>bold</b></p>', text: null },
    ]);
    expect(doc).toContain('<title>&lt;Subject&gt;</title>');
    expect(doc).toContain('<h1>Hi &lt;there&gt;</h1>');
    expect(doc).toContain('<dt>From</dt><dd>A &lt;a@x.test&gt;</dd>');
    expect(doc).toContain('<pre class="print-text">&lt;b&gt;not bold&lt;/b&gt; &amp; co</pre>');
    expect(doc).toContain('<div class="print-body"><p><b>bold</b></p></div>');
    expect(doc).toContain('http-equiv="Content-Security-Policy" content="default-src \'none\';');
    expect(doc).toContain('img-src data: cid:');
    expect(doc.match(/<article class="print-message">/g)).toHaveLength(2);
  });
});

describe('junk notices', () => {
  it('says what junk and not junk did, and what undo takes back', () => {
    expect(doneText({ kind: 'junk', count: 1 })).toBe('Moved 1 message to Junk');
    expect(doneText({ kind: 'notJunk', count: 2 })).toBe('Marked 2 messages as not junk');
    expect(undoLabel({ actionId: 1, what: { kind: 'junk', count: 3 } })).toBe(
      'Undo: moved 3 messages to Junk',
    );
  });
});
