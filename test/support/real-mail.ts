// Real-world-shaped mail for Maildock's sync tests: legacy charsets, encoded words, broken
// MIME, huge headers, nested and signed messages, bounces, invites and the HTML of common
// senders. Every message comes from a seeded generator (the same seed gives the same bytes)
// and carries the made-up words a Maildock user must find in it after a full sync, and the
// words they must not find (what only markup, an attachment or a MIME preamble holds).
//
// Charsets are encoded with tables built from the WHATWG decoders Node ships (TextDecoder),
// not from the decoders Maildock's parser uses, so a message is checked against an
// independent reading of the charset. Each family of shapes says in its expectations what a
// reader must show; where Maildock falls short today, the shortfall is kept as a `gap`.

export interface RealExpect {
  /** The subject as the list must show it, when the header is well formed. */
  subject?: string;
  /** Each must be found by message.search after a full sync (with the others, or alone). */
  words: string[];
  /** Non-inline attachments the reader lists, when certain. */
  attachments?: number;
  /** Their file names, decoded, in order, when certain. */
  filenames?: string[];
  /** None may be found by message.search. */
  absent?: string[];
  /** No part of the body is one a reader can show: Maildock records it as unreadable. */
  unreadable?: boolean;
  /**
   * What a careful reader shows of this message and Maildock does not yet: reported, kept
   * here as data and not asserted, so that a fix can move it into the expectations above.
   */
  gap?: RealGap;
}

export interface RealGap {
  why: string;
  words?: string[];
  subject?: string;
  attachments?: number;
  hasAttachments?: boolean;
}

export interface RealMessage {
  /** The shape it exercises, unique within a corpus. */
  name: string;
  /** Its Message-ID, angle brackets included: how a test finds it among the synced ones. */
  messageId: string;
  raw: Buffer;
  date: Date;
  expect: RealExpect;
}

export interface RealMailOptions {
  count?: number;
  seed?: number;
}

/** No message of the corpus is larger. */
export const MAX_REAL_MESSAGE_BYTES = 200 * 1024;

class Rng {
  #state: number;

  constructor(seed: number) {
    this.#state = seed >>> 0 || 0x9e3779b9;
  }

  /** mulberry32: small, fast, and the same on every platform. */
  next(): number {
    let t = (this.#state = (this.#state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(list: readonly T[]): T {
    return list[Math.floor(this.next() * list.length)] as T;
  }

  shuffle<T>(list: T[]): T[] {
    for (let i = list.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      [list[i], list[j]] = [list[j] as T, list[i] as T];
    }
    return list;
  }

  bytes(n: number): Buffer {
    const out = Buffer.alloc(n);
    for (let i = 0; i < n; i++) out[i] = Math.floor(this.next() * 256);
    return out;
  }

  hex(n: number): string {
    return this.bytes(Math.ceil(n / 2))
      .toString('hex')
      .slice(0, n);
  }
}

type Codec =
  | 'utf-8'
  | 'iso-8859-1'
  | 'iso-2022-jp'
  | 'utf-7'
  | 'shift_jis'
  | 'euc-jp'
  | 'euc-kr'
  | 'gb2312'
  | 'gbk'
  | 'gb18030'
  | 'big5'
  | 'koi8-r'
  | 'windows-1251'
  | 'iso-8859-2'
  | 'iso-8859-15'
  | 'windows-1252'
  | 'iso-8859-7'
  | 'windows-1255'
  | 'windows-1256';

type Range = readonly [number, number];
type Table = Map<string, Buffer>;

function doubleByteTable(label: string, leads: Range[], trails: Range[]): Table {
  const decoder = new TextDecoder(label);
  const table: Table = new Map();
  for (const [l0, l1] of leads)
    for (let lead = l0; lead <= l1; lead++)
      for (const [t0, t1] of trails)
        for (let trail = t0; trail <= t1; trail++) {
          const ch = decoder.decode(Uint8Array.of(lead, trail));
          if (ch !== '\ufffd' && [...ch].length === 1 && !table.has(ch))
            table.set(ch, Buffer.of(lead, trail));
        }
  return table;
}

function singleByteTable(label: string): Table {
  const decoder = new TextDecoder(label);
  const table: Table = new Map();
  for (let b = 0x80; b <= 0xff; b++) {
    const ch = decoder.decode(Uint8Array.of(b));
    if (ch !== '\ufffd' && !table.has(ch)) table.set(ch, Buffer.of(b));
  }
  return table;
}

// Node 20's TextDecoder reads windows-1252 as ISO-8859-1 (its bytes 0x80-0x9f become C1
// controls), so that charset's extra characters are written out here.
const WINDOWS_1252_EXTRA =
  '\u20ac\ufffd\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\ufffd\u017d\ufffd\ufffd\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\ufffd\u017e\u0178';

function windows1252Table(): Table {
  const table: Table = new Map();
  [...WINDOWS_1252_EXTRA].forEach((ch, i) => {
    if (ch !== '\ufffd') table.set(ch, Buffer.of(0x80 + i));
  });
  for (let b = 0xa0; b <= 0xff; b++) table.set(String.fromCharCode(b), Buffer.of(b));
  return table;
}

const KANJI_ROWS: Range[] = [[0xa1, 0xfe]];
/** How each codec's table is built: the standard code ranges only, no vendor extensions. */
const TABLES: Partial<Record<Codec, () => Table>> = {
  shift_jis: () =>
    doubleByteTable(
      'shift_jis',
      [
        [0x81, 0x9f],
        [0xe0, 0xea],
      ],
      [
        [0x40, 0x7e],
        [0x80, 0xfc],
      ],
    ),
  'euc-jp': () => doubleByteTable('euc-jp', KANJI_ROWS, KANJI_ROWS),
  'euc-kr': () => doubleByteTable('euc-kr', KANJI_ROWS, KANJI_ROWS),
  gb2312: () => doubleByteTable('gbk', [[0xa1, 0xf7]], KANJI_ROWS),
  gbk: () =>
    doubleByteTable(
      'gbk',
      [[0x81, 0xfe]],
      [
        [0x40, 0x7e],
        [0x80, 0xfe],
      ],
    ),
  gb18030: () =>
    doubleByteTable(
      'gb18030',
      [[0x81, 0xfe]],
      [
        [0x40, 0x7e],
        [0x80, 0xfe],
      ],
    ),
  big5: () =>
    doubleByteTable(
      'big5',
      [[0xa1, 0xf9]],
      [
        [0x40, 0x7e],
        [0xa1, 0xfe],
      ],
    ),
  'koi8-r': () => singleByteTable('koi8-r'),
  'windows-1251': () => singleByteTable('windows-1251'),
  'iso-8859-2': () => singleByteTable('iso-8859-2'),
  'iso-8859-15': () => singleByteTable('iso-8859-15'),
  'windows-1252': windows1252Table,
  'iso-8859-7': () => singleByteTable('iso-8859-7'),
  'windows-1255': () => singleByteTable('windows-1255'),
  'windows-1256': () => singleByteTable('windows-1256'),
};
const builtTables = new Map<Codec, Table>();

function tableOf(codec: Codec): Table {
  let table = builtTables.get(codec);
  if (!table) {
    const build = TABLES[codec];
    if (!build) throw new Error(`no table for ${codec}`);
    builtTables.set(codec, (table = build()));
  }
  return table;
}

function encodeUtf7(text: string): Buffer {
  const direct = /[A-Za-z0-9'(),\-./:? \t\r\n]/;
  let out = '';
  for (let i = 0; i < text.length;) {
    const ch = text[i]!;
    if (ch === '+') {
      out += '+-';
      i++;
    } else if (direct.test(ch)) {
      out += ch;
      i++;
    } else {
      let j = i;
      while (j < text.length && !direct.test(text[j]!) && text[j] !== '+') j++;
      const units = Buffer.alloc((j - i) * 2);
      for (let k = i; k < j; k++) units.writeUInt16BE(text.charCodeAt(k), (k - i) * 2);
      out += `+${units.toString('base64').replace(/=+$/, '')}-`;
      i = j;
    }
  }
  return Buffer.from(out, 'latin1');
}

function encodeIso2022jp(text: string): Buffer {
  const table = tableOf('euc-jp');
  const out: number[] = [];
  let kanji = false;
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    if (code < 0x80) {
      if (kanji) out.push(0x1b, 0x28, 0x42);
      kanji = false;
      out.push(code);
      continue;
    }
    const euc = table.get(ch);
    if (!euc) throw new Error(`${ch} is not in JIS X 0208`);
    if (!kanji) out.push(0x1b, 0x24, 0x42);
    kanji = true;
    out.push(euc[0]! - 0x80, euc[1]! - 0x80);
  }
  if (kanji) out.push(0x1b, 0x28, 0x42);
  return Buffer.from(out);
}

/** The text in the codec; throws for a character the codec cannot hold. */
function encodeText(text: string, codec: Codec): Buffer {
  if (codec === 'utf-8') return Buffer.from(text, 'utf8');
  if (codec === 'utf-7') return encodeUtf7(text);
  if (codec === 'iso-8859-1') {
    if ([...text].some((ch) => ch.charCodeAt(0) > 0xff)) throw new Error(`not Latin-1: ${text}`);
    return Buffer.from(text, 'latin1');
  }
  const out =
    codec === 'iso-2022-jp'
      ? encodeIso2022jp(text)
      : Buffer.concat(
          [...text].map((ch) => {
            if (ch.charCodeAt(0) < 0x80) return Buffer.from(ch, 'latin1');
            const bytes = tableOf(codec).get(ch);
            if (!bytes)
              throw new Error(`${ch} (U+${ch.codePointAt(0)!.toString(16)}) not in ${codec}`);
            return bytes;
          }),
        );
  if (codec !== 'windows-1252') {
    const back = new TextDecoder(codec === 'gb2312' ? 'gbk' : codec).decode(out);
    if (back !== text) throw new Error(`${codec} does not round-trip ${text}`);
  }
  return out;
}

type Chunk = string | Buffer;
type Cte = '7bit' | '8bit' | 'quoted-printable' | 'base64';
const CRLF = '\r\n';

function cat(...chunks: Chunk[]): Buffer {
  return Buffer.concat(chunks.map((c) => (typeof c === 'string' ? Buffer.from(c, 'utf8') : c)));
}

/** A MIME entity: its header lines, a blank line, its body. */
function entity(headers: Chunk[], body: Chunk): Buffer {
  const out: Chunk[] = [];
  for (const h of headers) out.push(h, CRLF);
  out.push(CRLF, body);
  return cat(...out);
}

interface MultipartOptions {
  preamble?: string;
  epilogue?: string;
  /** Write the closing delimiter (default true). */
  close?: boolean;
}

function multipart(boundary: string, parts: Buffer[], o: MultipartOptions = {}): Buffer {
  const out: Chunk[] = [];
  if (o.preamble !== undefined) out.push(o.preamble, CRLF);
  for (const p of parts) out.push(`--${boundary}${CRLF}`, p, CRLF);
  if (o.close !== false) out.push(`--${boundary}--${CRLF}`);
  if (o.epilogue !== undefined) out.push(o.epilogue, CRLF);
  return cat(...out);
}

function base64(bytes: Buffer, width = 76): string {
  return bytes
    .toString('base64')
    .replace(new RegExp(`.{${width}}`, 'g'), `$&${CRLF}`)
    .replace(/\r\n$/, '');
}

const hex2 = (b: number) => `=${b.toString(16).toUpperCase().padStart(2, '0')}`;

/** Quoted-printable with soft breaks at 76 columns; CRLF in the input is a hard break. */
function quotedPrintable(bytes: Buffer): string {
  const lines: string[] = [];
  let line = '';
  const endLine = () => {
    const last = line.charCodeAt(line.length - 1);
    if (last === 0x20 || last === 0x09) line = line.slice(0, -1) + hex2(last);
    lines.push(line);
    line = '';
  };
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    if (b === 0x0d && bytes[i + 1] === 0x0a) {
      endLine();
      i++;
      continue;
    }
    const token =
      (b >= 33 && b <= 126 && b !== 61) || b === 32 || b === 9 ? String.fromCharCode(b) : hex2(b);
    if (line.length + token.length > 75) {
      lines.push(`${line}=`);
      line = '';
    }
    line += token;
  }
  endLine();
  return lines.join(CRLF);
}

