// MIME as broken or odd senders write it: unclosed or empty multiparts, wrong transfer
// encodings, bad base64 and quoted-printable, mixed line endings, NUL bytes, odd headers.
import { encodeText } from './real-mail-charsets.js';
import type { Family } from './real-mail-context.js';
import {
  attachment,
  base64,
  CRLF,
  crlf,
  encodeBody,
  multipart,
  textPart,
} from './real-mail-mime.js';
import { FILLER } from './real-mail-words.js';

export const missingClose: Family = {
  name: 'multipart without its closing delimiter',
  make(c, v) {
    const [w1, w2] = [c.word(), c.word()];
    const b = c.boundary();
    const kind = v % 3;
    const subject = `${c.rng.pick(FILLER.en)} ${c.word()}`;
    let parts: Buffer[];
    let type: string;
    if (kind === 0) {
      type = 'alternative';
      parts = [
        textPart(c.rng, 'plain', c.prose(4, [w1, w2])),
        textPart(c.rng, 'html', `<p>${c.prose(4, [w1, w2])}</p>`),
      ];
    } else {
      type = 'mixed';
      parts = [
        textPart(c.rng, 'plain', c.prose(4, [w1, w2])),
        attachment('application/pdf', `${c.word()}.pdf`, c.rng.bytes(c.rng.int(500, 3000))),
      ];
    }
    return {
      detail: `${type}${kind === 2 ? ', cut mid-attachment' : ''}`,
      raw: c.mail({
        subject,
        content: [`Content-Type: multipart/${type}; boundary="${b}"`],
        body:
          kind === 2
            ? multipart(b, parts, { close: false }).subarray(0, -200)
            : multipart(b, parts, { close: false }),
      }),
      expect: { subject, words: [w1, w2] },
    };
  },
};

/** A multipart whose delimiter never comes: a gateway stripped it, or the body was rewritten. */
export const boundaryNeverPresent: Family = {
  name: 'multipart whose boundary never appears',
  make(c, v) {
    const subjectWord = c.word();
    const bodyWord = c.word();
    const subject = `${c.rng.pick(FILLER.en)} ${subjectWord}`;
    return {
      detail: v % 2 ? 'mixed' : 'alternative',
      raw: c.mail({
        subject,
        content: [
          `Content-Type: multipart/${v % 2 ? 'mixed' : 'alternative'}; boundary="${c.boundary()}"`,
        ],
        body: crlf(c.prose(5, [bodyWord])),
      }),
      // No delimiter ever comes, so the body is no preamble: Maildock reads it as plain text,
      // as other mail clients show such mail.
      expect: { subject, words: [subjectWord, bodyWord], attachments: 0 },
    };
  },
};

export const wrongTransferEncoding: Family = {
  name: 'wrong or odd Content-Transfer-Encoding',
  weight: 2,
  make(c, v) {
    const [w1, w2] = [c.word(), c.word()];
    const native = c.native('latin2');
    const subject = `${c.rng.pick(FILLER.en)} ${c.word()}`;
    const text = crlf(
      `${c.prose(4, [w1])}\n${native} ${w2}\nhttps://example.com/track?id=3D42&x=ab\n`,
    );
    const shapes: [string, string, Buffer, string[]][] = [
      [
        'quoted-printable declared, plain text sent',
        'quoted-printable',
        Buffer.from(text),
        [w1, w2, native],
      ],
      [
        'BASE64 in capitals with spaces',
        '  BASE64 ',
        Buffer.from(base64(Buffer.from(text))),
        [w1, w2, native],
      ],
      ['7bit declared, 8-bit UTF-8 sent', '7bit', Buffer.from(text), [w1, w2, native]],
      ['unknown x-token', 'x-gzip64', Buffer.from(text), [w1, w2, native]],
      ['binary', 'binary', Buffer.from(text), [w1, w2, native]],
      ['"8-bit" misspelt', '8-bit', Buffer.from(text), [w1, w2, native]],
      // Words are lost to the decoding here, in any reader: the subject is what is sure.
      ['base64 declared, plain text sent', 'base64', Buffer.from(text), []],
    ];
    const [detail, cte, body, words] = shapes[v % shapes.length]!;
    const subjectWord = subject.split(' ').pop()!;
    return {
      detail,
      raw: c.mail({
        subject,
        content: ['Content-Type: text/plain; charset=utf-8', `Content-Transfer-Encoding: ${cte}`],
        body,
      }),
      expect: { subject, words: [subjectWord, ...words] },
    };
  },
};

