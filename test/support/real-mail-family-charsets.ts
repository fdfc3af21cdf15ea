// Bodies and sender names in the charsets of real mail: legacy ones labelled, mislabelled or
// unlabelled, UTF-7, and UTF-8 in each transfer encoding.
import { encodeText, type Codec } from './real-mail-charsets.js';
import type { Family } from './real-mail-context.js';
import {
  CRLF,
  crlf,
  encodeBody,
  encodedWords,
  multipart,
  textPart,
  type Chunk,
  type Cte,
} from './real-mail-mime.js';
import { FILLER, type Lang, type Script } from './real-mail-words.js';

const escapeHtml = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

interface CharsetSpec {
  codec: Codec;
  labels: string[];
  ctes: Cte[];
  lang: Lang;
  script: Script;
}

// codec, labels seen in real mail (the usual one first), transfer encodings (qp: quoted-printable,
// b64: base64), language, script
export const CHARSETS: CharsetSpec[] = (
  [
    ['iso-2022-jp', 'ISO-2022-JP iso-2022-jp', '7bit b64', 'ja', 'katakana'],
    ['shift_jis', 'Shift_JIS shift_jis x-sjis Windows-31J cp932', '8bit b64 qp', 'ja', 'katakana'],
    ['euc-jp', 'EUC-JP euc-jp', '8bit b64', 'ja', 'katakana'],
    ['euc-kr', 'EUC-KR ks_c_5601-1987 euc-kr', '8bit b64', 'ko', 'hangul'],
    ['gb2312', 'GB2312 gb2312', '8bit b64', 'zhs', 'hanzi'],
    ['gbk', 'GBK gbk x-gbk cp936', '8bit b64 qp', 'zhs', 'hanzi'],
    ['gb18030', 'GB18030 gb18030', '8bit b64', 'zhs', 'hanzi'],
    ['big5', 'Big5 big5 cp950', '8bit b64', 'zht', 'hanzi-trad'],
    ['koi8-r', 'KOI8-R koi8-r', '8bit qp b64', 'ru', 'cyrillic'],
    ['windows-1251', 'windows-1251 Windows-1251 cp1251', '8bit qp b64', 'ru', 'cyrillic'],
    ['iso-8859-2', 'ISO-8859-2 iso-8859-2 latin2', 'qp 8bit b64', 'pl', 'latin2'],
    ['iso-8859-15', 'ISO-8859-15 iso-8859-15 latin9', 'qp 8bit', 'fr', 'latin9'],
    ['windows-1252', 'windows-1252 Windows-1252 cp1252', 'qp 8bit b64', 'fr', 'cp1252'],
    ['iso-8859-7', 'ISO-8859-7 iso-8859-7', '8bit qp b64', 'el', 'greek'],
    ['windows-1255', 'windows-1255 iso-8859-8-i', '8bit b64', 'he', 'hebrew'],
    ['windows-1256', 'windows-1256', '8bit b64 qp', 'ar', 'arabic'],
  ] as [Codec, string, string, Lang, Script][]
).map(([codec, labels, ctes, lang, script]) => ({
  codec,
  labels: labels.split(' '),
  ctes: ctes.split(' ').map((e) => ({ qp: 'quoted-printable', b64: 'base64' })[e] ?? e) as Cte[],
  lang,
  script,
}));

