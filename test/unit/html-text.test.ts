// HTML → text for search and the snippet: what a reader sees, and nothing else, in linear
// time; and the choice between the text part and the HTML's text.
import { describe, expect, it } from 'vitest';
import { bodyText, STUB_TEXT_CHARS } from '../../main/core/mime/body-text.js';
import { htmlToText } from '../../main/core/mime/html-text.js';

const MAX = 1_000_000;

describe('htmlToText', () => {
  it('decodes entities, named, numeric and legacy ones without a semicolon', () => {
    expect(
      htmlToText(
        '<p>Tom &amp; Jerry &lt;3 caf&eacute; &#233;t&#xE9; &#x1F600; &copy 2024 &bogus;</p>',
        MAX,
      ),
    ).toBe('Tom & Jerry <3 café été 😀 © 2024 &bogus;');
  });

  it('keeps words apart at &nbsp;, <br>, blocks and cells, and together across inline tags', () => {
    const text = htmlToText(
      '<div>alpha&nbsp;beta<br>gamma</div><p>delta</p><table><tr><td>eps</td><td>ilon</td></tr>' +
        '<tr><th>zeta</th></tr></table><span>ka</span><b>ppa</b><i>!</i><li>one</li><li>two</li>',
      MAX,
    );
    expect(text).toBe('alpha beta\ngamma\n\ndelta\n\neps ilon\nzeta\nkappa!\none\ntwo');
  });

  it('collapses white space, keeps at most one blank line, and keeps lines of <pre>', () => {
    expect(htmlToText('  a \n\t b  <br><br><br><br> c <pre>x  1\ny 2</pre>', MAX)).toBe(
      'a b\n\nc\nx 1\ny 2',
    );
  });

  it('leaves out <head>, <title>, <style>, <script> and comments, even unclosed', () => {
    const html =
      '<html><head><title>titleword</title><meta name="x" content="metaword">' +
      '<style>.x { content: "styleword" }</style></head><body>' +
      '<script>var scriptword = "</div>";</script><!-- commentword -->shown' +
      '<STYLE type="text/css">upperstyleword</STYLE> too<script>tailword';
    expect(htmlToText(html, MAX)).toBe('shown too');
  });

  it('reads a body without <body> after an unclosed <head>', () => {
    expect(htmlToText('<head><meta charset="utf-8"><table><tr><td>cell', MAX)).toBe('cell');
    expect(htmlToText('<head><title>t</title>plain words', MAX)).toBe('plain words');
  });

  it('drops the invisible padding of preview lines and soft hyphens inside words', () => {
    expect(
      htmlToText('Sale&zwnj;&nbsp;&zwnj;&nbsp;&#8203;ends super&shy;cali&#173;fragile', MAX),
    ).toBe('Sale ends supercalifragile');
  });

  it('marks quoted replies as "> " lines', () => {
    expect(htmlToText('Yes.<blockquote>On Monday:<p>old words</p></blockquote>New', MAX)).toBe(
      'Yes.\n> On Monday:\n\n> old words\n\nNew',
    );
  });

  it('stops at the cap, never inside a surrogate pair', () => {
    expect(htmlToText('<p>abcdef</p><p>ghij</p>', 9)).toBe('abcdef\n\ng');
    expect(htmlToText('ab😀', 3)).toBe('ab');
    expect(htmlToText('x'.repeat(5000) + '<p>y</p>'.repeat(100_000), 1000)).toHaveLength(1000);
  });

  it('takes linear time on hostile nesting and unbalanced tags', () => {
    const hostile = [
      '<div>'.repeat(200_000) + 'deepword' + '</span>'.repeat(200_000),
      '<blockquote><b><i><a href="x">'.repeat(50_000) + 'nested',
      '<p '.repeat(100_000) + '>attrs',
      '<'.repeat(500_000) + 'lt',
      '&'.repeat(500_000) + 'amp',
    ];
    for (const html of hostile) {
      const started = performance.now();
      const text = htmlToText(html, MAX);
      expect(performance.now() - started).toBeLessThan(2000);
      expect(text.length).toBeLessThanOrEqual(MAX);
    }
    expect(htmlToText(hostile[0]!, MAX)).toBe('deepword');
  });
});

describe('bodyText', () => {
  const newsletter =
    '<html><head><style>.hide{display:none}</style></head><body><h1>Autumn sale</h1>' +
    '<p>Every kayak and paddle is 20% off until Sunday, in every store and online.</p></body></html>';

  it('indexes the HTML when there is no text part, and takes the snippet from it', () => {
    expect(bodyText(null, newsletter, MAX)).toEqual({
      searchText:
        'Autumn sale\n\nEvery kayak and paddle is 20% off until Sunday, in every store and online.',
      snippet:
        'Autumn sale Every kayak and paddle is 20% off until Sunday, in every store and online.',
    });
    expect(bodyText(' \r\n', newsletter, MAX).searchText).toMatch(/^Autumn sale/);
  });

  it('indexes the HTML too when the text part is only a stub of it', () => {
    const stub = 'View this email in your browser: https://example.test/v/1';
    const out = bodyText(stub, newsletter, MAX);
    expect(out.searchText).toContain('kayak');
    expect(out.searchText).toContain(stub);
    expect(out.snippet).toMatch(/^Autumn sale Every kayak/);
  });

  it('indexes the HTML too when a stub text part is longer than what the HTML says', () => {
    const stub = 'View this email in your browser: https://shop.example/view/2024/10/autumn';
    const out = bodyText(stub, '<p>Meet the numbat family.</p>', MAX);
    expect(out.searchText).toBe(`Meet the numbat family.\n\n${stub}`);
  });

  it('keeps to the text part when it says as much as the HTML', () => {
    const text =
      'Autumn sale\r\n\r\nEvery kayak and paddle is 20% off until Sunday, in every store and online.\r\n';
    expect(bodyText(text, newsletter, MAX)).toEqual({
      searchText: null,
      snippet:
        'Autumn sale Every kayak and paddle is 20% off until Sunday, in every store and online.',
    });
    const long = 'word '.repeat(STUB_TEXT_CHARS);
    expect(
      bodyText(long, `<p>${'other '.repeat(10 * STUB_TEXT_CHARS)}</p>`, MAX).searchText,
    ).toBeNull();
    expect(bodyText(text, null, MAX).searchText).toBeNull();
  });

  it('ends the snippet at a whole word, so every word it shows can be found', () => {
    const { snippet } = bodyText(null, `<p>${'abcdefghi '.repeat(30)}</p>`, MAX);
    expect(snippet).toBe('abcdefghi '.repeat(20).trimEnd());
    const { snippet: unbroken } = bodyText('x'.repeat(500), null, MAX);
    expect(unbroken).toHaveLength(200);
  });

  it('caps what it indexes', () => {
    const out = bodyText(null, `<p>${'z'.repeat(5000)}</p>`, 1000);
    expect(out.searchText).toHaveLength(1000);
    expect(out.snippet.length).toBeLessThanOrEqual(200);
  });
});