function encodeBody(bytes: Buffer, cte: Cte): Buffer {
  if (cte === 'base64') return Buffer.from(base64(bytes), 'latin1');
  if (cte === 'quoted-printable') return Buffer.from(quotedPrintable(bytes), 'latin1');
  return bytes;
}

const crlf = (text: string) => text.replace(/\r?\n/g, CRLF);

function charsetParam(rng: Rng, label: string): string {
  return rng.chance(0.5) ? `charset="${label}"` : `charset=${label}`;
}

/** A text/plain or text/html part in a charset and transfer encoding. */
function textPart(
  rng: Rng,
  type: 'plain' | 'html',
  text: string,
  o: { codec?: Codec; label?: string | null; cte?: Cte; extra?: string[] } = {},
): Buffer {
  const codec = o.codec ?? 'utf-8';
  const label = o.label === undefined ? codec : o.label;
  const cte = o.cte ?? ([...text].some((ch) => ch.charCodeAt(0) > 0x7f) ? '8bit' : '7bit');
  return entity(
    [
      `Content-Type: text/${type}${label ? `; ${charsetParam(rng, label)}` : ''}`,
      `Content-Transfer-Encoding: ${cte}`,
      ...(o.extra ?? []),
    ],
    encodeBody(encodeText(crlf(text), codec), cte),
  );
}

function attachment(
  contentType: string,
  filename: string,
  bytes: Buffer,
  o: { disposition?: 'attachment' | 'inline' | null; cid?: string; extra?: string[] } = {},
): Buffer {
  const disposition = o.disposition === undefined ? 'attachment' : o.disposition;
  return entity(
    [
      `Content-Type: ${contentType}; name="${filename}"`,
      'Content-Transfer-Encoding: base64',
      ...(disposition ? [`Content-Disposition: ${disposition}; filename="${filename}"`] : []),
      ...(o.cid ? [`Content-ID: <${o.cid}>`] : []),
      ...(o.extra ?? []),
    ],
    base64(bytes),
  );
}

/** RFC 2047 encoded words of `text`, each under about 75 characters, folded. */
function encodedWords(text: string, codec: Codec, label: string, mode: 'B' | 'Q'): string {
  const words: string[] = [];
  let chars: string[] = [];
  const flush = () => {
    if (!chars.length) return;
    const bytes = encodeText(chars.join(''), codec);
    words.push(
      mode === 'B'
        ? `=?${label}?B?${bytes.toString('base64')}?=`
        : `=?${label}?Q?${qWord(bytes)}?=`,
    );
    chars = [];
  };
  for (const ch of text) {
    chars.push(ch);
    const size = encodeText(chars.join(''), codec).length;
    if ((mode === 'B' ? (size * 4) / 3 : size * 3) > 60 - label.length) flush();
  }
  flush();
  return words.join(`${CRLF} `);
}

function qWord(bytes: Buffer): string {
  let out = '';
  for (const b of bytes) {
    if (b === 0x20) out += '_';
    else if (/[A-Za-z0-9!*+\-/]/.test(String.fromCharCode(b)) && b < 0x80)
      out += String.fromCharCode(b);
    else out += hex2(b);
  }
  return out;
}

/** A header value folded before spaces so that no line passes `width` where a space allows. */
function fold(value: string, width = 76, first = 9): string {
  const words = value.split(' ');
  const lines: string[] = [];
  let line = words.shift() ?? '';
  let room = width - first;
  for (const w of words) {
    if (line.length + 1 + w.length > room) {
      lines.push(line);
      line = w;
      room = width - 1;
    } else line += ` ${w}`;
  }
  lines.push(line);
  return lines.join(`${CRLF} `);
}

const escapeHtml = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function uuencode(name: string, bytes: Buffer): string {
  const enc = (n: number) => String.fromCharCode(n === 0 ? 0x60 : n + 0x20);
  const lines = [`begin 644 ${name}`];
  for (let i = 0; i < bytes.length; i += 45) {
    const chunk = bytes.subarray(i, i + 45);
    let line = enc(chunk.length);
    for (let j = 0; j < chunk.length; j += 3) {
      const [a = 0, b = 0, c = 0] = [chunk[j], chunk[j + 1], chunk[j + 2]];
      line +=
        enc(a >> 2) +
        enc(((a & 3) << 4) | (b >> 4)) +
        enc(((b & 15) << 2) | (c >> 6)) +
        enc(c & 63);
    }
    lines.push(line);
  }
  lines.push('`', 'end');
  return lines.join('\n');
}

const SYLLABLES = [
  'zor bul quim fla nox trev mop dra zel kint vop glim brak clu dov fesk gunt hask jub kro lup',
  'morn nep osk prit quel ront sib tund vask wib yark zest plon snib throg umb vrel wunk xan yib',
  'zub grol fint mabb tazz',
]
  .join(' ')
  .split(' ');
const SUFFIXES = ['ate', 'ify', 'ous', 'ent', 'ix', 'oon', 'el', 'ing', 'ery', 'ism', 'ard'];

type Script =
  | 'latin1'
  | 'latin2'
  | 'latin9'
  | 'cp1252'
  | 'cp1252-only'
  | 'cyrillic'
  | 'greek'
  | 'hebrew'
  | 'arabic'
  | 'katakana'
  | 'hangul'
  | 'hanzi'
  | 'hanzi-trad';

/** Letters each script's made-up words are built from; every one fits the charsets used. */
const LETTERS: Record<Script, string> = {
  latin1: 'éèêàâäçñöüßøåæíóú',
  latin2: 'ąćęłńśźżčďěňřšťůžő',
  // ISO-8859-15's letters that ISO-8859-1 and -9 do not have
  latin9: 'œšž',
  cp1252: 'éñüßœšžƒ',
  // Windows-1252's letters that ISO-8859-1 does not have (its bytes 0x80-0x9f)
  'cp1252-only': 'šœžƒ',
  cyrillic: 'бвгдзклмнпрстфхчш|аеиоуыяю',
  greek: 'βγδζθκλμνξπρστφχψ|αεηιουω',
  hebrew: 'אבגדהוזחטיכלמנסעפצקרשת',
  arabic: 'ابتثجحخدذرزسشصضطظعغفقكلمنهوي',
  katakana:
    'アイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモヤユヨラリルレロワ',
  hangul:
    '가나다라마바사아자차카타파하고노도로모보소오조초코토포호구누두루무부수우주추쿠투푸후기니디리미비시이지치키티피히',
  hanzi:
    '的一是不了人我在有他这为之大来以个中上们到说国和地也子时道出而要于就下得可你年生自会那后能对着事其里所去行过家十用发天如然作方成者多日都三小军二无同么经法当起与好看学进种将还分此心前面又定见只主没公从',
  'hanzi-trad':
    '的一是不了人我在有他這為之大來以個中上們到說國和地也子時道出而要於就下得可你年生自會那後能對著事其裡所去行過家十用發天如然作方成者多日都三小軍二無同麼經法當起與好看學進種將還分此心前面又定見只主沒公從',
};

type Lang = 'en' | 'ja' | 'ko' | 'zhs' | 'zht' | 'ru' | 'el' | 'pl' | 'fr' | 'he' | 'ar';