export function charsetFamily(spec: CharsetSpec): Family {
  return {
    name: `charset ${spec.codec}`,
    make(c, v) {
      const label = spec.labels[v % spec.labels.length]!;
      const cte = spec.ctes[(v + c.rng.int(0, 2)) % spec.ctes.length]!;
      const layout = (['plain', 'html', 'alternative'] as const)[c.rng.int(0, 2)]!;
      const mode = c.rng.chance(0.6) ? 'B' : 'Q';
      const [subjectWord, bodyWord] = [c.word(), c.word()];
      const [subjectNative, bodyNative, senderNative, signature] = [1, 2, 3, 4].map(() =>
        c.native(spec.script),
      ) as [string, string, string, string];
      const subject = `${c.rng.pick(['', 'Re: ', 'Fwd: '])}${c.rng.pick(FILLER[spec.lang])} ${subjectNative} ${subjectWord}`;
      const text = `${c.nativeProse(spec.lang, c.rng.int(2, 12), [bodyNative, bodyWord])}\n\n-- \n${signature}\n`;
      const html =
        `<html><head><meta http-equiv="Content-Type" content="text/html; charset=${label}"></head>` +
        `<body>${text
          .split('\n')
          .map((l) => `<p>${escapeHtml(l)}</p>`)
          .join('\n')}</body></html>`;
      const part = (type: 'plain' | 'html', s: string) =>
        textPart(c.rng, type, s, { codec: spec.codec, label, cte });
      let content: Chunk[];
      let body: Buffer;
      if (layout === 'alternative') {
        const b = c.boundary();
        content = [`Content-Type: multipart/alternative; boundary="${b}"`];
        body = multipart(b, [part('plain', text), part('html', html)]);
      } else {
        const p = part(layout, layout === 'html' ? html : text);
        const split = p.indexOf('\r\n\r\n');
        content = p.subarray(0, split).toString('latin1').split(CRLF);
        body = p.subarray(split + 4);
      }
      const from = `${encodedWords(senderNative, spec.codec, label, mode)} <sender@example.test>`;
      return {
        detail: `${label}, ${cte}, ${layout}, subject ${mode}`,
        raw: c.mail({
          subject: encodedWords(subject, spec.codec, label, mode),
          from,
          content,
          body,
        }),
        expect:
          label === 'latin9'
            ? {
                words: [subjectWord, bodyWord, bodyNative, signature],
                attachments: 0,
                gap: {
                  why: "the server's envelope decodes encoded words labelled latin9 (ISO-8859-15) as ISO-8859-9",
                  subject,
                  words: [subjectNative, senderNative],
                },
              }
            : {
                subject,
                words: [subjectWord, subjectNative, bodyWord, bodyNative, senderNative, signature],
                attachments: 0,
              },
      };
    },
  };
}

/** Windows-1252 text (curly quotes, š, œ) labelled ISO-8859-1, as Outlook and webmail send. */
export const mislabelledLatin1: Family = {
  name: 'windows-1252 labelled iso-8859-1',
  make(c, v) {
    const [word, cp, latin] = [c.word(), c.native('cp1252-only'), c.native('latin1')];
    const label = ['iso-8859-1', 'ISO-8859-1', 'us-ascii'][v % 3]!;
    const cte = (['quoted-printable', '8bit'] as const)[c.rng.int(0, 1)]!;
    const text = `${c.prose(3, [word])}\n\u201cThe ${cp} plan\u201d \u2013 ${latin} \u20ac40\u2026\n`;
    const subject = `${c.rng.pick(FILLER.en)} ${c.word()}`;
    // Mail readers read both labels as windows-1252 (so does the WHATWG Encoding Standard).
    return {
      detail: `${label}, ${cte}`,
      raw: c.mail({
        subject,
        content: [
          `Content-Type: text/plain; charset=${label}`,
          `Content-Transfer-Encoding: ${cte}`,
        ],
        body: encodeBody(encodeText(crlf(text), 'windows-1252'), cte),
      }),
      expect: { subject, words: [word, cp, latin], attachments: 0 },
    };
  },
};

/** 8-bit UTF-8 with no charset anywhere: the default reading must be UTF-8. */
export const unlabelledUtf8: Family = {
  name: 'unlabelled 8-bit UTF-8',
  make(c, v) {
    const script = (['latin1', 'cyrillic', 'katakana', 'hangul'] as const)[v % 4]!;
    const [word, native] = [c.word(), c.native(script)];
    const variant = (['no Content-Type', 'text/plain without charset', 'no MIME-Version'] as const)[
      c.rng.int(0, 2)
    ];
    const subject = `${c.rng.pick(FILLER.en)} ${c.word()}`;
    return {
      detail: `${script}, ${variant}`,
      raw: c.mail({
        subject,
        content: variant === 'text/plain without charset' ? ['Content-Type: text/plain'] : [],
        noMimeVersion: variant === 'no MIME-Version',
        body: crlf(`${c.prose(4, [word])}\n${native} \u2014 ${c.prose(1)}\n`),
      }),
      expect: { subject, words: [word, native], attachments: 0 },
    };
  },
};

