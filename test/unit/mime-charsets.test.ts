// Text in the charset mail really has, whatever its label says or leaves out: parseBody must
// show it as its sender wrote it, never as U+FFFD where a careful reader shows letters.
import { describe, expect, test } from 'vitest';
import { parseBody } from '../../main/core/mime/parse.js';

const mail = (...lines: (string | Buffer)[]): Buffer =>
  Buffer.concat(
    lines.flatMap((l, i) => [i ? Buffer.from('\r\n') : Buffer.alloc(0), Buffer.from(l)]),
  );

// “The šœ plan” – café €40… in windows-1252: curly quotes, š, œ, a dash, é, € and … are
// bytes 0x80-0xff, most of them in the range ISO-8859-1 leaves to control characters.
const CP1252_TEXT = '\u201cThe \u0161\u0153 plan\u201d \u2013 caf\u00e9 \u20ac40\u2026';
const CP1252_BYTES = Buffer.from(
  '93546865209a9c20706c616e9420962063616 6e920803430 85'.replace(/ /g, ''),
  'hex',
);

test('the windows-1252 bytes above are that text', () => {
  // Latin-1 agrees from 0xa0 up; the rest is spelled out so the test does not lean on a decoder.
  expect(CP1252_BYTES.length).toBe(25);
  expect(CP1252_TEXT.length).toBe(25);
});

describe('8-bit text labelled us-ascii', () => {
  test.each(['us-ascii', 'US-ASCII', '"us-ascii"', 'ascii'])(
    'charset=%s over windows-1252 bytes reads as windows-1252',
    async (label) => {
      const body = await parseBody(
        mail(
          `Content-Type: text/plain; charset=${label}`,
          'Content-Transfer-Encoding: 8bit',
          '',
          CP1252_BYTES,
          '',
        ),
      );
      expect(body.text).toBe(`${CP1252_TEXT}\n`);
    },
  );

  test('quoted-printable too', async () => {
    const qp = [...CP1252_BYTES]
      .map((b) =>
        b < 0x80 && b !== 0x3d
          ? String.fromCharCode(b)
          : `=${b.toString(16).toUpperCase().padStart(2, '0')}`,
      )
      .join('');
    const body = await parseBody(
      mail(
        'Content-Type: text/plain; charset=us-ascii',
        'Content-Transfer-Encoding: quoted-printable',
        '',
        qp,
        '',
      ),
    );
    expect(body.text).toBe(`${CP1252_TEXT}\n`);
  });

  test('over valid UTF-8 it reads as UTF-8, what such a sender meant', async () => {
    const body = await parseBody(
      mail('Content-Type: text/plain; charset=us-ascii', '', 'Grüße — Привет', ''),
    );
    expect(body.text).toBe('Grüße — Привет\n');
  });

  test('plain ASCII is unchanged', async () => {
    const body = await parseBody(
      mail('Content-Type: text/plain; charset=us-ascii', '', 'Hello there', ''),
    );
    expect(body.text).toBe('Hello there\n');
  });
});

describe('8-bit text with no charset', () => {
  const shapes: [string, string[]][] = [
    ['no MIME at all', ['Subject: hi']],
    ['no Content-Type', ['MIME-Version: 1.0']],
    ['text/plain without charset', ['MIME-Version: 1.0', 'Content-Type: text/plain']],
    ['an unknown charset', ['MIME-Version: 1.0', 'Content-Type: text/plain; charset=unknown-8bit']],
  ];

  test.each(shapes)('%s: bytes that are not UTF-8 read as windows-1252', async (_, header) => {
    const body = await parseBody(mail(...header, '', CP1252_BYTES, ''));
    expect(body.text).toBe(`${CP1252_TEXT}\n`);
  });

  test.each(shapes)('%s: valid UTF-8 stays UTF-8', async (_, header) => {
    const body = await parseBody(mail(...header, '', 'Ελληνικά 日本語 café 😀', ''));
    expect(body.text).toBe('Ελληνικά 日本語 café 😀\n');
  });

  test('a delivery report with no charset is read the same way', async () => {
    const body = await parseBody(
      mail(
        'MIME-Version: 1.0',
        'Content-Type: multipart/report; report-type=delivery-status; boundary="r"',
        '',
        '--r',
        'Content-Type: message/delivery-status',
        '',
        Buffer.concat([Buffer.from('Diagnostic-Code: smtp; 550 '), CP1252_BYTES]),
        '--r--',
        '',
      ),
    );
    expect(body.text).toContain(CP1252_TEXT);
  });

  test('a charset named in the header stays what it says, valid or not', async () => {
    const body = await parseBody(
      mail('Content-Type: text/plain; charset=utf-8', '', CP1252_BYTES, ''),
    );
    expect(body.text).toContain('\ufffd');
  });

  test('UTF-7 is still not decoded: its markup stays inert text', async () => {
    const body = await parseBody(
      mail(
        'Content-Type: text/html; charset=utf-7',
        '',
        '+ADw-script+AD4-alert(1)+ADw-/script+AD4-',
        '',
      ),
    );
    expect(body.html).not.toContain('<script>');
    expect(body.html).toContain('+ADw-script+AD4-');
  });
});

