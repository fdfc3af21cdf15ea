import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { MaildockError } from '../../common/errors.js';
import { DEFAULT_MIME_LIMITS, parseBody } from '../../main/core/mime/parse.js';
import type { ParsedBody } from '../../main/core/mime/parse.js';
import { MimePool } from '../../main/core/mime/pool.js';
import { HOSTILE } from '../support/hostile-mime.js';

const mail = (...lines: string[]): Buffer => Buffer.from(lines.join('\r\n'));
const base64Lines = (buf: Buffer): string => buf.toString('base64').replace(/.{76}/g, '$&\r\n');

const PNG = Buffer.from(
  '89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489',
  'hex',
);
const PDF = Buffer.from('%PDF-1.4\n' + 'x'.repeat(5000) + '\n%%EOF\n');

// multipart/mixed( multipart/related( multipart/alternative(text, html), cid image ), pdf )
const NEWSLETTER = mail(
  'From: Alice <alice@example.test>',
  'To: bob@example.test',
  'Subject: Quarterly report',
  'MIME-Version: 1.0',
  'Content-Type: multipart/mixed; boundary="mixed"',
  '',
  '--mixed',
  'Content-Type: multipart/related; boundary="related"',
  '',
  '--related',
  'Content-Type: multipart/alternative; boundary="alt"',
  '',
  '--alt',
  'Content-Type: text/plain; charset=utf-8',
  'Content-Transfer-Encoding: quoted-printable',
  '',
  'Hi Bob,',
  '',
  'the   report for Q3 is attached. Revenue is up =E2=82=AC 12k, see the chart=',
  ' below.',
  '',
  '> On Monday you wrote:',
  '> can I have the numbers?',
  '',
  '--alt',
  'Content-Type: text/html; charset=utf-8',
  '',
  '<html><body><p>Hi Bob,</p><p>the report for Q3 is attached.</p><img src="cid:chart@example.test"></body></html>',
  '--alt--',
  '--related',
  'Content-Type: image/png; name="chart.png"',
  'Content-Transfer-Encoding: base64',
  'Content-ID: <chart@example.test>',
  'Content-Disposition: inline; filename="chart.png"',
  '',
  base64Lines(PNG),
  '--related--',
  '--mixed',
  'Content-Type: application/pdf; name="report.pdf"',
  'Content-Transfer-Encoding: base64',
  'Content-Disposition: attachment; filename="report.pdf"',
  '',
  base64Lines(PDF),
  '--mixed--',
  '',
);

function textMessage(contentType: string, encoding: string, body: string): Buffer {
  return mail(
    `Content-Type: ${contentType}`,
    `Content-Transfer-Encoding: ${encoding}`,
    '',
    body,
    '',
  );
}