/** 8-bit Latin-1 body with no charset (old mailers, scripts). */
export const unlabelledLatin1: Family = {
  name: 'unlabelled 8-bit Latin-1',
  make(c, v) {
    const [word, latin] = [c.word(), c.native('latin1')];
    const subject = `${c.rng.pick(FILLER.en)} ${c.word()}`;
    return {
      detail: v % 2 ? 'text/plain without charset' : 'no MIME at all',
      raw: c.mail({
        subject,
        content: v % 2 ? ['Content-Type: text/plain'] : [],
        noMimeVersion: v % 2 === 0,
        body: encodeText(
          crlf(`${c.prose(4, [word])}\nCaf\u00e9 ${latin} cr\u00e8me.\n`),
          'iso-8859-1',
        ),
      }),
      // Not UTF-8, so read as windows-1252, which Latin-1 text is too.
      expect: { subject, words: [word, latin], attachments: 0 },
    };
  },
};

/** UTF-7 bodies: Maildock's parser refuses to decode UTF-7 (it can smuggle markup), so only
 * the ASCII words, which UTF-7 writes as themselves, are sure. */
export const utf7: Family = {
  name: 'utf-7',
  make(c, v) {
    const words = [c.word(), c.word()];
    const text = `${c.prose(3, words)}\nCaf\u00e9 \u00fcber \u20ac5 + more\n`;
    const subject = `${c.rng.pick(FILLER.en)} ${c.word()}`;
    return {
      detail: v % 2 ? 'UTF-7 label' : 'unicode-1-1-utf-7 label',
      raw: c.mail({
        subject,
        content: [`Content-Type: text/plain; charset=${v % 2 ? 'UTF-7' : 'unicode-1-1-utf-7'}`],
        body: encodeText(crlf(text), 'utf-7'),
      }),
      expect: { subject, words, attachments: 0 },
    };
  },
};

/** HTML whose only charset is its <meta>: the MIME header names none. */
export const htmlMetaCharset: Family = {
  name: 'HTML charset only in <meta>',
  make(c, v) {
    const utf8 = v % 2 === 0;
    const [word, native] = [c.word(), c.native(utf8 ? 'cyrillic' : 'latin1')];
    const html =
      `<html><head><meta charset="${utf8 ? 'utf-8' : 'windows-1252'}"></head>` +
      `<body><p>${c.prose(3, [word])}</p><p>${native}</p></body></html>`;
    const subject = `${c.rng.pick(FILLER.en)} ${c.word()}`;
    return {
      detail: utf8 ? 'utf-8' : 'windows-1252',
      raw: c.mail({
        subject,
        content: ['Content-Type: text/html', 'Content-Transfer-Encoding: 8bit'],
        body: encodeText(crlf(html), utf8 ? 'utf-8' : 'windows-1252'),
      }),
      expect: { subject, words: [word, native], attachments: 0 },
    };
  },
};

/** UTF-8 in base64 or quoted-printable, with every script at once and astral characters. */
export const utf8Encoded: Family = {
  name: 'utf-8 transfer-encoded',
  make(c, v) {
    const cte = (['base64', 'quoted-printable'] as const)[v % 2]!;
    const scripts: Script[] = ['latin2', 'cyrillic', 'greek', 'hangul', 'katakana', 'arabic'];
    const natives = scripts.slice(0, c.rng.int(2, 6)).map((s) => c.native(s));
    const word = c.word();
    const text = `${c.prose(c.rng.int(2, 20), [word])}\n${natives.join(' \ud83d\ude00 ')} \ud834\udd1e\n`;
    const subject = `\ud83d\udce6 ${natives[0]} ${c.word()}`;
    return {
      detail: `${cte}, ${natives.length} scripts`,
      raw: c.mail({
        subject: encodedWords(subject, 'utf-8', c.rng.pick(['UTF-8', 'utf-8', 'utf8']), 'B'),
        content: [
          `Content-Type: text/plain; charset=${c.rng.pick(['UTF-8', 'utf-8', '"utf-8"', 'utf8'])}`,
          `Content-Transfer-Encoding: ${cte}`,
        ],
        body: encodeBody(Buffer.from(crlf(text)), cte),
      }),
      expect: { subject, words: [word, ...natives], attachments: 0 },
    };
  },
};