/** Everyday sentences in each language, every one encodable in the charsets used for it. */
const FILLER: Record<Lang, string[]> = {
  en: [
    'Thanks for sending this over so quickly.',
    'I have attached the latest version of the document.',
    'Let me know if anything here looks wrong to you.',
    'We can go through the details at the meeting on Thursday.',
    'The numbers for the last quarter are a little better than expected.',
    'Please check the second section before we send it out.',
    'I will be out of the office until Monday morning.',
    'Could you forward this to the rest of the team?',
    'The build passed on all platforms after the last change.',
    'Here is a short summary of what we agreed on the call.',
    'Sorry for the late reply, it has been a busy week.',
    'The invoice should arrive by the end of the month.',
    'Our office will be closed for the holiday on Friday.',
    'I think the second option is the safer one for now.',
    'The printer on the third floor is working again.',
    'Remember to update your password before the deadline.',
    'The train was late again, so I missed the first talk.',
    'Lunch is on the terrace today if the weather holds.',
    'We moved the review to next week to give everyone more time.',
    'Can you confirm the address for the delivery?',
  ],
  ja: [
    'お世話になっております。',
    '会議の資料をお送りします。',
    'ご確認のほど、よろしくお願いいたします。',
    '明日の予定について連絡します。',
  ],
  ko: ['안녕하세요.', '회의 자료를 보내 드립니다.', '확인 부탁드립니다.', '감사합니다.'],
  zhs: ['您好，', '请查收会议资料。', '谢谢！', '明天下午开会。'],
  zht: ['您好，', '請查收會議資料。', '謝謝！', '明天下午開會。'],
  ru: [
    'Здравствуйте!',
    'Высылаю материалы к совещанию.',
    'С уважением, Иван.',
    'Прошу подтвердить получение.',
  ],
  el: ['Καλημέρα σας.', 'Σας στέλνω το υλικό της συνάντησης.', 'Ευχαριστώ πολύ.'],
  pl: [
    'Dzień dobry,',
    'Przesyłam materiały na spotkanie.',
    'Pozdrawiam serdecznie.',
    'Děkuji za odpověď.',
  ],
  fr: [
    'Bonjour à tous,',
    'Voici le compte rendu de la réunion.',
    'Merci de votre réponse.',
    'Schöne Grüße aus München.',
  ],
  he: ['שלום רב,', 'מצורף החומר לפגישה.', 'תודה רבה.'],
  ar: ['مرحبا،', 'مرفق ملف الاجتماع.', 'شكرا جزيلا.'],
};

const PEOPLE = [
  ['Ana Torres', 'ana.torres@example.org'],
  ['Bram de Vries', 'bram@example.net'],
  ['Chen Wei', 'chen.wei@example.com'],
  ['Dana Okafor', 'dana.okafor@example.org'],
  ['Emil Lindqvist', 'emil@lists.example.net'],
  ['Fatima Rahman', 'f.rahman@example.com'],
  ['Gustavo Pereira', 'gpereira@example.org'],
  ['Hana Sato', 'hana.sato@example.jp'],
] as const;

interface Draft {
  detail: string;
  raw: Buffer;
  expect: RealExpect;
}

interface TopHeaders {
  /** The raw Subject value (encoded words, folding and all); null for none. */
  subject: Chunk | null;
  from?: Chunk;
  to?: Chunk;
  /** Trace fields (Received, DKIM) that come before the others. */
  trace?: Chunk[];
  /** More fields after the usual ones, before the MIME fields. */
  extra?: Chunk[];
  /** Content-Type and the like; none for a message without MIME. */
  content: Chunk[];
  body: Chunk;
  /** Leave out MIME-Version (mail from before MIME, or from careless software). */
  noMimeVersion?: boolean;
  /** For a message inside another: its own id, and no trace fields. */
  inner?: boolean;
}

class Ctx {
  constructor(
    readonly rng: Rng,
    private readonly used: Set<string>,
    readonly date: Date,
    readonly messageId: string,
  ) {}

  /** A made-up ASCII word no other message of the corpus holds. */
  word(): string {
    for (;;) {
      const n = this.rng.int(2, 3);
      let w = '';
      for (let i = 0; i < n; i++) w += this.rng.pick(SYLLABLES);
      w += this.rng.pick(SUFFIXES);
      if (w.length >= 8 && !this.used.has(w)) {
        this.used.add(w);
        return w;
      }
    }
  }

  /** A made-up word in a script, unique in the corpus. */
  native(script: Script): string {
    const letters = LETTERS[script];
    for (;;) {
      let w: string;
      if (letters.includes('|')) {
        const [cons, vows] = letters.split('|') as [string, string];
        w = '';
        for (let i = this.rng.int(3, 4); i > 0; i--)
          w += this.rng.pick([...cons]) + this.rng.pick([...vows]);
      } else if (/^latin|^cp1252/.test(script)) {
        const special = [...letters];
        w =
          this.rng.pick(SYLLABLES) +
          this.rng.pick(special) +
          this.rng.pick(SYLLABLES) +
          this.rng.pick(special) +
          this.rng.pick(SYLLABLES);
      } else {
        w = '';
        for (let i = this.rng.int(3, 5); i > 0; i--) w += this.rng.pick([...letters]);
      }
      if (!this.used.has(w)) {
        this.used.add(w);
        return w;
      }
    }
  }

  boundary(): string {
    return this.rng.pick([
      () =>
        `----=_Part_${this.rng.int(10000, 99999)}_${this.rng.int(100000000, 999999999)}.${this.rng.int(1e12, 9e12)}`,
      () => `000000000000${this.rng.hex(16)}`,
      () => `_000_${this.rng.hex(8).toUpperCase()}EXCH${this.rng.hex(6).toUpperCase()}_`,
      () => `Apple-Mail=_${this.rng.hex(8).toUpperCase()}-${this.rng.hex(4).toUpperCase()}`,
      () => `=_${this.rng.hex(24)}`,
      () => `${'-'.repeat(this.rng.int(2, 12))}${this.rng.hex(20)}`,
    ])();
  }

  person(): string {
    const [name, address] = this.rng.pick(PEOPLE);
    return this.rng.chance(0.2) ? address : `${name} <${address}>`;
  }

  sentences(n: number, lang: Lang = 'en'): string[] {
    const out: string[] = [];
    for (let i = 0; i < n; i++) out.push(this.rng.pick(FILLER[lang]));
    return out;
  }

  /** English prose of `n` sentences with the words put in at random places, wrapped at 72. */
  prose(n: number, words: string[] = [], width = 72): string {
    const tokens = this.sentences(n).join(' ').split(' ');
    for (const w of words) tokens.splice(this.rng.int(0, tokens.length), 0, w);
    const lines: string[] = [];
    let line = '';
    for (const t of tokens) {
      if (line && line.length + 1 + t.length > width) {
        lines.push(line);
        line = t;
      } else line = line ? `${line} ${t}` : t;
    }
    lines.push(line);
    return lines.join('\n');
  }

  /** Sentences in a language with the words set apart by spaces, one paragraph a line. */
  nativeProse(lang: Lang, n: number, words: string[]): string {
    const lines = this.sentences(n, lang);
    for (const w of words) {
      const i = this.rng.int(0, lines.length - 1);
      lines[i] = `${lines[i]} ${w} ${this.rng.pick(FILLER[lang])}`;
    }
    return lines.join('\n');
  }

  dateHeader(): string {
    const offsets = [0, 60, 120, -300, -420, 330, 540];
    const offset = offsets[this.rng.int(0, offsets.length - 1)]!;
    const local = new Date(this.date.getTime() + offset * 60_000);
    const day = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'][local.getUTCDay()]!;
    const month = 'Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec'.split(' ')[
      local.getUTCMonth()
    ]!;
    const pad = (n: number) => String(n).padStart(2, '0');
    const sign = offset < 0 ? '-' : '+';
    const zone = `${sign}${pad(Math.floor(Math.abs(offset) / 60))}${pad(Math.abs(offset) % 60)}`;
    const time = `${pad(local.getUTCHours())}:${pad(local.getUTCMinutes())}:${pad(local.getUTCSeconds())}`;
    const dd = this.rng.chance(0.5) ? pad(local.getUTCDate()) : String(local.getUTCDate());
    const comment =
      offset === -300 ? ' (EST)' : offset === 0 && this.rng.chance(0.5) ? ' (UTC)' : '';
    return `${day}, ${dd} ${month} ${local.getUTCFullYear()} ${time} ${zone}${comment}`;
  }

  mail(t: TopHeaders): Buffer {
    const envelope: Chunk[] = [
      cat('From: ', t.from ?? this.person()),
      cat('To: ', t.to ?? this.person()),
      ...(t.subject === null ? [] : [cat('Subject: ', t.subject)]),
      `Date: ${this.dateHeader()}`,
      `Message-ID: ${t.inner ? `<${this.rng.hex(16)}@mail.example.net>` : this.messageId}`,
    ];
    if (this.rng.chance(0.3)) this.rng.shuffle(envelope);
    return entity(
      [
        ...(t.trace ?? (t.inner ? [] : this.trace())),
        ...envelope,
        ...(t.extra ?? []),
        ...(t.noMimeVersion ? [] : ['MIME-Version: 1.0']),
        ...t.content,
      ],
      t.body,
    );
  }

  /** What the servers on the way add: a few Received lines, a signature, their verdicts. */
  trace(): string[] {
    const out = [`Return-Path: <bounce-${this.rng.hex(10)}@example.org>`];
    for (let i = this.rng.int(1, 4); i > 0; i--) out.push(received(this, i));
    if (this.rng.chance(0.6)) {
      out.push(
        `Authentication-Results: mx.example.test;${CRLF}\tdkim=pass header.d=example.org;${CRLF}\tspf=pass smtp.mailfrom=example.org`,
        `DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=example.org; s=s1;${CRLF}` +
          `\th=from:to:subject:date:message-id; bh=${this.rng.bytes(32).toString('base64')};${CRLF}` +
          `\tb=${base64(this.rng.bytes(256), 70).replace(/\r\n/g, `${CRLF}\t `)}`,
      );
    }
    return out;
  }

  /** A message with one text/plain UTF-8 body and a plain subject; `inner` as in mail(). */
  simple(subject: Chunk, text: string, inner = false): Buffer {
    return this.mail({
      subject,
      inner,
      content: ['Content-Type: text/plain; charset=utf-8', 'Content-Transfer-Encoding: 8bit'],
      body: crlf(text),
    });
  }
}

interface Family {
  name: string;
  /** Turns in the rotation: families with more shapes get more messages. */
  weight?: number;
  make(c: Ctx, variant: number): Draft;
}

interface CharsetSpec {
  codec: Codec;
  labels: string[];
  ctes: Cte[];
  lang: Lang;
  script: Script;
}