describe('parseBody', () => {
  test('a multipart/alternative newsletter gives text, html, snippet and attachment metadata', async () => {
    const body = await parseBody(NEWSLETTER);
    expect(body.parseError).toBeNull();
    expect(body.text).toContain('Revenue is up € 12k, see the chart below.');
    expect(body.html).toContain('<img src="cid:chart@example.test">');
    expect(body.snippet).toBe(
      'Hi Bob, the report for Q3 is attached. Revenue is up € 12k, see the chart below.',
    );
    expect(body.attachments).toEqual([
      {
        partId: '1.2',
        filename: 'chart.png',
        contentType: 'image/png',
        size: PNG.length,
        contentId: 'chart@example.test',
        inline: true,
      },
      {
        partId: '2',
        filename: 'report.pdf',
        contentType: 'application/pdf',
        size: PDF.length,
        contentId: null,
        inline: false,
      },
    ]);
    expect(JSON.stringify(body)).not.toContain(PDF.toString('base64').slice(0, 40));
  });

  test.each([
    [
      'quoted-printable iso-8859-1',
      textMessage(
        'text/plain; charset=iso-8859-1',
        'quoted-printable',
        'Caf=E9 cr=E8me br=FBl=E9e, na=EFve ma=F1ana',
      ),
      'Café crème brûlée, naïve mañana',
    ],
    [
      'base64 iso-8859-1',
      textMessage(
        'text/plain; charset="ISO-8859-1"',
        'base64',
        Buffer.from('Grüße aus Köln', 'latin1').toString('base64'),
      ),
      'Grüße aus Köln',
    ],
    [
      'quoted-printable windows-1252',
      textMessage(
        'text/plain; charset=windows-1252',
        'quoted-printable',
        '=93Smart quotes=94 cost =8050 =96 that=92s all',
      ),
      '“Smart quotes” cost €50 – that’s all',
    ],
    [
      'base64 windows-1252',
      textMessage(
        'text/plain; charset=cp1252',
        'base64',
        Buffer.from([0x80, 0x20, 0x93, 0x6f, 0x6b, 0x94]).toString('base64'),
      ),
      '€ “ok”',
    ],
    [
      'quoted-printable utf-8 with a soft break',
      textMessage(
        'text/plain; charset=utf-8',
        'quoted-printable',
        'Gr=C3=BC=C3=9Fe aus =E6=97=A5=\r\n=E6=9C=AC =F0=9F=8E=89',
      ),
      'Grüße aus 日本 🎉',
    ],
    [
      'base64 utf-8',
      textMessage(
        'text/plain; charset=UTF-8',
        'base64',
        Buffer.from('Ελληνικά и русский').toString('base64'),
      ),
      'Ελληνικά и русский',
    ],
  ])('%s decodes', async (_name, source, expected) => {
    const body = await parseBody(source);
    expect(body.parseError).toBeNull();
    expect(body.text?.trim()).toBe(expected);
    expect(body.snippet).toBe(expected);
  });

  test('an HTML-only message gets a snippet without markup, styles, scripts or quoted replies', async () => {
    const html =
      '<html><head><title>T</title><style>p { color: red }</style></head><body>' +
      '<script>alert("x")</script><div>Tom &amp; Jerry&nbsp;&#8211;&#x20AC;5</div><p>second<br>line</p>' +
      '<blockquote>old <blockquote>older</blockquote> quoted</blockquote><p>after</p></body></html>';
    const body = await parseBody(textMessage('text/html; charset=utf-8', '7bit', html));
    expect(body.text).toBeNull();
    expect(body.html).toBe(html + '\n');
    expect(body.snippet).toBe('Tom & Jerry –€5 second line after');
  });

  test('the snippet is about 200 characters however long the text', async () => {
    const body = await parseBody(
      textMessage('text/plain', '7bit', 'lorem ipsum\t dolor '.repeat(2000)),
    );
    expect(body.snippet.length).toBeGreaterThan(190);
    expect(body.snippet.length).toBeLessThanOrEqual(200);
    expect(body.snippet).toMatch(/^lorem ipsum dolor lorem/);
  });

  test('text longer than maxTextChars is cut and says so', async () => {
    const body = await parseBody(textMessage('text/plain', '7bit', 'a'.repeat(5000)), {
      maxTextChars: 1000,
    });
    expect(body.text).toHaveLength(1000);
    expect(body.parseError).toMatch(/text cut to 1000 characters/);
  });

  test('a message over maxBytes is parsed up to the limit and says so', async () => {
    const source = textMessage('text/plain', '7bit', 'start ' + 'z'.repeat(10_000));
    const body = await parseBody(source, { maxBytes: 1000 });
    expect(body.text?.startsWith('start zzz')).toBe(true);
    expect(body.text!.length).toBeLessThan(1000);
    expect(body.parseError).toMatch(/over 1000 bytes/);
  });

  test('an empty source says so', async () => {
    expect(await parseBody(Buffer.alloc(0))).toMatchObject({
      text: null,
      parseError: 'empty message',
    });
  });

  test('a broken message that mailparser rejects resolves with the error, never throws', async () => {
    // A nested part's header over the limit fails inside mailparser (the top-level one is capped).
    const source = mail(
      'Content-Type: multipart/mixed; boundary=b',
      '',
      '--b',
      `X-Big: ${'q'.repeat(5000)}`,
      'Content-Type: text/plain',
      '',
      'x',
      '--b--',
    );
    const body = await parseBody(source, { maxHeaderBytes: 1024 });
    expect(body).toEqual({
      text: null,
      html: null,
      searchText: null,
      snippet: '',
      attachments: [],
      parseError: expect.stringMatching(/header size/i),
    });
  });

  // As Python's email tests have them (msg_17, msg_25, msg_41): a multipart whose delimiter
  // never comes, or that names no boundary, or a boundary cut short.
  const lostBoundary = (contentType: string, body: string) =>
    Buffer.from(
      `From: Barry <barry@example.test>\r\nSubject: fish\r\nMIME-Version: 1.0\r\n` +
        `Content-Type: ${contentType}\r\n\r\n${body}`,
    );

  test.each([
    ['a boundary that never appears', 'multipart/mixed; boundary="BOUNDARY"', 'multipart/mixed'],
    ['no boundary at all', 'multipart/alternative;', 'multipart/alternative'],
    [
      'a boundary cut short',
      'multipart/report; report-type=delivery-status;\r\n\tbo',
      'multipart/report',
    ],
  ])('reads a multipart with %s as plain text, and says so', async (_, type, named) => {
    const body = lostBoundary(type, 'Hi there,\r\n\r\nThis is the dingus fish, café.\r\n');
    const parsed = await parseBody(body);
    expect(parsed.text).toContain('This is the dingus fish, café.');
    expect(parsed.parseError).toContain(`${named} whose boundary never appears`);
    const latin1 = await parseBody(
      Buffer.concat([lostBoundary(type, 'caf'), Buffer.from([0xe9]), Buffer.from('\r\n')]),
    );
    expect(latin1.text?.trim()).toBe('café');
  });

  test('keeps a multipart whose only delimiter closes it unreadable: a preamble is never shown', async () => {
    const parsed = await parseBody(
      lostBoundary('multipart/mixed; boundary="b"', 'preamble words\r\n--b--\r\n'),
    );
    expect(parsed.text).toBeNull();
    expect(parsed.parseError).toMatch(/no readable part/);
  });
});