export const brokenBase64: Family = {
  name: 'broken base64 text',
  make(c, v) {
    const [w1, w2] = [c.word(), c.word()];
    const subject = `${c.rng.pick(FILLER.en)} ${c.word()}`;
    const text = Buffer.from(crlf(`${c.prose(3, [w1, w2])}\n\n${c.prose(c.rng.int(5, 30))}\n`));
    let encoded = base64(text);
    const kind = v % 4;
    let detail: string;
    if (kind === 0) {
      // Cut mid-line, several lines after the words.
      encoded = encoded.slice(
        0,
        Math.max(encoded.length - 150, Math.ceil(encoded.length * 0.7)) + 1,
      );
      detail = 'truncated mid-quantum';
    } else if (kind === 1) {
      encoded = encoded.replace(/=+$/, '');
      detail = 'padding missing';
    } else if (kind === 2) {
      encoded = encoded.replace(/(.{30})/g, '$1 ').replace(/(.{50})/g, '$1!');
      detail = 'stray spaces and ! inside lines';
    } else {
      encoded = base64(text, 64 + c.rng.int(0, 40));
      detail = 'odd line lengths';
    }
    return {
      detail,
      raw: c.mail({
        subject,
        content: ['Content-Type: text/plain; charset=utf-8', 'Content-Transfer-Encoding: base64'],
        body: encoded,
      }),
      expect: { subject, words: [w1, w2] },
    };
  },
};

export const badQuotedPrintable: Family = {
  name: 'quoted-printable with bad escapes',
  make(c, v) {
    const [w1, w2, w3] = [c.word(), c.word(), c.word()];
    const accented = c.native('latin1');
    const subject = `${c.rng.pick(FILLER.en)} ${c.word()}`;
    const cp1252 = v % 2 === 1;
    const qpWord = [...encodeText(accented, cp1252 ? 'windows-1252' : 'utf-8')]
      .map((b) => (b < 0x80 ? String.fromCharCode(b) : `=${b.toString(16)}`))
      .join('');
    const long = c.prose(40, [w3], 100_000);
    const lines = [
      `${c.prose(2, [w1])} costs 100=ZZ euros =`,
      `and 5=`,
      `0% more; =\t`,
      `lower-case hex: ${qpWord} =3d done`,
      long,
      `${w2} = end`,
      '=',
    ];
    return {
      detail: cp1252 ? 'windows-1252' : 'utf-8',
      raw: c.mail({
        subject,
        content: [
          `Content-Type: text/plain; charset=${cp1252 ? 'windows-1252' : 'utf-8'}`,
          'Content-Transfer-Encoding: quoted-printable',
        ],
        body: lines.join(CRLF),
      }),
      expect: { subject, words: [w1, w2, w3, accented] },
    };
  },
};

