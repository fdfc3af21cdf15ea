// @vitest-environment jsdom
// What the editor's HTML becomes on the wire: clean HTML with a tight allow-list, and a
// plain-text part that keeps paragraphs, bullets and numbers, links as "text <url>" and
// quotes as "> ", as a reader of the text part would want it.
import { describe, expect, it } from 'vitest';
import {
  cleanHtml,
  htmlToText,
  outgoingBodies,
  textToHtml,
} from '../../renderer/src/compose/html-text.js';

describe('clean HTML', () => {
  it('keeps what the toolbar makes', () => {
    const html =
      '<p>Hi <strong>Ann</strong>, <em>see</em> <a href="https://maildock.test/a">this</a></p>' +
      '<ul><li><p>one</p></li></ul><ol start="3"><li><p>three</p></li></ol>' +
      '<blockquote><p>quoted</p></blockquote><p>line<br>break</p>';
    expect(cleanHtml(html)).toBe(html);
  });

  it('takes out scripts, handlers, styles, classes and links that are not web or mail', () => {
    const out = cleanHtml(
      '<p class="x" style="color:red" onclick="alert(1)">a<script>alert(2)</script>' +
        '<img src="https://t.test/p.gif" onerror="alert(3)"><a href="javascript:alert(4)">b</a>' +
        '<a href="mailto:ann@x.test" target="_blank" rel="noopener">c</a>' +
        '<span data-x="1">d</span></p><iframe src="https://x.test"></iframe><h1>big</h1>' +
        '<ol start="javascript:x"><li>e</li></ol>',
    );
    expect(out).toBe('<p>a<a>b</a><a href="mailto:ann@x.test">c</a>d</p>big<ol><li>e</li></ol>');
  });
});

describe('the plain-text alternative', () => {
  it('keeps paragraphs and line breaks', () => {
    expect(htmlToText('<p>First  line<br>second</p><p></p><p>Next&nbsp;one</p>')).toBe(
      'First line\nsecond\n\nNext one',
    );
  });

  it('writes bullets and numbers, nested lists indented', () => {
    expect(
      htmlToText(
        '<ul><li><p>apples</p><ul><li><p>green</p></li></ul></li><li><p>pears</p></li></ul>' +
          '<ol start="2"><li><p>two</p></li><li><p>three</p></li></ol>',
      ),
    ).toBe('- apples\n  - green\n- pears\n\n2. two\n3. three');
  });

  it('writes links as "text <url>", and a bare address once', () => {
    expect(
      htmlToText(
        '<p>See <a href="https://maildock.test/doc">the doc</a>, ' +
          '<a href="https://maildock.test">https://maildock.test</a> and ' +
          '<a href="mailto:ann@x.test">ann@x.test</a></p>',
      ),
    ).toBe('See the doc <https://maildock.test/doc>, https://maildock.test and ann@x.test');
  });

  it('quotes with "> ", nested quotes as the core does', () => {
    expect(
      htmlToText(
        '<p>I agree.</p><blockquote><p>You said</p><p>this</p><blockquote><p>and this</p></blockquote></blockquote>',
      ),
    ).toBe('I agree.\n\n> You said\n>\n> this\n>\n>> and this');
  });

  it('sends both parts from the editor, cleaned first', () => {
    expect(outgoingBodies('<p>Hi<script>x</script> <b>there</b></p>')).toEqual({
      html: '<p>Hi <b>there</b></p>',
      text: 'Hi there',
    });
  });

  it('turns an old plain-text body into paragraphs for the editor, escaped', () => {
    expect(textToHtml('one <b>\nline\n\n\ntwo & more')).toBe(
      '<p>one &#60;b&#62;<br>line</p><p>two &#38; more</p>',
    );
    expect(htmlToText(textToHtml('one <b>\nline\n\ntwo & more'))).toBe(
      'one <b>\nline\n\ntwo & more',
    );
  });
});
