// Header text in encoded words (RFC 2047), raw 8-bit, and attachment names in RFC 2231
// parameters.
import { encodeText, type Codec } from './real-mail-charsets.js';
import type { Family } from './real-mail-context.js';
import {
  base64,
  cat,
  CRLF,
  crlf,
  encodedWords,
  entity,
  multipart,
  qWord,
  textPart,
} from './real-mail-mime.js';
import { FILLER, type Script } from './real-mail-words.js';

export const encodedSubjects: Family = {
  name: 'RFC 2047 subject',
  make(c, v) {
    const [word, native] = [c.word(), c.native(v % 2 ? 'latin1' : 'cyrillic')];
    const text = `${c.rng.pick(['Re: ', 'AW: ', 'Fwd: ', ''])}${native} ${word} ${c.rng.pick(FILLER.en)}`;
    const kind = v % 4;
    let raw: string;
    let detail: string;
    if (kind === 0) {
      raw = encodedWords(text, 'utf-8', 'utf-8', 'Q').replace(/\?Q\?/g, '?q?');
      detail = 'lower-case q, folded';
    } else if (kind === 1) {
      // An encoded word, then plain text: the space between them stays.
      const [head, ...rest] = text.split(' ');
      raw = `${encodedWords(head!, 'utf-8', 'UTF-8', 'B')} ${rest.join(' ')}`;
      detail = 'encoded word then plain text';
    } else if (kind === 2) {
      // One encoded word per word, each on its own line: the folds between them vanish.
      raw = text
        .split(' ')
        .map((w, i, all) =>
          encodedWords(
            i < all.length - 1 ? `${w} ` : w,
            'utf-8',
            'UTF-8',
            c.rng.chance(0.5) ? 'B' : 'Q',
          ),
        )
        .join(`${CRLF}\t`);
      detail = 'adjacent words, B and Q mixed, tab folds';
    } else {
      // RFC 2231 language in the encoded word.
      raw = `=?UTF-8*en?Q?${qWord(Buffer.from(text))}?=`;
      detail = 'language tag';
    }
    return {
      detail,
      raw: c.simple(raw, c.prose(3, [c.word()])),
      expect: { subject: text, words: [word, native] },
    };
  },
};

/** Multibyte characters cut in two between adjacent encoded words, as some mailers split. */
export const splitMultibyte: Family = {
  name: 'RFC 2047 multibyte split across words',
  weight: 2,
  make(c, v) {
    const options: [Codec, string, Script][] = [
      ['utf-8', 'UTF-8', 'katakana'],
      ['shift_jis', 'Shift_JIS', 'katakana'],
      ['euc-kr', 'EUC-KR', 'hangul'],
      ['utf-8', 'utf-8', 'cyrillic'],
      ['gbk', 'GBK', 'hanzi'],
    ];
    const [codec, label, script] = options[v % options.length]!;
    const [word, native] = [c.word(), c.native(script)];
    const text = `${native} ${word} ${c.native(script)}`;
    const bytes = encodeText(text, codec);
    const mode = v % 2 ? 'Q' : 'B';
    const words: string[] = [];
    // Odd cut points, so that cuts fall inside characters.
    for (let i = 0; i < bytes.length;) {
      const n = c.rng.int(3, 7);
      const chunk = bytes.subarray(i, i + n);
      words.push(
        mode === 'B'
          ? `=?${label}?B?${chunk.toString('base64')}?=`
          : `=?${label}?Q?${qWord(chunk)}?=`,
      );
      i += n;
    }
    return {
      detail: `${label}, ${mode}, ${words.length} words`,
      raw: c.simple(words.join(`${CRLF} `), c.prose(2, [c.word()])),
      expect: { subject: text, words: [word, native] },
    };
  },
};

/** Broken encoded words: the plain words around them must survive. */
export const malformedEncodedWords: Family = {
  name: 'RFC 2047 malformed',
  weight: 2,
  make(c, v) {
    const words = [c.word(), c.word(), c.word()];
    const shapes: [string, string][] = [
      ['no terminator', `=?utf-8?Q?caf=C3=A9_ol=C3=A9`],
      ['unknown charset', `=?x-klingon?Q?qapla=21?=`],
      ['bad base64', `=?utf-8?B?w6k!!*@?=`],
      ['empty word', `=?utf-8?B??=`],
      ['glued to text', `pre=?utf-8?Q?caf=C3=A9?=post`],
      ['unknown encoding', `=?utf-8?X?abc?=`],
      ['encoded word inside quotes', `"=?utf-8?Q?caf=C3=A9?="`],
      ['bad hex in Q', `=?iso-8859-1?Q?caf=E9=ZZ=4?=`],
    ];
    // Two malformations a message, so that every one is in the corpus.
    const [a, b] = [shapes[(2 * v) % shapes.length]!, shapes[(2 * v + 1) % shapes.length]!];
    return {
      detail: `${a[0]}, ${b[0]}`,
      raw: c.simple(`${words[0]} ${a[1]} ${words[1]} ${b[1]} ${words[2]}`, c.prose(2)),
      expect: { words },
    };
  },
};