export const lineEndings: Family = {
  name: 'line endings',
  make(c, v) {
    const [w1, w2, w3] = [c.word(), c.word(), c.word()];
    const subject = `${c.rng.pick(FILLER.en)} ${c.word()}`;
    const b = c.boundary();
    const crlfMail = c.mail({
      subject,
      content: [`Content-Type: multipart/alternative; boundary="${b}"`],
      body: multipart(b, [
        textPart(c.rng, 'plain', c.prose(4, [w1, w2])),
        textPart(c.rng, 'html', `<div>${c.prose(4, [w1, w2, w3])}</div>`, {
          cte: 'quoted-printable',
        }),
      ]),
    });
    const text = crlfMail.toString('latin1');
    const kind = v % 3;
    let raw: string;
    if (kind === 0) raw = text.replace(/\r\n/g, '\n');
    else if (kind === 1) {
      // Header with CRLF, body with bare LF: a body rewritten by a Unix tool.
      const split = text.indexOf('\r\n\r\n');
      raw = text.slice(0, split + 4) + text.slice(split + 4).replace(/\r\n/g, '\n');
    } else {
      let i = 0;
      raw = text.replace(/\r\n/g, () => (i++ % 2 ? '\n' : '\r\n'));
    }
    return {
      detail: ['bare LF throughout', 'CRLF header, LF body', 'CRLF and LF alternating'][kind]!,
      raw: Buffer.from(raw, 'latin1'),
      expect: { subject, words: [w1, w2, w3] },
    };
  },
};

export const nulBytes: Family = {
  name: 'NUL bytes in the body',
  make(c, v) {
    const [w1, w2] = [c.word(), c.word()];
    const subject = `${c.rng.pick(FILLER.en)} ${c.word()}`;
    const text = `${c.prose(3, [w1])}\0\0 ${c.prose(2)} \0${w2}\0 ${c.prose(2)}\n`;
    const cte = v % 2 ? 'base64' : '8bit';
    return {
      detail: cte,
      raw: c.mail({
        subject,
        content: ['Content-Type: text/plain; charset=utf-8', `Content-Transfer-Encoding: ${cte}`],
        body: encodeBody(Buffer.from(crlf(text)), cte),
      }),
      expect: { subject, words: [w1, w2] },
    };
  },
};

export const contentTypeOddities: Family = {
  name: 'Content-Type oddities',
  weight: 2,
  make(c, v) {
    const [w1, w2] = [c.word(), c.word()];
    const native = c.native('cyrillic');
    const subject = `${c.rng.pick(FILLER.en)} ${c.word()}`;
    const shapes: [string, string[]][] = [
      ['no charset', ['Content-Type: text/plain']],
      ['capitals and quotes', ['Content-type: TEXT/PLAIN; CHARSET="UTF-8"; format=Flowed']],
      ['comment before parameter', ['Content-Type: text/plain; (generated) charset=utf-8']],
      ['no subtype', ['Content-Type: text; charset=utf-8']],
      [
        'duplicate, agreeing',
        ['Content-Type: text/plain', 'Content-Type: text/plain; charset=utf-8'],
      ],
      [
        'duplicate, second has charset',
        ['Content-Type: text/plain; charset=utf-8', 'Content-Type: text/plain'],
      ],
      ['trailing semicolon and spaces', ['Content-Type: text/plain ;  charset = utf-8 ;']],
      ['folded parameters', [`Content-Type: text/plain;${CRLF}\tcharset=utf-8;${CRLF}\tdelsp=no`]],
    ];
    const [detail, content] = shapes[v % shapes.length]!;
    return {
      detail,
      raw: c.mail({ subject, content, body: crlf(`${c.prose(3, [w1])}\n${native} ${w2}\n`) }),
      // RFC 2045 reads an invalid Content-Type as text/plain: the body is text, no attachment.
      expect:
        detail === 'no subtype'
          ? { subject, words: [w1, w2, native], attachments: 0 }
          : { subject, words: [w1, w2, native] },
    };
  },
};

