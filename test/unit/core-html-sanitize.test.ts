// The server's sanitizer of message HTML (DOMPurify over one jsdom window, by the reader's
// rules) against hostile markup: what an API client gets by default must be safe to show as
// it comes, with remote content held back unless the user allowed it.
import { JSDOM } from 'jsdom';
import { describe, expect, it } from 'vitest';
import { HtmlSanitizer, SanitizedCache, sanitizeMailHtml } from '../../main/core/html/sanitize.js';
import { dangers, HOSTILE_HTML } from '../support/hostile-html.js';

const blocked = (html: string) => sanitizeMailHtml(html, { allowRemote: false });
const allowed = (html: string) => sanitizeMailHtml(html, { allowRemote: true });

/** Parses the output again, as a client showing it would. */
const parse = (html: string) => new JSDOM(html).window.document;

describe("the server's HTML mail sanitizer", () => {
  it.each(HOSTILE_HTML)('leaves nothing dangerous of: %s', async (_name, html) => {
    for (const out of [(await blocked(html)).html, (await allowed(html)).html]) {
      expect(dangers(parse(out))).toEqual([]);
      expect(out).not.toMatch(/javascript:|vbscript:|alert\(1\)[^<]*<\/script/i);
    }
  });

  it('keeps what a reader reads of a hostile message, and nothing that acts', async () => {
    const html =
      '<html><head><meta http-equiv="refresh" content="0;url=https://evil.test">' +
      '<script>steal()</script></head><body onload="steal()">' +
      '<h1 onclick="steal()">Your invoice</h1>' +
      '<p>Pay <a href="javascript:steal()">here</a> or <a href="https://shop.test/pay">there</a>.</p>' +
      '<form action="https://evil.test/login"><input type="password" name="p"><button>Sign in</button></form>' +
      '<svg><a xlink:href="javascript:steal()"><text>svg link</text></a></svg>' +
      '<math><maction actiontype="statusline" xlink:href="javascript:steal()">math</maction></math>' +
      '</body></html>';
    const out = (await blocked(html)).html;
    expect(out).not.toMatch(/steal|evil\.test|<(script|meta|form|input|button|svg|math)\b/i);
    const doc = parse(out);
    expect(doc.querySelector('h1')?.textContent).toBe('Your invoice');
    const links = [...doc.querySelectorAll('a')];
    expect(links.map((a) => a.getAttribute('href'))).toEqual([null, 'https://shop.test/pay']);
    expect(links.map((a) => a.textContent)).toEqual(['here', 'there']);
    expect(links[1]?.getAttribute('rel')).toBe('noopener noreferrer');
  });

  it('holds remote images and CSS back unless allowed, counting them, and keeps their place', async () => {
    const html =
      '<style>@import url("https://cdn.test/a.css"); p { color: red }</style>' +
      '<img src="https://cdn.test/logo.png" width="120" height="40" alt="Logo">' +
      '<img src="http://cdn.test/b.png" srcset="https://cdn.test/b2.png 2x">' +
      '<div style="background-image: url(https://cdn.test/bg.png); color: blue">x</div>' +
      '<table background="https://cdn.test/t.png"><tr><td>z</td></tr></table>';
    const held = await blocked(html);
    expect(held.html).not.toContain('cdn.test');
    expect(held.remoteBlocked).toBe(5);
    const doc = parse(held.html);
    const imgs = [...doc.querySelectorAll('img')];
    expect(imgs.map((i) => i.hasAttribute('src'))).toEqual([false, false]);
    expect(imgs[0]?.getAttribute('alt')).toBe('Logo');
    expect(imgs[0]?.getAttribute('width')).toBe('120');
    expect(held.html).toContain('color: red');
    expect(held.html).toContain('color: blue');

    const shown = await allowed(html);
    expect(shown.remoteBlocked).toBe(0);
    const srcs = [...parse(shown.html).querySelectorAll('img')].map((i) => i.getAttribute('src'));
    expect(srcs).toEqual(['https://cdn.test/logo.png', 'http://cdn.test/b.png']);
    expect(shown.html).toContain('https://cdn.test/bg.png');
    // srcset is never kept: one address per image, the one the rules looked at.
    expect(shown.html).not.toContain('b2.png');
  });

  it('removes tracking pixels even when remote images are allowed', async () => {
    const html =
      '<img src="https://t.test/o.gif?u=1" width="1" height="1">' +
      '<img src="https://x.sendgrid.net/wf/open?upn=abc">' +
      '<img src="https://cdn.test/photo.jpg" width="300" height="200">';
    for (const r of [await blocked(html), await allowed(html)]) {
      expect(r.trackersRemoved).toBe(2);
      expect(r.html).not.toMatch(/t\.test|sendgrid/);
      expect(parse(r.html).querySelectorAll('img')).toHaveLength(1);
    }
  });

  it("keeps the message's own cid: and data: images, and no other kind", async () => {
    const r = await blocked(
      '<img src="cid:Logo%40Mail.test"><img src="data:image/png;base64,AAAA">' +
        '<img src="data:text/html;base64,PHNjcmlwdD4="><img src="/api/x.png">',
    );
    expect(r.cids).toEqual(['logo@mail.test']);
    const srcs = [...parse(r.html).querySelectorAll('img')].map((i) => i.getAttribute('src'));
    expect(srcs).toEqual(['cid:Logo%40Mail.test', 'data:image/png;base64,AAAA', null, null]);
  });

  it('gives each call its own counts, however calls follow one another', async () => {
    const remote = (n: number) => '<img src="https://cdn.test/i.png">'.repeat(n);
    const results = await Promise.all(
      [1, 2, 3, 4, 5, 6].map((n) =>
        sanitizeMailHtml(remote(n), { allowRemote: n % 2 === 0 }).then((r) => [n, r] as const),
      ),
    );
    for (const [n, r] of results) {
      expect(r.remoteBlocked, `${n}`).toBe(n % 2 === 0 ? 0 : n);
      expect(parse(r.html).querySelectorAll('img[src]'), `${n}`).toHaveLength(n % 2 === 0 ? n : 0);
    }
  });

  it("skips jsdom's parsing of style attributes, three to five times the rest of its work", async () => {
    const own = new HtmlSanitizer();
    try {
      expect(own.inlineStylesSkipped).toBeNull();
      const styled = '<p style="color: red; background: url(https://cdn.test/a.png)">x</p>';
      expect((await own.sanitize(styled, { allowRemote: false })).html).toBe(
        '<p style="color: red; background: none">x</p>',
      );
      // Fails when an update of jsdom moves what the worker reaches for.
      expect(own.inlineStylesSkipped).toBe(true);
    } finally {
      await own.close();
    }
  });

  it('ends a call that runs past its time with TIMEOUT, and serves the next on a new worker', async () => {
    const own = new HtmlSanitizer();
    try {
      // Warm: the clock runs only once the worker is at the call.
      expect((await own.sanitize('<b>x</b>', { allowRemote: false })).html).toBe('<b>x</b>');
      own.timeoutMs = 1;
      const huge = '<p style="color: red"><img src="https://cdn.test/a.png">x</p>'.repeat(50_000);
      const err = await own.sanitize(huge, { allowRemote: false }).then(
        () => null,
        (e: unknown) => e,
      );
      expect(err).toMatchObject({ code: 'TIMEOUT', message: expect.stringContaining('1 ms') });
      own.timeoutMs = 60_000;
      const next = await own.sanitize('<p onclick="x()">after</p>', { allowRemote: false });
      expect(next.html).toBe('<p>after</p>');
    } finally {
      await own.close();
    }
    await expect(own.sanitize('<p>x</p>', { allowRemote: false })).rejects.toMatchObject({
      code: 'CANCELLED',
    });
  });

  it('keeps results by content and remote setting, the least recently used leaving first', () => {
    const mail = (html: string) => ({ html, remoteBlocked: 0, trackersRemoved: 0, cids: [] });
    const key = (html: string, allowRemote = false) => SanitizedCache.key(html, { allowRemote });
    expect(key('<p>a</p>')).not.toBe(key('<p>a</p>', true));
    expect(key('<p>a</p>')).not.toBe(key('<p>b</p>'));
    const cache = new SanitizedCache(90);
    cache.set(key('a'), mail('a'.repeat(20)));
    cache.set(key('b'), mail('b'.repeat(20)));
    cache.set(key('c'), mail('c'.repeat(20)));
    expect(cache.get(key('a'))?.html).toBe('a'.repeat(20));
    // Over 90 characters: b, the least recently used, goes.
    cache.set(key('d'), mail('d'.repeat(20)));
    cache.set(key('e'), mail('e'.repeat(20)));
    expect(cache.get(key('b'))).toBeUndefined();
    expect([key('a'), key('c'), key('d'), key('e')].map((k) => cache.get(k) !== undefined)).toEqual(
      [true, true, true, true],
    );
    // One result over a quarter of the bound would push out most of the rest: not kept.
    cache.set(key('f'), mail('f'.repeat(26)));
    expect(cache.get(key('f'))).toBeUndefined();
    expect(cache.size).toBe(4);
  });
});