/** Unencoded 8-bit header text: UTF-8 (RFC 6532, common now) and Latin-1 (old mailers). */
export const rawHeaders: Family = {
  name: 'unencoded 8-bit headers',
  make(c, v) {
    const utf8 = v % 2 === 0;
    const script = utf8 ? c.rng.pick(['cyrillic', 'katakana', 'latin2'] as const) : 'latin1';
    const [word, native, name] = [c.word(), c.native(script), c.native(script)];
    const subject = `${native} ${word}`;
    const codec = utf8 ? 'utf-8' : 'iso-8859-1';
    return {
      detail: utf8 ? `UTF-8 ${script}` : 'Latin-1',
      raw: c.mail({
        subject: encodeText(subject, codec),
        from: cat(encodeText(`${name} `, codec), '<raw@example.test>'),
        content: [`Content-Type: text/plain; charset=${utf8 ? 'utf-8' : 'iso-8859-1'}`],
        body: encodeText(crlf(c.prose(3)), codec),
      }),
      expect: utf8
        ? { subject, words: [word, native, name] }
        : {
            words: [word],
            gap: {
              why: 'raw 8-bit header text that is not UTF-8 is not read as the message charset',
              subject,
              words: [native, name],
            },
          },
    };
  },
};

/** Senders whose display names are encoded words (searching by sender must decode them). */
export const encodedSenders: Family = {
  name: 'RFC 2047 sender names',
  make(c, v) {
    const [nameWord, native] = [c.word(), c.native(v % 2 ? 'latin2' : 'hangul')];
    const name = `${native} ${nameWord}`;
    const codec: Codec = v % 2 ? 'iso-8859-2' : 'euc-kr';
    const label = v % 2 ? 'ISO-8859-2' : 'EUC-KR';
    const encoded = encodedWords(name, codec, label, v % 4 < 2 ? 'B' : 'Q');
    const forms = [
      `${encoded} <named@example.test>`,
      // Quoted encoded words are against RFC 2047, and everywhere.
      `"${encoded.replace(/\r\n /g, ' ')}" <named@example.test>`,
    ];
    const subject = `${c.rng.pick(FILLER.en)} ${c.word()}`;
    return {
      detail: `${label}, ${v % 4 < 2 ? 'B' : 'Q'}${v % 3 === 1 ? ', quoted' : ''}`,
      raw: c.mail({
        subject,
        from: forms[v % 3 === 1 ? 1 : 0],
        content: ['Content-Type: text/plain; charset=utf-8'],
        body: crlf(c.prose(3)),
      }),
      expect: { subject, words: [nameWord, native] },
    };
  },
};

const pct = (bytes: Buffer) =>
  [...bytes]
    .map((b) =>
      /[A-Za-z0-9._-]/.test(String.fromCharCode(b)) && b < 0x80
        ? String.fromCharCode(b)
        : `%${b.toString(16).toUpperCase().padStart(2, '0')}`,
    )
    .join('');

export const filenames: Family = {
  name: 'attachment file names',
  weight: 2,
  make(c, v) {
    const word = c.word();
    const shape = v % 6;
    // Large attachments are left on the server: their names come from BODYSTRUCTURE.
    const large = (v + Math.floor(v / 6)) % 2 === 1;
    const stem = c.word();
    let name: string;
    let params: string;
    let detail: string;
    if (shape === 0) {
      name = `\u20ac rates ${c.native('katakana')} ${stem}.xlsx`;
      const bytes = Buffer.from(name);
      const cuts: string[] = [];
      for (let i = 0, n = 0; i < bytes.length; n++) {
        // Cut only between characters: a continuation holds whole characters (RFC 2231).
        let end = Math.min(bytes.length, i + 10);
        while (end < bytes.length && (bytes[end]! & 0xc0) === 0x80) end++;
        cuts.push(`filename*${n}*=${n === 0 ? "utf-8''" : ''}${pct(bytes.subarray(i, end))}`);
        i = end;
      }
      params = cuts.join(`;${CRLF} `);
      detail = 'RFC 2231 continuations, UTF-8';
    } else if (shape === 1) {
      name = `r\u00e9sum\u00e9 ${stem}.doc`;
      params = `filename*=iso-8859-1'fr'${pct(Buffer.from(name, 'latin1'))}`;
      detail = 'RFC 2231, ISO-8859-1 with language';
    } else if (shape === 2) {
      name = `quarterly report for the board of directors ${stem}.pdf`;
      params = `filename*0="quarterly report for the ";${CRLF} filename*1="board of directors ${stem}.pdf"`;
      detail = 'RFC 2231 continuations, no charset';
    } else if (shape === 3) {
      name = `\u0441\u0447\u0451\u0442 ${stem}.pdf`;
      params = `filename="${encodedWords(name, 'utf-8', 'UTF-8', 'B').replace(/\r\n /g, ' ')}"`;
      detail = 'encoded word in quotes (Outlook, Gmail)';
    } else if (shape === 4) {
      name = `Pr\u00e9sentation ${stem}.pptx`;
      const bytes = Buffer.from(name);
      params = `filename*0*=UTF-8''${pct(bytes.subarray(0, 6))};${CRLF} filename*1="${bytes.subarray(6).toString('utf8')}"`;
      detail = 'encoded then plain continuation';
    } else {
      name = `${stem}_notes.txt`;
      params = `filename=${name}`;
      detail = 'unquoted token';
    }
    const b = c.boundary();
    const payload = c.rng.bytes(large ? c.rng.int(40_000, 70_000) : c.rng.int(200, 4000));
    const file = entity(
      [
        `Content-Type: application/octet-stream`,
        'Content-Transfer-Encoding: base64',
        `Content-Disposition: attachment;${CRLF} ${params}`,
      ],
      base64(payload),
    );
    const subject = `${c.rng.pick(['The file you asked for', 'Documents', 'Re: slides'])} ${c.word()}`;
    return {
      detail: `${detail}${large ? ', large' : ''}`,
      raw: c.mail({
        subject,
        content: [`Content-Type: multipart/mixed; boundary="${b}"`],
        body: multipart(b, [textPart(c.rng, 'plain', c.prose(3, [word])), file]),
      }),
      expect: { subject, words: [word], attachments: 1, filenames: [name] },
    };
  },
};
