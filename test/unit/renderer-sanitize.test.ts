// @vitest-environment jsdom
// The HTML mail sanitizer against hostile markup: nothing that runs, submits, navigates or
// calls home may survive, and remote content stays out until the user lets it in.
import { describe, expect, it } from 'vitest';
import { blockRemoteCss } from '../../common/mail-html/css.js';
import {
  FRAME_CSP_BLOCKED,
  FRAME_CSP_REMOTE,
  FRAME_SANDBOX,
  frameDocument,
} from '../../renderer/src/mail/frame-doc.js';
import { createMailSanitizer } from '../../renderer/src/mail/sanitize.js';
import { dangers, HOSTILE_HTML } from '../support/hostile-html.js';

const sanitize = createMailSanitizer(window);
const blocked = (html: string) => sanitize(html, { allowRemote: false });
const allowed = (html: string) => sanitize(html, { allowRemote: true });

/** A CSP as directive → sources. */
const directives = (csp: string) =>
  Object.fromEntries(
    csp.split(';').map((d) => {
      const [name, ...sources] = d.trim().split(/\s+/);
      return [name!, sources];
    }),
  );

/** Parses the output again, as the frame would. */
const parse = (html: string) => new DOMParser().parseFromString(html, 'text/html');

describe('the HTML mail sanitizer', () => {
  it.each(HOSTILE_HTML)('leaves nothing dangerous of: %s', (_name, html) => {
    for (const out of [blocked(html).html, allowed(html).html]) {
      expect(dangers(parse(out))).toEqual([]);
      expect(out).not.toMatch(/javascript:|vbscript:|alert\(1\)[^<]*<\/script/i);
    }
  });

  it('keeps the readable content of a message', () => {
    const out = blocked(
      '<h1>Offer</h1><p>Dear <b>Ann</b>, see <a href="https://shop.test/x" target="_blank">here</a>.</p>' +
        '<table><tr><td>row</td></tr></table><blockquote>quoted</blockquote>',
    ).html;
    const doc = parse(out);
    expect(doc.querySelector('h1')?.textContent).toBe('Offer');
    expect(doc.querySelector('b')?.textContent).toBe('Ann');
    expect(doc.querySelector('td')?.textContent).toBe('row');
    const a = doc.querySelector('a')!;
    expect(a.getAttribute('href')).toBe('https://shop.test/x');
    // No target: the reader catches the click and asks before opening anything.
    expect(a.hasAttribute('target')).toBe(false);
    expect(a.getAttribute('rel')).toBe('noopener noreferrer');
  });

  it('drops relative addresses, which would point into the app itself', () => {
    const doc = parse(blocked('<a href="/api/message.delete">x</a><img src="/api/x.png">').html);
    expect(doc.querySelector('a')?.hasAttribute('href')).toBe(false);
    expect(doc.querySelector('img')?.hasAttribute('src')).toBe(false);
  });

  it('blocks remote images until they are allowed, and counts them', () => {
    const html =
      '<img src="https://cdn.test/logo.png" width="120" height="40" alt="Logo">' +
      '<img src="http://cdn.test/b.png" srcset="https://cdn.test/b2.png 2x">';
    const b = blocked(html);
    expect(b.remoteBlocked).toBe(2);
    const imgs = [...parse(b.html).querySelectorAll('img')];
    expect(imgs).toHaveLength(2);
    for (const img of imgs) {
      expect(img.hasAttribute('src')).toBe(false);
      expect(img.hasAttribute('srcset')).toBe(false);
    }
    // The blocked image keeps its place: size and alt text.
    expect(imgs[0]!.getAttribute('alt')).toBe('Logo');
    expect(imgs[0]!.getAttribute('width')).toBe('120');

    const a = allowed(html);
    expect(a.remoteBlocked).toBe(0);
    const srcs = [...parse(a.html).querySelectorAll('img')].map((i) => i.getAttribute('src'));
    expect(srcs).toEqual(['https://cdn.test/logo.png', 'http://cdn.test/b.png']);
  });

  it('blocks remote CSS: url() in styles, @import, image-set, background attributes', () => {
    const html =
      '<style>@import url("https://evil.test/a.css"); body { background: url(https://evil.test/bg.png) } p { color: red }</style>' +
      '<div style="background-image: url(\'https://evil.test/i.png\'); color: blue">x</div>' +
      '<div style="background: image-set(\'https://evil.test/s.png\' 1x)">y</div>' +
      '<table background="https://evil.test/t.png"><tr><td>z</td></tr></table>';
    const b = blocked(html);
    expect(b.html).not.toContain('evil.test');
    expect(b.remoteBlocked).toBeGreaterThanOrEqual(5);
    // What is not remote is kept.
    expect(b.html).toContain('color: red');
    expect(b.html).toContain('color: blue');
    expect(allowed(html).html).toContain('https://evil.test/bg.png');
  });

  it("keeps the message's own styles in blocked mode, taking out only what reaches out", () => {
    const html =
      '<html><head><style><!--\n.total { color: green } @font-face { font-family: F; src: url(https://evil.test/f.woff2) format("woff2") }\n--></style></head>' +
      '<body><p class="total" style="color: red; background: -webkit-image-set(url(https://evil.test/w.png) 1x); padding: 4px">x</p></body></html>';
    const b = blocked(html);
    expect(b.html).not.toContain('evil.test');
    expect(b.remoteBlocked).toBe(2);
    const doc = parse(b.html);
    // A stylesheet in <head>, and one wrapped in an HTML comment, both stay.
    expect(doc.querySelector('style')?.textContent).toContain('.total { color: green }');
    expect(doc.querySelector('style')?.textContent).toContain('font-family: F');
    const style = doc.querySelector('p')?.getAttribute('style') ?? '';
    expect(style).toContain('color: red');
    expect(style).toContain('padding: 4px');
  });

  it('takes out what ran script in old browsers, in both modes', () => {
    const html =
      '<style>p { width: expression(alert(1)); color: red } b { behavior: url(x.htc) } i { -moz-binding: url(x.xml#a) }</style>' +
      '<p style="height: expression(alert(2)); scroll-behavior: smooth; color: blue">x</p>';
    for (const out of [blocked(html).html, allowed(html).html]) {
      expect(out).not.toMatch(/expression|[^-]behavior|binding/);
      expect(out).toContain('color: red');
      expect(out).toContain('scroll-behavior: smooth');
      expect(out).toContain('color: blue');
    }
  });

  it('leaves a blocked image its size, from attributes or from its style', () => {
    const b = blocked(
      '<img src="https://cdn.test/a.png" width="300" height="100" alt="A">' +
        '<img src="https://cdn.test/b.png" style="width: 200px; height: 50px; border: 0" alt="B">',
    );
    const [a, sized] = [...parse(b.html).querySelectorAll('img')];
    expect(a?.getAttribute('width')).toBe('300');
    expect(a?.getAttribute('height')).toBe('100');
    expect(sized?.getAttribute('style')).toBe('width: 200px; height: 50px; border: 0');
    for (const img of [a, sized]) expect(img?.hasAttribute('src')).toBe(false);
  });

  it('sees remote CSS hidden behind escapes and comments', () => {
    for (const css of [
      'background: \\75 rl(https://evil.test/a.png)',
      'background: u\\rl(https://evil.test/a.png)',
      'background: url(/**/https://evil.test/a.png',
      'background: url(https://evil.test/unterminated',
    ]) {
      const r = blockRemoteCss(css);
      expect(r.css, css).not.toContain('evil.test');
      expect(r.removed, css).toBeGreaterThan(0);
    }
    expect(blockRemoteCss('background: url(data:image/png;base64,AAAA)')).toEqual({
      css: 'background: url(data:image/png;base64,AAAA)',
      removed: 0,
    });
  });

  it('removes tracking pixels, even when remote images are allowed', () => {
    const html =
      '<img src="https://t.test/o.gif?u=1" width="1" height="1">' +
      '<img src="https://t.test/p.gif" style="width:1px;height:1px">' +
      '<img src="https://t.test/h.gif" style="display:none">' +
      '<img src="https://u123.list-manage.com/track/open.php?u=1">' +
      '<img src="https://x.sendgrid.net/wf/open?upn=abc">' +
      '<img src="https://cdn.test/photo.jpg" width="300" height="200">';
    for (const r of [blocked(html), allowed(html)]) {
      expect(r.trackersRemoved).toBe(5);
      expect(r.html).not.toContain('t.test');
      expect(r.html).not.toContain('list-manage');
      expect(r.html).not.toContain('sendgrid');
      expect(parse(r.html).querySelectorAll('img')).toHaveLength(1);
    }
    // A 1×1 spacer from the message itself calls nobody: it stays.
    const spacer = blocked(
      '<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" width="1" height="1">',
    );
    expect(spacer.trackersRemoved).toBe(0);
    expect(spacer.html).toContain('data:image/gif');
  });

  it("collects the message's own cid: images and keeps data: images only", () => {
    const r = blocked(
      '<img src="cid:Logo%40Mail.test"><img src="cid:<part2@x>"><img src="data:image/png;base64,AAAA">' +
        '<img src="data:text/html;base64,PHNjcmlwdD4=">',
    );
    expect(r.cids.sort()).toEqual(['logo@mail.test', 'part2@x']);
    const srcs = [...parse(r.html).querySelectorAll('img')].map((i) => i.getAttribute('src'));
    expect(srcs).toEqual([
      'cid:Logo%40Mail.test',
      'cid:<part2@x>',
      'data:image/png;base64,AAAA',
      null,
    ]);
  });

  it('puts the result in a frame document whose CSP allows remote content only when asked', () => {
    const doc = parse(frameDocument('<p>x</p>', false));
    const csp = doc.querySelector('meta[http-equiv="Content-Security-Policy"]');
    expect(csp?.getAttribute('content')).toBe(FRAME_CSP_BLOCKED);
    // Blocked: the message's own styles apply, and nothing at all is fetched (every other
    // kind of request falls back to default-src 'none'; 'unsafe-inline' admits no @import).
    expect(directives(FRAME_CSP_BLOCKED)).toEqual({
      'default-src': ["'none'"],
      'img-src': ['data:', 'cid:'],
      'style-src': ["'unsafe-inline'"],
    });
    expect(directives(FRAME_CSP_REMOTE)['style-src']).toEqual(["'unsafe-inline'"]);
    expect(
      parse(frameDocument('', true)).querySelector('meta[http-equiv]')?.getAttribute('content'),
    ).toBe(FRAME_CSP_REMOTE);
    expect(FRAME_CSP_REMOTE).not.toMatch(/script-src|connect-src|font-src|frame-src/);
    // The sandbox never lets the message run scripts, submit forms, open popups or navigate the app.
    expect(FRAME_SANDBOX).not.toMatch(/allow-(scripts|forms|popups|top-navigation|modals)/);
  });
});