describe('HTML whose charset is only in its <meta>', () => {
  const html = (head: string, bytes: Buffer) =>
    Buffer.concat([
      Buffer.from(`<html><head>${head}</head><body><p>`),
      bytes,
      Buffer.from('</p></body></html>'),
    ]);

  test.each([
    ['<meta charset>', '<meta charset="windows-1252">'],
    [
      '<meta http-equiv>',
      '<meta http-equiv="Content-Type" content="text/html; charset=windows-1252">',
    ],
    [
      'unquoted, in capitals',
      '<META HTTP-EQUIV=Content-Type CONTENT="text/html; CHARSET=Windows-1252">',
    ],
  ])('%s is honoured', async (_, head) => {
    const body = await parseBody(
      mail(
        'Content-Type: text/html',
        'Content-Transfer-Encoding: 8bit',
        '',
        html(head, CP1252_BYTES),
        '',
      ),
    );
    expect(body.html).toContain(CP1252_TEXT);
    expect(body.snippet).toContain(CP1252_TEXT);
  });

  test('a charset unlike windows-1252 (KOI8-R)', async () => {
    // "Привет" in KOI8-R.
    const koi8 = Buffer.from('f0d2c9d7c5d4', 'hex');
    const body = await parseBody(
      mail('Content-Type: text/html', '', html('<meta charset="koi8-r">', koi8), ''),
    );
    expect(body.html).toContain('<p>Привет</p>');
  });

  test("the header's charset wins over the <meta>", async () => {
    const body = await parseBody(
      mail(
        'Content-Type: text/html; charset=utf-8',
        '',
        html('<meta charset="koi8-r">', Buffer.from('Привет')),
        '',
      ),
    );
    expect(body.html).toContain('<p>Привет</p>');
  });

  test('with no <meta> either, the bytes decide', async () => {
    const body = await parseBody(mail('Content-Type: text/html', '', html('', CP1252_BYTES), ''));
    expect(body.html).toContain(CP1252_TEXT);
  });

  test('an unknown <meta> charset is guessed from the bytes', async () => {
    const body = await parseBody(
      mail(
        'Content-Type: text/html',
        '',
        html('<meta charset="x-klingon">', Buffer.from('Привет')),
        '',
      ),
    );
    expect(body.html).toContain('<p>Привет</p>');
  });

  test('hostile markup: many unclosed <meta tags cost a bounded scan', async () => {
    const started = performance.now();
    const body = await parseBody(
      mail('Content-Type: text/html', '', '<meta '.repeat(100_000), CP1252_BYTES, ''),
    );
    expect(body.parseError).toBeNull();
    expect(body.html).toContain(CP1252_TEXT);
    expect(performance.now() - started).toBeLessThan(2000);
  });
});

describe('Latin-9 (ISO-8859-15)', () => {
  // € Š š Ž ž Œ œ Ÿ: where ISO-8859-15 differs from Latin-1 (and ISO-8859-9 from both).
  const LATIN9_BYTES = Buffer.from('a4a6a8b4b8bcbdbe', 'hex');
  const LATIN9_TEXT = '€ŠšŽžŒœŸ';

  test.each(['latin9', 'Latin-9', 'LATIN9', 'latin_9', 'iso-8859-15', 'l9'])(
    'a body labelled %s',
    async (label) => {
      const body = await parseBody(
        mail(`Content-Type: text/plain; charset=${label}`, '', LATIN9_BYTES, ''),
      );
      expect(body.text).toBe(`${LATIN9_TEXT}\n`);
    },
  );

  test('encoded words in the subject and a sender name', async () => {
    const body = await parseBody(
      mail(
        'Subject: =?latin9?Q?=A4_=BC=BD?= and =?Latin-9?B?prQ=?=',
        'From: =?LATIN9?Q?=A6ef?= <chef@example.test>',
        'Content-Type: text/plain',
        '',
        'Hello',
        '',
      ),
      {},
      { envelope: true },
    );
    expect(body.envelope?.subject).toBe('€ Œœ and ŠŽ');
    expect(body.envelope?.from).toEqual([{ name: 'Šef', address: 'chef@example.test' }]);
  });

  test('Latin-10 is ISO-8859-16', async () => {
    // Ș and ț, which only ISO-8859-16 has at 0xaa and 0xfe.
    const body = await parseBody(
      mail('Content-Type: text/plain; charset=latin10', '', Buffer.from('aafe', 'hex'), ''),
    );
    expect(body.text).toBe('Șț\n');
  });
});