export const emptyMultipart: Family = {
  name: 'multipart with no parts',
  make(c, v) {
    const subjectWord = c.word();
    const preambleWord = c.word();
    const subject = `${c.rng.pick(FILLER.en)} ${subjectWord}`;
    const b = c.boundary();
    const bodies = [
      `--${b}--${CRLF}`,
      `This is a multi-part message in MIME format. ${preambleWord}${CRLF}${CRLF}--${b}--${CRLF}`,
      '',
      `${CRLF}${CRLF}`,
    ];
    return {
      detail: [
        'closing delimiter only',
        'preamble and closing delimiter',
        'empty body',
        'blank lines',
      ][v % 4]!,
      raw: c.mail({
        subject,
        content: [`Content-Type: multipart/mixed; boundary="${b}"`],
        body: bodies[v % 4]!,
      }),
      expect: {
        subject,
        words: [subjectWord],
        absent: v % 4 === 1 ? [preambleWord] : [],
        attachments: 0,
        // A body with a delimiter and nothing else has nothing to show; an empty one is empty.
        unreadable: v % 4 < 2,
      },
    };
  },
};

/** A MIME preamble and epilogue are for readers that do not know MIME: never shown. */
export const preambleEpilogue: Family = {
  name: 'preamble and epilogue',
  make(c, v) {
    const [w1, w2, pre, post] = [c.word(), c.word(), c.word(), c.word()];
    const subject = `${c.rng.pick(FILLER.en)} ${c.word()}`;
    const b = c.boundary();
    const parts = [textPart(c.rng, 'plain', c.prose(3, [w1]))];
    if (v % 2) parts.push(textPart(c.rng, 'html', `<p>${c.prose(3, [w1, w2])}</p>`));
    else parts[0] = textPart(c.rng, 'plain', c.prose(3, [w1, w2]));
    return {
      detail: v % 2 ? 'alternative' : 'mixed',
      raw: c.mail({
        subject,
        content: [`Content-Type: multipart/${v % 2 ? 'alternative' : 'mixed'}; boundary="${b}"`],
        body: multipart(b, parts, {
          preamble: `This is a multi-part message in MIME format.${CRLF}${pre} ${c.prose(2)}`,
          epilogue: `${post} -- end of message`,
        }),
      }),
      expect: { subject, words: [w1, w2], absent: [pre, post], attachments: 0 },
    };
  },
};

/** format=flowed: soft line breaks join lines, and with delsp=yes a word split across them. */
export const formatFlowed: Family = {
  name: 'format=flowed',
  make(c, v) {
    const [w1, w2, w3] = [c.word(), c.word(), c.word()];
    const subject = `${c.rng.pick(FILLER.en)} ${c.word()}`;
    const delsp = v % 2 === 0;
    const cut = Math.floor(w2.length / 2);
    // With delsp=yes the space before a soft break is removed, joining the halves of w2.
    const split = delsp ? `${w2.slice(0, cut)} \n${w2.slice(cut)}` : `${w2} \nand`;
    const quoted = c.prose(2, [w3]).replace(/\n/g, '\n> ');
    // Two spaces before the quote's soft break: delsp=yes takes one, the words stay apart.
    const text = `${c.prose(2, [w1])}\n${split} more text here\n> ${quoted}  \n> quoted tail\n`;
    return {
      detail: delsp ? 'delsp=yes, word split' : 'delsp=no',
      raw: c.mail({
        subject,
        content: [
          `Content-Type: text/plain; charset=utf-8; format=flowed${delsp ? '; delsp=yes' : ''}`,
        ],
        body: crlf(text),
      }),
      expect: { subject, words: [w1, w2, w3] },
    };
  },
};

export const headersOnly: Family = {
  name: 'header without body',
  make(c, v) {
    const word = c.word();
    const subject = `${c.rng.pick(FILLER.en)} ${word}`;
    const full = c.simple(subject, '');
    // No blank line at all, or a blank line and nothing after it.
    const raw = v % 2 ? full : full.subarray(0, full.length - 2);
    return {
      detail: v % 2 ? 'blank line, no body' : 'no blank line',
      raw,
      expect: { subject, words: [word], attachments: 0 },
    };
  },
};