describe('MimePool', () => {
  let pool: MimePool;
  beforeAll(() => {
    pool = new MimePool({ size: 2 });
  });
  afterAll(() => pool.close());

  test('parses in a worker exactly as parseBody does, and leaves the source intact', async () => {
    const source = Buffer.from(NEWSLETTER);
    expect(await pool.parse(source)).toEqual(await parseBody(NEWSLETTER));
    expect(source.equals(NEWSLETTER)).toBe(true);
  });

  test('transfer hands the memory to the worker; handing it over twice rejects as INTERNAL', async () => {
    const source = Buffer.alloc(NEWSLETTER.length);
    NEWSLETTER.copy(source);
    const [first, again, next] = await Promise.allSettled([
      pool.parse(source, { transfer: true }),
      pool.parse(source, { transfer: true }),
      pool.parse(NEWSLETTER),
    ]);
    expect(source.length).toBe(0);
    expectNormal((first as PromiseFulfilledResult<ParsedBody>).value);
    expect(again).toMatchObject({ status: 'rejected', reason: { code: 'INTERNAL' } });
    expectNormal((next as PromiseFulfilledResult<ParsedBody>).value);
  });

  // What a reader must still see, or be told, for each attack.
  const expectations: Record<string, (b: ParsedBody) => void> = {
    manyParts: (b) => {
      expect(b.parseError).toMatch(/more than 500 MIME parts/);
      expect(b.text).toContain('MARKER many parts');
      expect(b.attachments.length).toBeGreaterThan(400);
      expect(b.attachments.length).toBeLessThanOrEqual(DEFAULT_MIME_LIMITS.maxParts);
    },
    deepNesting: (b) => expect(b.snippet).toBe('MARKER deep'),
    hugeHeader: (b) => {
      expect(b.parseError).toMatch(/header block over/);
      expect(b.snippet).toBe('MARKER huge header');
    },
    endlessHeaderLine: (b) => expect(b.parseError).toMatch(/header block over/),
    // No delimiter of the declared boundary comes: the body is read as text, the marker in it.
    wrongBoundary: (b) => {
      expect(b.parseError).toMatch(/boundary never appears/);
      expect(b.text).toContain('MARKER wrong boundary');
    },
    missingBoundary: (b) => {
      expect(b.parseError).toMatch(/boundary never appears/);
      expect(b.text).toContain('MARKER missing boundary');
    },
    unknownCharset: (b) => {
      expect(b.parseError).toBeNull();
      // A charset no decoder knows says no more than none: bytes that are not UTF-8 are read
      // as windows-1252.
      expect(b.snippet).toBe('MARKER unknown charset caf\u00e9');
    },
    truncatedBase64: (b) => {
      expect(b.snippet).toBe('MARKER truncated base64');
      expect(b.attachments).toHaveLength(1);
      expect(b.attachments[0]).toMatchObject({ filename: 'cut.png', contentType: 'image/png' });
      expect(b.attachments[0]!.size).toBeGreaterThan(10_000);
      expect(b.attachments[0]!.size).toBeLessThan(30_000);
    },
    nulBody: (b) => {
      expect(b.parseError).toMatch(/no readable part/);
      expect(`${b.text}${b.html}${b.snippet}`).not.toContain('\0');
    },
  };

  test.each(Object.keys(HOSTILE))(
    'hostile %s: bounded time and result, pool still works after',
    async (name) => {
      const source = HOSTILE[name]!();
      const started = performance.now();
      const body = await pool.parse(source);
      expect(performance.now() - started).toBeLessThan(10_000);
      expect(JSON.stringify(body).length).toBeLessThan(2 * DEFAULT_MIME_LIMITS.maxTextChars);
      expect(body.text?.length ?? 0).toBeLessThanOrEqual(DEFAULT_MIME_LIMITS.maxTextChars);
      expectations[name]!(body);
      expectNormal(await pool.parse(NEWSLETTER));
    },
  );

  test('every hostile message is covered by an expectation', () => {
    expect(Object.keys(expectations).sort()).toEqual(Object.keys(HOSTILE).sort());
  });
});

