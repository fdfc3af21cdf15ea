// The words of HTML mail are found by search, through the real sync from a real Dovecot and
// the contract's message.search: HTML-only mail, multipart/related with inline images (small,
// and large enough that only the text parts are fetched), an alternative whose text part is a
// stub, entities and <br>-joined words; and words that only markup holds are not found. Each
// message is stored headers first and its body later (the sync's two phases), so the index
// row must be brought up to date when the body comes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDovecot, type DovecotServer } from '../support/dovecot.js';
import { dayAt } from '../support/mail.js';
import { accountInput, openService, type TestService } from '../support/service.js';

let server: DovecotServer;
let t: TestService;
let n = 0;

function message(subject: string, contentType: string, body: string): Buffer {
  const head = [
    'From: Shop <news@shop.example>',
    'To: Bob <bob@example.test>',
    `Subject: ${subject}`,
    `Date: ${dayAt(++n).toUTCString()}`,
    `Message-ID: <html-${n}@maildock.test>`,
    'MIME-Version: 1.0',
    `Content-Type: ${contentType}`,
  ];
  return Buffer.from(`${head.join('\r\n')}\r\n\r\n${body.replace(/\r?\n/g, '\r\n')}\r\n`);
}

const part = (headers: string[], body: string) => `${headers.join('\r\n')}\r\n\r\n${body}`;
const multipart = (boundary: string, parts: string[]) =>
  parts.map((p) => `--${boundary}\r\n${p}\r\n`).join('') + `--${boundary}--`;

function base64(bytes: Buffer): string {
  return bytes.toString('base64').replace(/.{76}/g, '$&\r\n');
}

const page = (inner: string) =>
  '<!DOCTYPE html><html><head><meta charset="utf-8"><title>titleonlyword</title>' +
  '<style>.hero { color: #333 } /* styleonlyword */</style></head><body>' +
  `<table width="600"><tr><td>${inner}</td></tr></table>` +
  '<script>var scriptonlyword = 1;</script></body></html>';

const related = (word: string, image: Buffer) =>
  multipart('rel', [
    part(
      ['Content-Type: text/html; charset=utf-8'],
      page(`<img src="cid:logo@shop" width="120"><p>Our ${word} collection</p>`),
    ),
    part(
      [
        'Content-Type: image/png; name="logo.png"',
        'Content-Transfer-Encoding: base64',
        'Content-ID: <logo@shop>',
        'Content-Disposition: inline; filename="logo.png"',
      ],
      base64(image),
    ),
  ]);

const MESSAGES: Buffer[] = [
  message(
    'HTML only',
    'text/html; charset=utf-8',
    page('<h1>Spring sale</h1><p>Every <b>quokka</b> plush is half price.</p>'),
  ),
  message(
    'Related, small image',
    'multipart/related; boundary="rel"; type="text/html"',
    related('wombat', Buffer.alloc(200, 3)),
  ),
  // Over the size where the sync fetches only the text parts of a message.
  message(
    'Related, large image',
    'multipart/related; boundary="rel"; type="text/html"',
    related('platypus', Buffer.alloc(60_000, 5)),
  ),
  message(
    'Alternative with a stub text part',
    'multipart/alternative; boundary="alt"',
    multipart('alt', [
      part(
        ['Content-Type: text/plain; charset=utf-8'],
        'View this email in your browser: https://shop.example/v/1',
      ),
      part(
        ['Content-Type: text/html; charset=utf-8'],
        page('<p>Meet the <i>numbat</i> family, new this week in every store.</p>'),
      ),
    ]),
  ),
  message(
    'Entities',
    'text/html; charset=utf-8',
    page(
      '<p>Caf&eacute;&nbsp;bilby &amp; friends</p><div>first line<br>echidna<br/>second</div>' +
        '<p>tui&#8203;kea &#x1F426;</p>',
    ),
  ),
  message(
    'Newsletter, text and HTML alike',
    'multipart/alternative; boundary="alt"',
    multipart('alt', [
      part(
        ['Content-Type: text/plain; charset=utf-8'],
        'The dingo report.\n\n' + 'More. '.repeat(300),
      ),
      part(
        ['Content-Type: text/html; charset=utf-8'],
        page('<p>The dingo report.</p>' + '<p>More.</p>'.repeat(300)),
      ),
    ]),
  ),
];

beforeAll(async () => {
  server = await startDovecot();
  await server.loadMaildir(
    'INBOX',
    MESSAGES.map((raw) => ({ raw })),
  );
  t = await openService();
  await t.call('account.add', accountInput(server));
  expect(await t.call('sync.run')).toMatchObject({
    messages: MESSAGES.length,
    bodies: MESSAGES.length,
    errors: [],
  });
}, 60_000);

afterAll(async () => {
  await t?.close();
  await server?.stop();
});

async function subjectsFound(query: string): Promise<string[]> {
  const { hits } = await t.call('message.search', { query, limit: 50 });
  return hits.map((h) => h.message.subject).sort();
}

describe('search finds the text of HTML mail', () => {
  it.each([
    ['quokka', 'HTML only'],
    ['wombat', 'Related, small image'],
    ['platypus', 'Related, large image'],
    ['numbat', 'Alternative with a stub text part'],
    ['bilby', 'Entities'],
    ['dingo', 'Newsletter, text and HTML alike'],
  ])('a word only in the body: %s', async (word, subject) => {
    expect(await subjectsFound(word)).toEqual([subject]);
  });

  it('decodes entities and keeps words apart at &nbsp;, <br> and zero-width spaces', async () => {
    for (const query of ['café', 'cafe', 'echidna', 'tui kea', '"first line echidna second"']) {
      expect(await subjectsFound(query), query).toEqual(['Entities']);
    }
    expect(await subjectsFound('lineechidna')).toEqual([]);
  });

  it('does not find what only <title>, <style> or <script> hold', async () => {
    for (const word of ['titleonlyword', 'styleonlyword', 'scriptonlyword', 'color']) {
      expect(await subjectsFound(word), word).toEqual([]);
    }
  });

  it('every word the list shows in a snippet is found by search', async () => {
    const { messages } = await t.call('message.list', { path: 'INBOX', limit: 50 });
    expect(messages).toHaveLength(MESSAGES.length);
    const htmlOnly = messages.find((m) => m.subject === 'HTML only')!;
    expect(htmlOnly.snippet).toBe('Spring sale Every quokka plush is half price.');
    for (const m of messages) {
      expect(m.snippet, m.subject).not.toBe('');
      for (const word of m.snippet.match(/[\p{L}\p{N}]+/gu) ?? []) {
        expect(await subjectsFound(word), `${word} in ${m.subject}`).toContain(m.subject);
      }
    }
  });

  it('shows the match in the search snippet', async () => {
    const { hits } = await t.call('message.search', { query: 'platypus' });
    expect(hits[0]!.snippet).toContain('Our platypus collection');
    const [start, end] = hits[0]!.highlights[0]!;
    expect(hits[0]!.snippet.slice(start, end).toLowerCase()).toBe('platypus');
  });
});