// codec, labels seen in real mail (the usual one first), transfer encodings (qp: quoted-printable,
// b64: base64), language, script
const CHARSETS: CharsetSpec[] = (
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

function charsetFamily(spec: CharsetSpec): Family {
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
const mislabelledLatin1: Family = {
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
const unlabelledUtf8: Family = {
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
const unlabelledLatin1: Family = {
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
const utf7: Family = {
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
const htmlMetaCharset: Family = {
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
const utf8Encoded: Family = {
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

const encodedSubjects: Family = {
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
const splitMultibyte: Family = {
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
const malformedEncodedWords: Family = {
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
const rawHeaders: Family = {
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
const encodedSenders: Family = {
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

const filenames: Family = {
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

const missingClose: Family = {
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
const boundaryNeverPresent: Family = {
  name: 'multipart whose boundary never appears',
  make(c, v) {
    const subjectWord = c.word();
    const subject = `${c.rng.pick(FILLER.en)} ${subjectWord}`;
    return {
      detail: v % 2 ? 'mixed' : 'alternative',
      raw: c.mail({
        subject,
        content: [
          `Content-Type: multipart/${v % 2 ? 'mixed' : 'alternative'}; boundary="${c.boundary()}"`,
        ],
        body: crlf(c.prose(5, [c.word()])),
      }),
      // What the body says is outside any part (a preamble): no part is left to show, so
      // Maildock records the body as unreadable and keeps its source.
      expect: { subject, words: [subjectWord], unreadable: true },
    };
  },
};

const wrongTransferEncoding: Family = {
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

const brokenBase64: Family = {
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

const badQuotedPrintable: Family = {
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

const lineEndings: Family = {
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

const nulBytes: Family = {
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

const contentTypeOddities: Family = {
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

const emptyMultipart: Family = {
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
const preambleEpilogue: Family = {
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
const formatFlowed: Family = {
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

const headersOnly: Family = {
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

function received(c: Ctx, i: number): string {
  const host = `mx${i}.relay${c.rng.int(1, 40)}.example.net`;
  return (
    `Received: from ${host} (${host} [192.0.2.${c.rng.int(1, 254)}])${CRLF}` +
    `\tby mail${c.rng.int(1, 9)}.example.org (Postfix) with ESMTPS id ${c.rng.hex(10).toUpperCase()}${CRLF}` +
    `\tfor <bob@example.test>; ${c.dateHeader()}`
  );
}

const manyReceived: Family = {
  name: 'hundreds of Received lines',
  make(c, v) {
    const n = 200 + v * 37;
    const [w1, w2] = [c.word(), c.word()];
    const subject = `${c.rng.pick(FILLER.en)} ${w1}`;
    const trace = Array.from({ length: n }, (_, i) => received(c, i));
    trace.push(
      `DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=example.org; s=sel1;${CRLF}` +
        `\th=from:to:subject:date:message-id; bh=${c.rng.bytes(32).toString('base64')};${CRLF}` +
        `\tb=${base64(c.rng.bytes(256), 70).replace(/\r\n/g, `${CRLF}\t `)}`,
      `ARC-Seal: i=1; a=rsa-sha256; t=${c.rng.int(1e9, 2e9)}; cv=none; d=example.net; s=arc;${CRLF}\tb=${c.rng.bytes(60).toString('base64')}`,
    );
    return {
      detail: `${n} Received`,
      raw: c.mail({
        subject,
        trace,
        content: ['Content-Type: text/plain; charset=utf-8'],
        body: crlf(c.prose(4, [w2])),
      }),
      expect: { subject, words: [w1, w2] },
    };
  },
};

const longReferences: Family = {
  name: 'References with hundreds of ids',
  make(c, v) {
    const n = 500 + v * 50;
    const [w1, w2] = [c.word(), c.word()];
    const subject = `Re: ${'Re: '.repeat(v % 5)}${c.rng.pick(FILLER.en)} ${w1}`;
    const ids = Array.from({ length: n }, (_, i) => `<${c.rng.hex(12)}.${i}@mail.example.org>`);
    return {
      detail: `${n} ids`,
      raw: c.mail({
        subject,
        extra: [`In-Reply-To: ${ids[n - 1]}`, `References: ${ids.join(`${CRLF} `)}`],
        content: ['Content-Type: text/plain; charset=utf-8'],
        body: crlf(c.prose(3, [w2])),
      }),
      expect: { subject, words: [w1, w2] },
    };
  },
};

const hugeSubject: Family = {
  name: 'subject of tens of KB',
  make(c, v) {
    const [first, last, body] = [c.word(), c.word(), c.word()];
    const target = 20_000 + v * 4000;
    const filler: string[] = [];
    let size = 0;
    while (size < target) {
      const s = c.rng.pick(FILLER.en);
      filler.push(s);
      size += s.length + 1;
    }
    const subject = `${first} ${filler.join(' ')} ${last}`;
    const encoded = v % 2 === 1;
    return {
      detail: `${Math.round(subject.length / 1024)} KB, ${encoded ? 'encoded words' : 'folded'}`,
      raw: c.simple(
        encoded ? encodedWords(subject, 'utf-8', 'UTF-8', 'Q') : fold(subject),
        c.prose(3, [body]),
      ),
      expect: { subject, words: [first, last, body] },
    };
  },
};

const longLines: Family = {
  name: 'very long unfolded lines',
  make(c, v) {
    const [w1, w2, w3] = [c.word(), c.word(), c.word()];
    const subject = `${c.rng.pick(FILLER.en)} ${w1}`;
    const to = Array.from(
      { length: 150 + v * 40 },
      (_, i) => `"Member ${i}" <member${i}@lists.example.net>`,
    ).join(', ');
    const xHeader = `X-Campaign-Data: ${c.rng.bytes(6000).toString('hex')}`;
    const line = c.prose(120 + v * 15, [w3], 1_000_000);
    return {
      detail: `${to.length + xHeader.length} bytes of unfolded header, a ${line.length} character body line`,
      raw: c.mail({
        subject,
        to,
        extra: [xHeader],
        content: ['Content-Type: text/plain; charset=utf-8'],
        body: crlf(`${c.prose(1, [w2])}\n${line}\n`),
      }),
      expect: { subject, words: [w1, w2, w3] },
    };
  },
};

/**
 * A forwarded message holding the first word, itself forwarding one that holds the next, and
 * so on; with `file`, the innermost one carries that attachment.
 */
function innerMessage(
  c: Ctx,
  words: string[],
  disposition: Disposition,
  file: Buffer | null,
): Buffer {
  const b = c.boundary();
  const [word, ...rest] = words;
  const parts = [textPart(c.rng, 'plain', c.prose(3, [word!]))];
  if (rest.length)
    parts.push(forwardPart(c, innerMessage(c, rest, disposition, file), disposition));
  else if (file) parts.push(attachment('application/pdf', `${c.word()}.pdf`, file));
  return entity(
    [
      `From: ${c.person()}`,
      `To: ${c.person()}`,
      `Subject: ${c.rng.pick(FILLER.en)}`,
      `Date: ${c.dateHeader()}`,
      `Message-ID: <${c.rng.hex(16)}@inner.example.org>`,
      'MIME-Version: 1.0',
      `Content-Type: multipart/mixed; boundary="${b}"`,
    ],
    multipart(b, parts),
  );
}

type Disposition = 'attachment' | 'inline' | null;

function forwardPart(c: Ctx, message: Buffer, disposition: Disposition): Buffer {
  const name = `${c.rng.pick(['Fwd', 'original', 'message'])}.eml`;
  return entity(
    [
      'Content-Type: message/rfc822',
      ...(disposition ? [`Content-Disposition: ${disposition}; filename="${name}"`] : []),
    ],
    message,
  );
}

/**
 * What Maildock guarantees of a forwarded message: attached (disposition attachment, or none
 * as Outlook sends it) it is one attachment, and its text is not searched; shown in line
 * (disposition inline) its text is part of the message's text and its attachments are listed
 * with the message's, whether the message is parsed whole or fetched as its text parts (large).
 */
const forwarded: Family = {
  name: 'forwarded message/rfc822',
  weight: 2,
  make(c, v) {
    const depth = (v % 3) + 1;
    const disposition = ([null, 'attachment', 'inline'] as const)[(v + Math.floor(v / 3)) % 3]!;
    const large = [3, 4, 7].includes(v % 8);
    const outer = c.word();
    const inner = Array.from({ length: depth }, () => c.word());
    const b = c.boundary();
    const subject = `Fwd: ${c.rng.pick(FILLER.en)} ${c.word()}`;
    const file = large ? c.rng.bytes(c.rng.int(40_000, 60_000)) : null;
    return {
      detail: `${depth} deep, disposition ${disposition ?? 'none'}${large ? ', large' : ''}`,
      raw: c.mail({
        subject,
        content: [`Content-Type: multipart/mixed; boundary="${b}"`],
        body: multipart(b, [
          textPart(c.rng, 'plain', c.prose(2, [outer])),
          forwardPart(c, innerMessage(c, inner, disposition, file), disposition),
        ]),
      }),
      expect:
        disposition !== 'inline'
          ? { subject, words: [outer], attachments: 1 }
          : { subject, words: [outer, ...inner], attachments: file ? 1 : 0 },
    };
  },
};

const relatedImages: Family = {
  name: 'multipart/related with cid images',
  weight: 2,
  make(c, v) {
    const [w1, w2] = [c.word(), c.word()];
    const subject = `${c.rng.pick(FILLER.en)} ${c.word()}`;
    const images = (v % 3) + 1;
    // Each large image alone is over the size above which the sync leaves attachments on the
    // server and fetches the text parts only.
    const large = v % 2 === 1;
    // Images with only a Content-ID and a name, no Content-Disposition, as many senders write.
    const nameOnly = Math.floor(v / 2) % 2 === 1;
    const rel = c.boundary();
    const cids = Array.from(
      { length: images },
      (_, i) => `image00${i + 1}.png@01D9${c.rng.hex(8).toUpperCase()}`,
    );
    const html =
      `<html><body><p>${c.prose(3, [w1])}</p>` +
      cids.map((cid) => `<img src="cid:${cid}" width="120" height="40" alt="">`).join('') +
      `<p>${c.prose(2, [w2])}</p></body></html>`;
    const png = (n: number) =>
      Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), c.rng.bytes(n)]);
    const related = multipart(rel, [
      textPart(c.rng, 'html', html, { cte: 'quoted-printable' }),
      ...cids.map((cid, i) =>
        attachment(
          'image/png',
          `image00${i + 1}.png`,
          png(large ? c.rng.int(33_000, 40_000) : c.rng.int(300, 3000)),
          { disposition: nameOnly ? null : 'inline', cid },
        ),
      ),
    ]);
    const withText = Math.floor(v / 4) % 2 === 1;
    const alt = c.boundary();
    return {
      detail: `${images} images${large ? ', large' : ''}${nameOnly ? ', no disposition' : ''}${withText ? ', inside alternative' : ''}`,
      raw: c.mail({
        subject,
        content: withText
          ? [`Content-Type: multipart/alternative; boundary="${alt}"`]
          : [`Content-Type: multipart/related; boundary="${rel}"; type="text/html"`],
        body: withText
          ? multipart(alt, [
              textPart(c.rng, 'plain', c.prose(5, [w1, w2])),
              entity(
                [`Content-Type: multipart/related; boundary="${rel}"; type="text/html"`],
                related,
              ),
            ])
          : related,
      }),
      // Images of the HTML are no attachments, with or without a Content-Disposition, whether
      // the message is parsed whole or fetched as its text parts (large).
      expect: { subject, words: [w1, w2], attachments: 0 },
    };
  },
};

const alternatives: Family = {
  name: 'multipart/alternative',
  make(c, v) {
    const [both, textOnly, htmlOnly] = [c.word(), c.word(), c.word()];
    const subject = `${c.rng.pick(FILLER.en)} ${c.word()}`;
    const b = c.boundary();
    const plain = textPart(c.rng, 'plain', c.prose(3, [both, textOnly]), {
      cte: 'quoted-printable',
    });
    const html = textPart(c.rng, 'html', `<div dir="ltr">${c.prose(3, [both, htmlOnly])}</div>`, {
      cte: c.rng.pick(['quoted-printable', 'base64'] as const),
    });
    const kind = v % 3;
    const parts =
      kind === 0
        ? [plain, html]
        : kind === 1
          ? [html, plain]
          : [
              plain,
              entity(['Content-Type: text/enriched'], `<bold>${both}</bold>`),
              entity(['Content-Type: text/watch-html; charset=utf-8'], `<b>${both}</b>`),
              html,
            ];
    // Search reads the text part and also the HTML when the text part is short, so every
    // word of either part is found here (the parts are short).
    return {
      detail: ['text then HTML', 'HTML then text', 'four alternatives'][kind]!,
      raw: c.mail({
        subject,
        content: [`Content-Type: multipart/alternative; boundary="${b}"`],
        body: multipart(b, parts),
      }),
      // The text/enriched and text/watch-html alternatives are other renderings of the text,
      // no attachments.
      expect: { subject, words: [both, textOnly, htmlOnly], attachments: 0 },
    };
  },
};

const smime: Family = {
  name: 'S/MIME',
  make(c, v) {
    const word = c.word();
    const subjectWord = c.word();
    const subject = `${c.rng.pick(FILLER.en)} ${subjectWord}`;
    const kind = v % 3;
    if (kind === 2) {
      // Opaque signed data: the text is inside the CMS structure, readable only by decoding it.
      return {
        detail: 'opaque application/pkcs7-mime',
        raw: c.mail({
          subject,
          content: [
            'Content-Type: application/pkcs7-mime; smime-type=signed-data; name="smime.p7m"',
            'Content-Transfer-Encoding: base64',
            'Content-Disposition: attachment; filename="smime.p7m"',
          ],
          body: base64(c.rng.bytes(c.rng.int(2000, 5000))),
        }),
        expect: { subject, words: [subjectWord] },
      };
    }
    const b = c.boundary();
    const alt = c.boundary();
    const signed =
      kind === 0
        ? textPart(c.rng, 'plain', c.prose(4, [word]), { cte: 'quoted-printable' })
        : entity(
            [`Content-Type: multipart/alternative; boundary="${alt}"`],
            multipart(alt, [
              textPart(c.rng, 'plain', c.prose(4, [word])),
              textPart(c.rng, 'html', `<p>${c.prose(4, [word])}</p>`),
            ]),
          );
    return {
      detail: kind === 0 ? 'signed text' : 'signed alternative',
      raw: c.mail({
        subject,
        content: [
          `Content-Type: multipart/signed; protocol="application/pkcs7-signature"; micalg=sha-256;${CRLF}\tboundary="${b}"`,
        ],
        body: multipart(
          b,
          [
            signed,
            entity(
              [
                'Content-Type: application/pkcs7-signature; name="smime.p7s"',
                'Content-Transfer-Encoding: base64',
                'Content-Disposition: attachment; filename="smime.p7s"',
                'Content-Description: S/MIME Cryptographic Signature',
              ],
              base64(c.rng.bytes(c.rng.int(1500, 4000))),
            ),
          ],
          { preamble: 'This is a cryptographically signed message in MIME format.' },
        ),
      }),
      expect: { subject, words: [subjectWord, word] },
    };
  },
};

const pgpMime: Family = {
  name: 'PGP/MIME',
  make(c, v) {
    const word = c.word();
    const subjectWord = c.word();
    const subject = `${c.rng.pick(FILLER.en)} ${subjectWord}`;
    const b = c.boundary();
    const armor = (kind: string, n: number) =>
      `-----BEGIN PGP ${kind}-----${CRLF}${CRLF}${base64(c.rng.bytes(n), 64)}${CRLF}=${c.rng.bytes(3).toString('base64')}${CRLF}-----END PGP ${kind}-----`;
    if (v % 2) {
      return {
        detail: 'encrypted',
        raw: c.mail({
          subject,
          content: [
            `Content-Type: multipart/encrypted; protocol="application/pgp-encrypted"; boundary="${b}"`,
          ],
          body: multipart(
            b,
            [
              entity(
                [
                  'Content-Type: application/pgp-encrypted',
                  'Content-Description: PGP/MIME version identification',
                ],
                'Version: 1',
              ),
              entity(
                [
                  'Content-Type: application/octet-stream; name="encrypted.asc"',
                  'Content-Disposition: inline; filename="encrypted.asc"',
                ],
                armor('MESSAGE', c.rng.int(600, 3000)),
              ),
            ],
            { preamble: 'This is an OpenPGP/MIME encrypted message (RFC 4880 and 3156)' },
          ),
        }),
        expect: { subject, words: [subjectWord] },
      };
    }
    return {
      detail: 'signed',
      raw: c.mail({
        subject,
        content: [
          `Content-Type: multipart/signed; micalg=pgp-sha256; protocol="application/pgp-signature"; boundary="${b}"`,
        ],
        body: multipart(b, [
          textPart(c.rng, 'plain', c.prose(4, [word]), { cte: 'quoted-printable' }),
          entity(
            [
              'Content-Type: application/pgp-signature; name="signature.asc"',
              'Content-Description: OpenPGP digital signature',
              'Content-Disposition: attachment; filename="signature.asc"',
            ],
            armor('SIGNATURE', 300),
          ),
        ]),
      }),
      expect: { subject, words: [subjectWord, word] },
    };
  },
};

const bounces: Family = {
  name: 'delivery status notification',
  make(c, v) {
    const [explain, diagnostic, original] = [c.word(), c.word(), c.word()];
    const subject = c.rng.pick([
      'Undelivered Mail Returned to Sender',
      'Mail delivery failed: returning message to sender',
      'Delivery Status Notification (Failure)',
      'Undeliverable: quarterly figures',
    ]);
    const b = c.boundary();
    const recipient = `${c.rng.pick(['jdoe', 'info', 'sales'])}@unknown.example.net`;
    const kind = v % 4;
    const originalMessage =
      kind === 3
        ? innerMessage(c, [original], null, c.rng.bytes(c.rng.int(40_000, 60_000)))
        : c.simple(c.rng.pick(FILLER.en), c.prose(4, [original]), true);
    const returned =
      kind === 1
        ? entity(
            ['Content-Type: text/rfc822-headers'],
            originalMessage.subarray(0, originalMessage.indexOf('\r\n\r\n') + 2),
          )
        : entity(
            [
              'Content-Type: message/rfc822',
              ...(kind === 2 ? ['Content-Disposition: attachment'] : []),
            ],
            originalMessage,
          );
    return {
      detail: [
        'Postfix, whole message',
        'headers only',
        'Exchange-style, attached',
        'Postfix, whole message with a large attachment',
      ][kind]!,
      raw: c.mail({
        subject,
        from: 'MAILER-DAEMON@mx.example.org (Mail Delivery System)',
        extra: ['Auto-Submitted: auto-replied'],
        content: [
          `Content-Type: multipart/report; report-type=delivery-status;${CRLF}\tboundary="${b}"`,
        ],
        body: multipart(
          b,
          [
            entity(
              ['Content-Description: Notification', 'Content-Type: text/plain; charset=us-ascii'],
              crlf(
                `This is the mail system at host mx.example.org.\n\nI'm sorry to have to inform you that your message could not\nbe delivered to one or more recipients. It's attached below.\n\n${explain}\n\n<${recipient}>: host mx.unknown.example.net[192.0.2.9] said:\n    550 5.1.1 <${recipient}>: Recipient address rejected: User unknown\n`,
              ),
            ),
            entity(
              ['Content-Description: Delivery report', 'Content-Type: message/delivery-status'],
              crlf(
                `Reporting-MTA: dns; mx.example.org\nX-Postfix-Queue-ID: ${c.rng.hex(10).toUpperCase()}\nArrival-Date: ${c.dateHeader()}\n\nFinal-Recipient: rfc822; ${recipient}\nAction: failed\nStatus: 5.1.1\nRemote-MTA: dns; mx.unknown.example.net\nDiagnostic-Code: smtp; 550 5.1.1 ${diagnostic} user unknown\n`,
              ),
            ),
            returned,
          ],
          { preamble: 'This is a MIME-encapsulated message.' },
        ),
      }),
      // The returned message is an attachment: its words are not the bounce's.
      expect: { subject, words: [explain, diagnostic] },
    };
  },
};

function icsEvent(c: Ctx, summary: string): string {
  return crlf(
    [
      'BEGIN:VCALENDAR',
      'PRODID:-//Maildock test//Calendar//EN',
      'VERSION:2.0',
      'METHOD:REQUEST',
      'BEGIN:VEVENT',
      `UID:${c.rng.hex(24)}@example.org`,
      'DTSTART:20240312T150000Z',
      'DTEND:20240312T160000Z',
      `SUMMARY:${summary}`,
      `ORGANIZER;CN=Ana Torres:mailto:ana.torres@example.org`,
      `ATTENDEE;ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=TRUE:mailto:bob@example.test`,
      'END:VEVENT',
      'END:VCALENDAR',
      '',
    ].join('\n'),
  );
}

const invites: Family = {
  name: 'calendar invitation',
  make(c, v) {
    const [word, topic] = [c.word(), c.word()];
    const subject = `Invitation: ${topic} review @ Tue 12 Mar 2024 3pm - 4pm (UTC)`;
    const alt = c.boundary();
    const alternative = multipart(alt, [
      textPart(
        c.rng,
        'plain',
        `You have been invited to the following event.\n\n${c.prose(2, [word, topic])}\n`,
      ),
      textPart(
        c.rng,
        'html',
        `<p>You have been invited to the following event.</p><p>${c.prose(2, [word, topic])}</p>`,
      ),
      entity(
        [
          'Content-Type: text/calendar; charset="utf-8"; method=REQUEST',
          `Content-Transfer-Encoding: ${v % 2 ? 'base64' : '7bit'}`,
        ],
        v % 2
          ? base64(Buffer.from(icsEvent(c, `${topic} review`)))
          : icsEvent(c, `${topic} review`),
      ),
    ]);
    if (v % 3 === 0) {
      // Outlook: the alternative is the whole message.
      return {
        detail: 'Outlook-style alternative',
        raw: c.mail({
          subject,
          content: [`Content-Type: multipart/alternative; boundary="${alt}"`],
          body: alternative,
        }),
        expect: { subject, words: [word, topic] },
      };
    }
    const mixed = c.boundary();
    return {
      detail: 'with invite.ics attached',
      raw: c.mail({
        subject,
        content: [`Content-Type: multipart/mixed; boundary="${mixed}"`],
        body: multipart(mixed, [
          entity([`Content-Type: multipart/alternative; boundary="${alt}"`], alternative),
          attachment('application/ics', 'invite.ics', Buffer.from(icsEvent(c, `${topic} review`))),
        ]),
      }),
      expect: { subject, words: [word, topic] },
    };
  },
};

const winmailDat: Family = {
  name: 'winmail.dat (TNEF)',
  make(c, v) {
    const [word, hidden] = [c.word(), c.word()];
    const subject = `${c.rng.pick(FILLER.en)} ${c.word()}`;
    const b = c.boundary();
    const tnef = Buffer.concat([
      Buffer.from([0x78, 0x9f, 0x3e, 0x22]),
      c.rng.bytes(c.rng.int(400, 2000)),
      Buffer.from(`{\\rtf1\\ansi ${hidden} \\par}`),
      c.rng.bytes(c.rng.int(100, 900)),
    ]);
    return {
      detail: v % 2 ? 'after an HTML part' : 'after a text part',
      raw: c.mail({
        subject,
        extra: [
          'X-MS-Has-Attach: yes',
          'X-MS-TNEF-Correlator: <' + c.rng.hex(20) + '@example.org>',
        ],
        content: [`Content-Type: multipart/mixed; boundary="${b}"`],
        body: multipart(b, [
          v % 2
            ? textPart(c.rng, 'html', `<p>${c.prose(3, [word])}</p>`, {
                codec: 'windows-1252',
                label: 'windows-1252',
                cte: 'quoted-printable',
              })
            : textPart(c.rng, 'plain', c.prose(3, [word]), {
                codec: 'windows-1252',
                label: 'us-ascii',
                cte: '7bit',
              }),
          attachment('application/ms-tnef', 'winmail.dat', tnef),
        ]),
      }),
      expect: {
        subject,
        words: [word],
        absent: [hidden],
        attachments: 1,
        filenames: ['winmail.dat'],
      },
    };
  },
};

const uuencoded: Family = {
  name: 'uuencoded file in a text body',
  make(c, v) {
    const [word, after, hidden] = [c.word(), c.word(), c.word()];
    const subject = `${c.rng.pick(FILLER.en)} ${c.word()}`;
    const file = Buffer.from(`${c.prose(10, [hidden])}\n`);
    return {
      detail: v % 2 ? 'with MIME header' : 'no MIME at all',
      raw: c.mail({
        subject,
        noMimeVersion: v % 2 === 0,
        content: v % 2 ? ['Content-Type: text/plain; charset=us-ascii'] : [],
        body: crlf(
          `${c.prose(3, [word])}\n\n${uuencode(`${c.word()}.txt`, file)}\n\n${c.prose(1, [after])}\n`,
        ),
      }),
      expect: { subject, words: [word, after], absent: [hidden] },
    };
  },
};

const inlinePgp: Family = {
  name: 'inline PGP',
  make(c, v) {
    const [word, dashed] = [c.word(), c.word()];
    const subject = `${c.rng.pick(FILLER.en)} ${c.word()}`;
    const sig = base64(c.rng.bytes(280), 64);
    const text =
      v % 2
        ? `-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA256\n\n${c.prose(4, [word])}\n- -- ${dashed}\n-----BEGIN PGP SIGNATURE-----\n\n${sig}\n=${c.rng.bytes(3).toString('base64')}\n-----END PGP SIGNATURE-----\n`
        : `${c.prose(2, [word, dashed])}\n\n-----BEGIN PGP MESSAGE-----\n\n${base64(c.rng.bytes(600), 64)}\n-----END PGP MESSAGE-----\n`;
    return {
      detail: v % 2 ? 'clear-signed' : 'encrypted block after text',
      raw: c.mail({
        subject,
        content: ['Content-Type: text/plain; charset=utf-8'],
        body: crlf(text),
      }),
      expect: { subject, words: [word, dashed] },
    };
  },
};

const commonAttachments: Family = {
  name: 'everyday attachments',
  make(c, v) {
    const [word, hidden] = [c.word(), c.word()];
    const subject = `${c.rng.pick(['Contract', 'Photos', 'Report', 'Scans'])} ${c.word()}`;
    const b = c.boundary();
    const kinds: [string, string, () => Buffer][] = [
      [
        'application/pdf',
        'pdf',
        () => Buffer.concat([Buffer.from('%PDF-1.7\n'), c.rng.bytes(c.rng.int(2000, 30_000))]),
      ],
      [
        'image/jpeg',
        'jpg',
        () => Buffer.concat([Buffer.from('ffd8ffe0', 'hex'), c.rng.bytes(c.rng.int(3000, 60_000))]),
      ],
      [
        'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
        'docx',
        () => Buffer.concat([Buffer.from('PK\x03\x04'), c.rng.bytes(c.rng.int(2000, 20_000))]),
      ],
      [
        'application/zip',
        'zip',
        () => Buffer.concat([Buffer.from('PK\x03\x04'), c.rng.bytes(c.rng.int(1000, 10_000))]),
      ],
      ['text/csv', 'csv', () => Buffer.from(`name,amount\n${hidden},42\nother,7\n`)],
      ['text/plain', 'txt', () => Buffer.from(`${c.prose(3, [hidden])}\n`)],
    ];
    const n = (v % 3) + 1;
    const files = Array.from({ length: n }, (_, i) => kinds[(v + i * 2) % kinds.length]!);
    const names = files.map(([, ext]) => `${c.word()}.${ext}`);
    const parts = [
      textPart(c.rng, 'plain', c.prose(3, [word])),
      ...files.map(([type, , bytes], i) => attachment(type, names[i]!, bytes())),
    ];
    const hasTextFile = files.some(([type]) => type.startsWith('text/'));
    const total = parts.reduce((s, p) => s + p.length, 0);
    return {
      detail: `${files.map(([, ext]) => ext).join('+')}${total > 32_000 ? ', large' : ''}`,
      raw: c.mail({
        subject,
        content: [`Content-Type: multipart/mixed; boundary="${b}"`],
        body: multipart(b, parts),
      }),
      expect: {
        subject,
        words: [word],
        attachments: n,
        filenames: names,
        ...(hasTextFile ? { absent: [hidden] } : {}),
      },
    };
  },
};

const outlookHtml: Family = {
  name: 'Outlook HTML',
  make(c, v) {
    const [w1, w2, quoted] = [c.word(), c.word(), c.word()];
    const [styleWord, commentWord, xmlWord] = [c.word(), c.word(), c.word()];
    const subject = `RE: ${c.rng.pick(FILLER.en)} ${c.word()}`;
    const p = (s: string) => `<p class=MsoNormal>${s}<o:p></o:p></p>`;
    const html =
      `<html xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office" xmlns:w="urn:schemas-microsoft-com:office:word" xmlns:m="http://schemas.microsoft.com/office/2004/12/omml" xmlns="http://www.w3.org/TR/REC-html40">\n` +
      `<head><meta http-equiv=Content-Type content="text/html; charset=windows-1252"><meta name=Generator content="Microsoft Word 15 (filtered medium)">\n` +
      `<!--[if !mso]><style>v\\:* {behavior:url(#default#VML);}\no\\:* {behavior:url(#default#VML);}\n</style><![endif]--><style><!--\n/* Font Definitions */\n@font-face\n\t{font-family:"Cambria Math";\n\tpanose-1:2 4 5 3 5 4 6 3 2 4;}\np.MsoNormal, li.MsoNormal, div.MsoNormal\n\t{margin:0cm;\n\tfont-size:11.0pt;\n\tfont-family:"Calibri",sans-serif;}\n/* ${styleWord} */\nspan.EmailStyle17\n\t{mso-style-type:personal-compose;}\n--></style>` +
      `<!--[if gte mso 9]><xml>\n<o:shapedefaults v:ext="edit" spidmax="1026" />\n<o:DocumentProperties>${xmlWord}</o:DocumentProperties>\n</xml><![endif]--></head>` +
      `<body lang=EN-US link="#0563C1" vlink="#954F72" style='word-wrap:break-word'><div class=WordSection1>` +
      p('Hi team,') +
      p('<o:p>&nbsp;</o:p>') +
      p(`${c.prose(3, [w1])} The \u201c${w2}\u201d figures are final.`) +
      `<!-- ${commentWord} -->` +
      p('<o:p>&nbsp;</o:p>') +
      p('Regards,<br>Ana') +
      `<div><div style='border:none;border-top:solid #E1E1E1 1.0pt;padding:3.0pt 0cm 0cm 0cm'>` +
      p(
        `<b>From:</b> Bram de Vries &lt;bram@example.net&gt; <br><b>Sent:</b> Monday, March 4, 2024 9:12 AM<br><b>Subject:</b> figures`,
      ) +
      `</div></div>` +
      p(c.prose(3, [quoted])) +
      `</div></body></html>`;
    const kind = v % 2;
    const b = c.boundary();
    const htmlPart = textPart(c.rng, 'html', html, {
      codec: 'windows-1252',
      label: 'windows-1252',
      cte: 'quoted-printable',
    });
    return {
      detail: kind ? 'with stub text part' : 'HTML only',
      raw: c.mail({
        subject,
        extra: [
          'Thread-Topic: figures',
          `Thread-Index: ${c.rng.bytes(22).toString('base64')}`,
          'X-MS-Has-Attach:',
          'Content-Language: en-US',
        ],
        content: kind
          ? [`Content-Type: multipart/alternative; boundary="${b}"`]
          : [
              'Content-Type: text/html; charset="windows-1252"',
              'Content-Transfer-Encoding: quoted-printable',
            ],
        body: kind
          ? multipart(b, [
              textPart(c.rng, 'plain', 'Hi team,\n\nThe figures are final.\n', {
                label: 'us-ascii',
              }),
              htmlPart,
            ])
          : htmlPart.subarray(htmlPart.indexOf('\r\n\r\n') + 4),
      }),
      expect: {
        subject,
        words: [w1, w2, quoted],
        absent: [styleWord, commentWord, xmlWord],
        attachments: 0,
      },
    };
  },
};

const newsletter: Family = {
  name: 'newsletter HTML',
  make(c, v) {
    const [headline, story, msoOnly] = [c.word(), c.word(), c.word()];
    const [cssWord, scriptWord, jsonWord, commentWord, titleWord] = [
      c.word(),
      c.word(),
      c.word(),
      c.word(),
      c.word(),
    ];
    const nonMso = c.word();
    const subject = `${c.rng.pick(['This week', 'Your March update', 'Last chance'])}: ${headline}`;
    const rows = Array.from(
      { length: c.rng.int(3, 12) },
      (_, i) =>
        `<tr><td class="story" style="padding:12px 24px;font-family:Arial,sans-serif;"><h2 style="margin:0">Item ${i + 1}</h2>` +
        `<p>${c.prose(2, i === 1 ? [story] : [])}</p><a href="https://news.example.com/r/${c.rng.hex(12)}" style="color:#0066cc">Read more &rarr;</a></td></tr>`,
    ).join('\n');
    const html =
      `<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">` +
      `<html xmlns="http://www.w3.org/1999/xhtml"><head><meta http-equiv="Content-Type" content="text/html; charset=UTF-8">` +
      `<title>${titleWord}</title><style type="text/css">@media only screen and (max-width:480px){ .story{padding:8px !important} } .${cssWord}{display:none}</style>` +
      `<script type="application/ld+json">{"@context":"http://schema.org","@type":"EmailMessage","description":"${jsonWord}"}</script>` +
      `<script>var ${scriptWord} = 1;</script></head>` +
      `<body style="margin:0;padding:0;background:#f4f4f4">` +
      `<div style="display:none;max-height:0;overflow:hidden">Fresh picks inside&zwnj;&nbsp;&zwnj;&nbsp;&zwnj;&nbsp;</div>` +
      `<!--[if mso]><table width="600"><tr><td>${msoOnly}</td></tr></table><![endif]-->` +
      `<!--[if !mso]><!--><p>${nonMso}</p><!--<![endif]-->` +
      `<!-- ${commentWord} tracking block -->` +
      `<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0"><tr><td align="center">` +
      `<table width="600" cellpadding="0" cellspacing="0" border="0"><tr><td><h1 style="font-size:28px">${headline}</h1></td></tr>${rows}` +
      `<tr><td style="font-size:11px;color:#999">You are receiving this because you signed up. <a href="https://news.example.com/u/${c.rng.hex(16)}">Unsubscribe</a></td></tr></table>` +
      `</td></tr></table><img src="https://news.example.com/o/${c.rng.hex(20)}.gif" width="1" height="1" alt=""></body></html>`;
    const b = c.boundary();
    const cte = c.rng.pick(['quoted-printable', 'base64'] as const);
    const stub = v % 3 === 2;
    return {
      detail: `${rows.length} bytes of rows, ${cte}${stub ? ', stub text part' : ''}`,
      raw: c.mail({
        subject,
        from: '"Example News" <news@news.example.com>',
        extra: [
          `List-Unsubscribe: <https://news.example.com/u/${c.rng.hex(16)}>, <mailto:unsub-${c.rng.hex(8)}@news.example.com>`,
          'List-Unsubscribe-Post: List-Unsubscribe=One-Click',
          `List-Id: Example News <news.example.com>`,
          'Precedence: bulk',
          `Feedback-ID: ${c.rng.int(1000, 9999)}:news:example`,
        ],
        content: stub
          ? [`Content-Type: multipart/alternative; boundary="${b}"`]
          : ['Content-Type: text/html; charset=UTF-8', `Content-Transfer-Encoding: ${cte}`],
        body: stub
          ? multipart(b, [
              textPart(
                c.rng,
                'plain',
                'View this email in your browser: https://news.example.com/v/1',
              ),
              textPart(c.rng, 'html', html, { cte }),
            ])
          : encodeBody(Buffer.from(crlf(html)), cte),
      }),
      expect: {
        subject,
        words: [headline, story, nonMso],
        // msoOnly sits in a comment too: only Outlook renders it.
        absent: [cssWord, scriptWord, jsonWord, commentWord, titleWord, msoOnly],
        attachments: 0,
      },
    };
  },
};

const htmlWordSplits: Family = {
  name: 'HTML words split by markup',
  make(c, v) {
    const [tagged, shy, entity1, entity2, br1, br2] = [
      c.word(),
      c.word(),
      c.word(),
      c.word(),
      c.word(),
      c.word(),
    ];
    const subject = `${c.rng.pick(FILLER.en)} ${c.word()}`;
    const half = (w: string) => [w.slice(0, 3), w.slice(3)] as const;
    const [t1, t2] = half(tagged);
    const [s1, s2] = half(shy);
    const encoded = [...entity1]
      .map((ch, i) => (i % 2 ? `&#${ch.charCodeAt(0)};` : `&#x${ch.charCodeAt(0).toString(16)};`))
      .join('');
    const html =
      `<html><body><div style="font-family:Helvetica">` +
      `<p>${c.prose(2)} ${t1}<b>${t2}</b> ${c.prose(1)}</p>` +
      `<p>${s1}&shy;${s2} and ${encoded} and caf&eacute;&nbsp;${entity2}</p>` +
      `<div>${br1}<br>${br2}</div>` +
      `</div></body></html>`;
    return {
      detail: v % 2 ? 'quoted-printable' : '8bit',
      raw: c.mail({
        subject,
        content: [
          'Content-Type: text/html; charset=utf-8',
          `Content-Transfer-Encoding: ${v % 2 ? 'quoted-printable' : '8bit'}`,
        ],
        body: encodeBody(Buffer.from(crlf(html)), v % 2 ? 'quoted-printable' : '8bit'),
      }),
      expect: { subject, words: [tagged, shy, entity1, entity2, br1, br2], attachments: 0 },
    };
  },
};

const phoneAndWebmail: Family = {
  name: 'phone and webmail HTML replies',
  make(c, v) {
    const [reply, quoted, deeper] = [c.word(), c.word(), c.word()];
    const subject = `Re: ${c.rng.pick(FILLER.en)} ${c.word()}`;
    const gmail = v % 2 === 0;
    const html = gmail
      ? `<div dir="ltr">${c.prose(2, [reply])}</div><br><div class="gmail_quote"><div dir="ltr" class="gmail_attr">On Mon, 4 Mar 2024 at 09:12, Ana Torres &lt;<a href="mailto:ana.torres@example.org">ana.torres@example.org</a>&gt; wrote:<br></div><blockquote class="gmail_quote" style="margin:0px 0px 0px 0.8ex;border-left:1px solid rgb(204,204,204);padding-left:1ex"><div dir="ltr">${c.prose(3, [quoted])}<blockquote class="gmail_quote">${c.prose(2, [deeper])}</blockquote></div></blockquote></div>`
      : `<html><head><meta http-equiv="content-type" content="text/html; charset=utf-8"></head><body dir="auto">${c.prose(2, [reply])}<br><br><div dir="ltr">Sent from my iPhone</div><div dir="ltr"><br><blockquote type="cite">On 4 Mar 2024, at 09:12, Ana Torres &lt;ana.torres@example.org&gt; wrote:<br><br></blockquote></div><blockquote type="cite"><div dir="ltr">${c.prose(3, [quoted])}<blockquote>${c.prose(2, [deeper])}</blockquote></div></blockquote></body></html>`;
    const b = c.boundary();
    const text = `${c.prose(2, [reply])}\n\nOn Mon, 4 Mar 2024 at 09:12, Ana Torres wrote:\n> ${c.prose(3, [quoted]).replace(/\n/g, '\n> ')}\n>> ${c.prose(2, [deeper]).replace(/\n/g, '\n>> ')}\n`;
    return {
      detail: gmail ? 'Gmail' : 'iPhone',
      raw: c.mail({
        subject,
        extra: [`In-Reply-To: <${c.rng.hex(16)}@example.org>`],
        content: [`Content-Type: multipart/alternative; boundary="${b}"`],
        body: multipart(b, [
          textPart(c.rng, 'plain', text, { cte: 'quoted-printable' }),
          textPart(c.rng, 'html', html, { cte: 'quoted-printable' }),
        ]),
      }),
      expect: { subject, words: [reply, quoted, deeper], attachments: 0 },
    };
  },
};

const dataUriImage: Family = {
  name: 'HTML with a data: URI image',
  make(c, v) {
    const word = c.word();
    const subject = `${c.rng.pick(FILLER.en)} ${c.word()}`;
    const png = Buffer.concat([
      Buffer.from('89504e470d0a1a0a', 'hex'),
      c.rng.bytes(2000 + v * 3000),
    ]);
    const html = `<html><body><p>${c.prose(3, [word])}</p><img src="data:image/png;base64,${png.toString('base64')}" alt="chart"></body></html>`;
    return {
      detail: `${png.length} byte image`,
      raw: c.mail({
        subject,
        content: [
          'Content-Type: text/html; charset=utf-8',
          'Content-Transfer-Encoding: quoted-printable',
        ],
        body: encodeBody(Buffer.from(html), 'quoted-printable'),
      }),
      expect: { subject, words: [word], attachments: 0 },
    };
  },
};

function quoteThread(c: Ctx, levels: number, words: string[]): string {
  const lines: string[] = [];
  for (let level = 1; level <= levels; level++) {
    const prefix = '>'.repeat(level) + ' ';
    const who = c.rng.pick(PEOPLE)[0];
    lines.push(
      `${'>'.repeat(level - 1)}${level > 1 ? ' ' : ''}On ${c.dateHeader()}, ${who} wrote:`,
    );
    const text = c.prose(c.rng.int(2, 8), words[level - 1] ? [words[level - 1]!] : []);
    for (const l of text.split('\n')) lines.push(prefix + l);
    lines.push('>'.repeat(level));
  }
  return lines.join('\n');
}

const listTraffic: Family = {
  name: 'mailing list thread',
  make(c, v) {
    const reply = c.word();
    const levels = 2 + (v % 6) * 2;
    const quoted = Array.from({ length: Math.min(levels, 4) }, () => c.word());
    const listName = c.rng.pick(['dev', 'users', 'announce', 'general']);
    const subject = `Re: [${listName}] ${c.rng.pick(FILLER.en)} ${c.word()}`;
    const text = `${c.prose(3, [reply])}\n\n${quoteThread(c, levels, quoted)}\n\n-- \nDana Okafor\nhttps://example.org/~dana\n\n_______________________________________________\n${listName} mailing list\n${listName}@lists.example.net\nhttps://lists.example.net/mailman/listinfo/${listName}\n`;
    return {
      detail: `${levels} levels of quotes`,
      raw: c.mail({
        subject,
        to: `${listName}@lists.example.net`,
        extra: [
          `List-Id: ${listName} discussion <${listName}.lists.example.net>`,
          `List-Unsubscribe: <https://lists.example.net/mailman/options/${listName}>,${CRLF} <mailto:${listName}-request@lists.example.net?subject=unsubscribe>`,
          `List-Archive: <https://lists.example.net/pipermail/${listName}/>`,
          `List-Post: <mailto:${listName}@lists.example.net>`,
          `List-Help: <mailto:${listName}-request@lists.example.net?subject=help>`,
          'Precedence: list',
          `Sender: "${listName}" <${listName}-bounces@lists.example.net>`,
          'Errors-To: ' + `${listName}-bounces@lists.example.net`,
          `In-Reply-To: <${c.rng.hex(16)}@example.org>`,
        ],
        content: [
          `Content-Type: text/plain; charset=${c.rng.pick(['us-ascii', 'utf-8'])}; format=flowed`,
          'Content-Transfer-Encoding: 7bit',
        ],
        body: crlf(text),
      }),
      expect: { subject, words: [reply, ...quoted], attachments: 0 },
    };
  },
};

const outlookQuoting: Family = {
  name: 'top-posted reply with Original Message',
  make(c, v) {
    const [reply, quoted] = [c.word(), c.word()];
    const subject = `${v % 2 ? 'AW' : 'RE'}: ${c.rng.pick(FILLER.en)} ${c.word()}`;
    const text = `${c.prose(2, [reply])}\n\nBest regards\nGustavo\n\n-----Original Message-----\nFrom: Ana Torres <ana.torres@example.org>\nSent: Monday, March 4, 2024 9:12 AM\nTo: Gustavo Pereira <gpereira@example.org>\nSubject: figures\n\n${c.prose(c.rng.int(3, 30), [quoted])}\n`;
    return {
      detail: v % 2 ? 'German prefix' : 'English prefix',
      raw: c.mail({
        subject,
        content: [
          'Content-Type: text/plain; charset="us-ascii"',
          'Content-Transfer-Encoding: 7bit',
        ],
        body: crlf(text),
      }),
      expect: { subject, words: [reply, quoted], attachments: 0 },
    };
  },
};

/**
 * The posts of a digest are messages; typed message/rfc822 they are attachments, untyped
 * (message/rfc822 by RFC 2046) Maildock reads them as text. Only the digest's own words are
 * asserted.
 */
const digests: Family = {
  name: 'multipart/digest',
  make(c, v) {
    const [intro, subjectWord] = [c.word(), c.word()];
    const subject = `users Digest, Vol ${c.rng.int(10, 300)}, Issue ${c.rng.int(1, 40)} ${subjectWord}`;
    const outer = c.boundary();
    const digest = c.boundary();
    const n = 2 + (v % 4);
    const posts = Array.from({ length: n }, () =>
      // In a digest a part without a Content-Type is message/rfc822 (RFC 2046).
      entity(
        v % 2 ? ['Content-Type: message/rfc822'] : [],
        c.simple(c.rng.pick(FILLER.en), c.prose(3, [c.word()]), true),
      ),
    );
    return {
      detail: `${n} posts${v % 2 ? '' : ', default part type'}`,
      raw: c.mail({
        subject,
        extra: ['List-Id: users <users.lists.example.net>', 'Precedence: list'],
        content: [`Content-Type: multipart/mixed; boundary="${outer}"`],
        body: multipart(outer, [
          textPart(
            c.rng,
            'plain',
            `Send users mailing list submissions to users@lists.example.net\n\n${c.prose(2, [intro])}\n`,
          ),
          entity(
            [`Content-Type: multipart/digest; boundary="${digest}"`],
            multipart(digest, posts),
          ),
        ]),
      }),
      expect: { subject, words: [intro, subjectWord] },
    };
  },
};

/** Apple Mail marks every attachment inline and splits the text around it. */
const inlineFiles: Family = {
  name: 'attachments marked inline',
  make(c, v) {
    const [before, after] = [c.word(), c.word()];
    const subject = `${c.rng.pick(['Signed contract', 'Scan', 'Photos from Sunday'])} ${c.word()}`;
    const b = c.boundary();
    const pdf = v % 2 === 0;
    const name = `${c.word()}.${pdf ? 'pdf' : 'docx'}`;
    const bytes = Buffer.concat([
      Buffer.from(pdf ? '%PDF-1.4\n' : 'PK\x03\x04', 'latin1'),
      c.rng.bytes(v % 4 < 2 ? c.rng.int(2000, 9000) : c.rng.int(40_000, 60_000)),
    ]);
    const type = pdf
      ? 'application/pdf'
      : 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';
    return {
      detail: `${pdf ? 'PDF' : 'DOCX'}${v % 4 < 2 ? '' : ', large'}`,
      raw: c.mail({
        subject,
        extra: ['X-Mailer: Apple Mail (2.3774.500.171.1.1)'],
        content: [`Content-Type: multipart/mixed; boundary="${b}"`],
        body: multipart(b, [
          textPart(c.rng, 'plain', c.prose(2, [before]), { label: 'us-ascii', cte: '7bit' }),
          attachment(type, name, bytes, { disposition: 'inline' }),
          textPart(c.rng, 'plain', `\n${c.prose(1, [after])}\n`, {
            label: 'us-ascii',
            cte: '7bit',
          }),
        ]),
      }),
      // A document is a file whatever its Content-Disposition: listed, found by has: and filename:.
      expect: { subject, words: [before, after], attachments: 1, filenames: [name] },
    };
  },
};

const autoReplies: Family = {
  name: 'automatic reply',
  make(c, v) {
    const word = c.word();
    const subject = `${v % 2 ? 'Automatic reply' : 'Out of Office'}: ${c.rng.pick(FILLER.en)} ${c.word()}`;
    return {
      detail: v % 2 ? 'Exchange' : 'vacation',
      raw: c.mail({
        subject,
        extra: [
          'Auto-Submitted: auto-replied',
          'X-Auto-Response-Suppress: All',
          'Precedence: bulk',
        ],
        content: ['Content-Type: text/plain; charset="utf-8"', 'Content-Transfer-Encoding: base64'],
        body: base64(Buffer.from(crlf(c.prose(2, [word])))),
      }),
      expect: { subject, words: [word], attachments: 0 },
    };
  },
};

export const FAMILIES: readonly Family[] = [
  ...CHARSETS.map(charsetFamily),
  mislabelledLatin1,
  unlabelledUtf8,
  unlabelledLatin1,
  utf7,
  htmlMetaCharset,
  utf8Encoded,
  encodedSubjects,
  splitMultibyte,
  malformedEncodedWords,
  rawHeaders,
  encodedSenders,
  filenames,
  missingClose,
  boundaryNeverPresent,
  wrongTransferEncoding,
  brokenBase64,
  badQuotedPrintable,
  lineEndings,
  nulBytes,
  contentTypeOddities,
  emptyMultipart,
  preambleEpilogue,
  formatFlowed,
  headersOnly,
  manyReceived,
  longReferences,
  hugeSubject,
  longLines,
  forwarded,
  relatedImages,
  alternatives,
  smime,
  pgpMime,
  bounces,
  invites,
  winmailDat,
  uuencoded,
  inlinePgp,
  commonAttachments,
  outlookHtml,
  newsletter,
  htmlWordSplits,
  phoneAndWebmail,
  dataUriImage,
  listTraffic,
  outlookQuoting,
  digests,
  inlineFiles,
  autoReplies,
];

const BASE_DATE = Date.UTC(2023, 0, 2, 8, 0, 0);

/**
 * `count` messages (300 by default), the families taken in turn (by weight) so that every
 * family is in any corpus of a few dozen messages, and every shape of each at the default size.
 */
export function realWorldMail(opts: RealMailOptions = {}): RealMessage[] {
  const count = opts.count ?? 300;
  const seed = opts.seed ?? 0x5eed;
  const rng = new Rng(seed);
  const used = new Set<string>();
  const out: RealMessage[] = [];
  const rotation = FAMILIES.flatMap((f) => Array<Family>(f.weight ?? 1).fill(f));
  const made = new Map<Family, number>();
  for (let i = 0; i < count; i++) {
    const family = rotation[i % rotation.length]!;
    const variant = made.get(family) ?? 0;
    made.set(family, variant + 1);
    const date = new Date(BASE_DATE + i * 7 * 3600_000 + rng.int(0, 3599) * 1000);
    const messageId = `<${rng.hex(12)}.${i}.${seed.toString(36)}@mail.example.org>`;
    const draft = family.make(new Ctx(rng, used, date, messageId), variant);
    const name = `${family.name}: ${draft.detail} #${i}`;
    if (draft.raw.length > MAX_REAL_MESSAGE_BYTES)
      throw new Error(`${name} is ${draft.raw.length} bytes, over ${MAX_REAL_MESSAGE_BYTES}`);
    out.push({ name, messageId, raw: draft.raw, date, expect: draft.expect });
  }
  return out;
}