describe('MimePool failures', () => {
  // About 40 MB of base64: over a second of decoding, against a 150 ms budget.
  const slow = () =>
    Buffer.concat([
      mail(
        'Content-Type: multipart/mixed; boundary=z',
        '',
        '--z',
        'Content-Type: application/octet-stream',
        'Content-Transfer-Encoding: base64',
        '',
        '',
      ),
      Buffer.from(`${'A'.repeat(76)}\r\n`.repeat(520_000)),
      Buffer.from('--z--\r\n'),
    ]);

  test('a job over timeoutMs resolves with a timeout error; the queued job and later ones still parse', async () => {
    const pool = new MimePool({ size: 1, limits: { timeoutMs: 150 } });
    try {
      expectNormal(await pool.parse(NEWSLETTER));
      const started = performance.now();
      const [timedOut, queued] = await Promise.all([pool.parse(slow()), pool.parse(NEWSLETTER)]);
      expect(timedOut).toEqual({
        text: null,
        html: null,
        searchText: null,
        snippet: '',
        attachments: [],
        parseError: 'MIME parsing timed out after 150 ms',
      });
      expectNormal(queued);
      expect(performance.now() - started).toBeLessThan(10_000);
      expectNormal(await pool.parse(NEWSLETTER));
    } finally {
      await pool.close();
    }
  });

  test('a worker that runs out of memory resolves its job with the reason and is replaced', async () => {
    // Below about 48 MB V8 may abort the whole process instead of ending just the worker.
    const pool = new MimePool({
      size: 1,
      maxOldGenerationSizeMb: 64,
      limits: { timeoutMs: 30_000 },
    });
    try {
      const huge = Buffer.concat([
        mail('Content-Type: text/plain', '', ''),
        Buffer.alloc(40_000_000, 'word word word\r\n'),
      ]);
      const body = await pool.parse(huge);
      expect(body.text).toBeNull();
      expect(body.parseError).toMatch(/ERR_WORKER_OUT_OF_MEMORY/);
      expectNormal(await pool.parse(NEWSLETTER));
    } finally {
      await pool.close();
    }
  });

  test('close() rejects the running and the queued jobs with CANCELLED, and later calls too', async () => {
    const pool = new MimePool({ size: 1 });
    expectNormal(await pool.parse(NEWSLETTER));
    const outcome = (job: Promise<ParsedBody>) =>
      job.then(
        () => 'parsed',
        (e: unknown) => e,
      );
    const running = outcome(pool.parse(slow()));
    const queued = outcome(pool.parse(NEWSLETTER));
    await new Promise((r) => setTimeout(r, 50));
    await pool.close();
    for (const err of [await running, await queued, await outcome(pool.parse(NEWSLETTER))]) {
      expect(err).toBeInstanceOf(MaildockError);
      expect((err as MaildockError).code).toBe('CANCELLED');
    }
  });
});

function expectNormal(body: ParsedBody): void {
  expect(body.parseError).toBeNull();
  expect(body.snippet).toMatch(/^Hi Bob, the report for Q3 is attached/);
  expect(body.attachments.map((a) => a.filename)).toEqual(['chart.png', 'report.pdf']);
}
