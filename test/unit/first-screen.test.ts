// The pure parts of the first screen the server of one person draws: the browser's view
// cookie as the server reads it (common/first-screen.ts), which
// time zones write dates alike and which languages a browser asks for
// (main/server/first-screen.ts), and how the page takes the markup and the answers
// (main/server/page.ts).
import type { FastifyRequest } from 'fastify';
import { describe, expect, it } from 'vitest';
import { formatViewCookie, parseViewCookie } from '../../common/first-screen.js';
import { languagesOf, sameTimeZone } from '../../main/server/first-screen.js';
import { jsonInScript, pageWithFirstScreen } from '../../main/server/page.js';

describe('the view cookie', () => {
  it('says what the server needs and reads back the same', () => {
    const view = { plain: true, timeZone: 'America/Argentina/Buenos_Aires' };
    expect(formatViewCookie(view)).toBe('plain=1&tz=America%2FArgentina%2FBuenos_Aires');
    expect(parseViewCookie(formatViewCookie(view))).toEqual(view);
    expect(parseViewCookie(formatViewCookie({ plain: false, timeZone: 'UTC' }))).toEqual({
      plain: false,
      timeZone: 'UTC',
    });
  });

  it('reads what it cannot understand as nothing said', () => {
    const none = { plain: false, timeZone: null };
    expect(parseViewCookie(undefined)).toEqual(none);
    expect(parseViewCookie('plain=yes&tz=../../etc/passwd%00')).toEqual(none);
    expect(parseViewCookie(`tz=${'A'.repeat(300)}`)).toEqual(none);
    expect(parseViewCookie('tz=%3Cscript%3E')).toEqual(none);
  });
});

describe('the server’s side', () => {
  it('takes time zones that write every date alike as the same', () => {
    expect(sameTimeZone('UTC', 'Etc/UTC')).toBe(true);
    expect(sameTimeZone('Europe/Berlin', 'Europe/Paris')).toBe(true);
    expect(sameTimeZone('UTC', 'Asia/Tokyo')).toBe(false);
    // The same offset in winter, not in summer.
    expect(sameTimeZone('Europe/London', 'Africa/Abidjan', Date.UTC(2026, 0, 10))).toBe(false);
    expect(sameTimeZone('Mars/Olympus_Mons', 'UTC')).toBe(false);
  });

  it('reads the browser’s languages most wanted first', () => {
    const req = (value?: string) =>
      ({ headers: value === undefined ? {} : { 'accept-language': value } }) as FastifyRequest;
    expect(languagesOf(req('fr;q=0.9, de-AT, en;q=0.5'))).toEqual(['de-AT', 'fr', 'en']);
    expect(languagesOf(req())).toEqual([]);
    expect(languagesOf(req('*'))).toEqual([]);
  });

  it('writes JSON that nothing in it can end its script element with', () => {
    const value = { s: '</script><!-- \u2028\u2029 <b>', n: [1, null] };
    const text = jsonInScript(value);
    expect(text).not.toMatch(/[<\u2028\u2029]/);
    expect(JSON.parse(text)).toEqual(value);
  });

  it('puts the markup in the root and the language on the page, literally', () => {
    const html =
      '<!doctype html><html lang="en"><head></head><body><div id="root"></div></body></html>';
    const first = {
      markup: "<p>$& $' $1</p>",
      language: 'de" onload="x',
      answers: [{ method: 'account.list', input: {}, envelope: { ok: true, value: '$&' } }],
    };
    const drawn = pageWithFirstScreen(html, first)!;
    expect(drawn.page).toBe(
      '<!doctype html><html lang="deonloadx"><head></head><body><div id="root">' +
        "<p>$& $' $1</p></div></body></html>",
    );
    expect(drawn.head).toBe(
      '<script type="application/json" id="maildock-first-answers">' +
        '[{"method":"account.list","input":{},"envelope":{"ok":true,"value":"$&"}}]</script>',
    );
    // A page without the empty root it expects is sent as it is.
    expect(pageWithFirstScreen('<html><body><main></main></body></html>', first)).toBeNull();
  });
});
