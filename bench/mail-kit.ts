// What bench/corpus.ts and the bench:sync mail shapes (bench/sync/shape-*.ts) build their mail
// from: a seeded generator (never Math.random, so a seed gives the same mailbox on every
// machine), charsets and transfer encodings, RFC 2047 header values, MIME parts, dates, names.
// Every bench mailbox is made of these bytes: a change here changes what each bench measured,
// so one that is not meant to must leave generateCorpus and every shape byte-identical.

export type Rng = () => number;

export function mulberry32(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const int = (rng: Rng, n: number): number => Math.floor(rng() * n);
export const pick = <T>(rng: Rng, arr: readonly T[]): T => arr[int(rng, arr.length)] as T;
export const chance = (rng: Rng, p: number): boolean => rng() < p;
export function logNormal(rng: Rng, median: number, sigma: number): number {
  const z = Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
  return median * Math.exp(sigma * z);
}
export function hex(rng: Rng, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += '0123456789abcdef'[int(rng, 16)];
  return s;
}

export class Zipf {
  private readonly cdf: Float64Array;
  constructor(n: number, s: number) {
    this.cdf = new Float64Array(n);
    let sum = 0;
    for (let i = 0; i < n; i++) this.cdf[i] = sum += 1 / Math.pow(i + 1, s);
    for (let i = 0; i < n; i++) this.cdf[i] = (this.cdf[i] as number) / sum;
  }
  sample(rng: Rng): number {
    const u = rng();
    let lo = 0;
    let hi = this.cdf.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((this.cdf[mid] as number) < u) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

/** Where every bench mailbox starts; its mail spreads over the three years after. */
export const MAIL_START = new Date('2022-01-03T08:00:00Z');
const SPAN_MS = 3 * 365 * 24 * 3600 * 1000;
/** The i-th of `count` dates over three years from `start`, ascending, whole seconds. */
export function dateOf(rng: Rng, i: number, count: number, start = MAIL_START.getTime()): Date {
  const step = SPAN_MS / Math.max(1, count);
  return new Date(Math.floor((start + (i + 0.05 + 0.9 * rng()) * step) / 1000) * 1000);
}

export type Charset = 'utf-8' | 'iso-8859-1' | 'windows-1252';
export type Cte = '7bit' | '8bit' | 'quoted-printable' | 'base64';
export const HEXC = Buffer.from('0123456789ABCDEF');
const CP1252: Record<string, string> = {
  '€': '\x80',
  '‚': '\x82',
  '„': '\x84',
  '…': '\x85',
  '‘': '\x91',
  '’': '\x92',
  '“': '\x93',
  '”': '\x94',
  '–': '\x96',
  '—': '\x97',
  '™': '\x99',
};
const ASCII_FALLBACK: Record<string, string> = {
  '€': 'EUR',
  '‚': ',',
  '„': '"',
  '…': '...',
  '‘': "'",
  '’': "'",
  '“': '"',
  '”': '"',
  '–': '-',
  '—': '--',
  '™': '(TM)',
};
// Astral characters are surrogate pairs to a regex without the u flag: inside this range too.
const NON_ASCII = /[\u0080-\uffff]/;
export const isAscii = (s: string): boolean => !NON_ASCII.test(s);

/** Text as it can be written in the charset: what it cannot carry is replaced or dropped. */
export function fitCharset(text: string, charset: Charset): string {
  if (charset === 'utf-8' || isAscii(text)) return text;
  const keep = charset === 'windows-1252' ? CP1252 : {};
  return text.replace(/[\u0100-\u{10ffff}]/gu, (ch) =>
    ch in keep ? ch : (ASCII_FALLBACK[ch] ?? ''),
  );
}

function encodeCharset(text: string, charset: Charset): Buffer {
  if (charset === 'utf-8') return Buffer.from(text, 'utf8');
  if (charset === 'windows-1252') text = text.replace(/[€‚„…‘’“”–—™]/g, (ch) => CP1252[ch] ?? '?');
  return Buffer.from(text, 'latin1');
}

/** Quoted-printable (RFC 2045) with soft breaks at 76 columns; LF in, CRLF out. */
export function qpEncode(src: Buffer): Buffer {
  const out = Buffer.allocUnsafe(src.length * 4 + 16);
  let o = 0;
  let col = 0;
  const fixTrailingSpace = (): void => {
    const prev = out[o - 1] as number;
    if (col > 0 && (prev === 32 || prev === 9)) {
      out[o - 1] = 61;
      out[o++] = HEXC[prev >> 4] as number;
      out[o++] = HEXC[prev & 15] as number;
    }
  };
  for (let i = 0; i < src.length; i++) {
    const b = src[i] as number;
    if (b === 13) continue;
    if (b === 10) {
      fixTrailingSpace();
      out[o++] = 13;
      out[o++] = 10;
      col = 0;
      continue;
    }
    const literal = (b >= 33 && b <= 126 && b !== 61) || b === 32 || b === 9;
    const width = literal ? 1 : 3;
    if (col + width > 73) {
      out[o++] = 61;
      out[o++] = 13;
      out[o++] = 10;
      col = 0;
    }
    if (literal) out[o++] = b;
    else {
      out[o++] = 61;
      out[o++] = HEXC[b >> 4] as number;
      out[o++] = HEXC[b & 15] as number;
    }
    col += width;
  }
  fixTrailingSpace();
  return out.subarray(0, o);
}

export function base64Lines(data: Buffer): Buffer {
  const b64 = Buffer.from(data.toString('base64'), 'latin1');
  const out = Buffer.allocUnsafe(b64.length + Math.ceil(b64.length / 76) * 2);
  let o = 0;
  for (let i = 0; i < b64.length; i += 76) {
    o += b64.copy(out, o, i, Math.min(i + 76, b64.length));
    out[o++] = 13;
    out[o++] = 10;
  }
  return out.subarray(0, o);
}

/** Body text (LF line breaks) → transfer-encoded bytes with CRLF line breaks. */
export function encodeBody(text: string, cte: Cte, charset: Charset = 'utf-8'): Buffer {
  const bytes = encodeCharset(text, charset);
  if (cte === 'quoted-printable') return qpEncode(bytes);
  const crlf = Buffer.from(bytes.toString('latin1').replace(/\n/g, '\r\n'), 'latin1');
  return cte === 'base64' ? base64Lines(crlf) : crlf;
}

/** RFC 2047 encoded words, each at most 75 characters, folded onto continuation lines. */
export function encodeWords(
  text: string,
  mode: 'B' | 'Q',
  firstBudget = 60,
  charset: Charset = 'utf-8',
): string {
  const cs = charset.toUpperCase();
  const overhead = cs.length + 7; // =?UTF-8?Q?...?=
  const words: string[] = [];
  let chunk: Buffer[] = [];
  let chunkLen = 0;
  const cost = (b: Buffer): number => {
    if (mode === 'B') return b.length;
    let n = 0;
    for (const x of b) n += isQpWordSafe(x) ? 1 : 3;
    return n;
  };
  const flush = (): void => {
    if (chunk.length === 0) return;
    const data = Buffer.concat(chunk);
    let enc = '';
    if (mode === 'B') enc = data.toString('base64');
    else
      for (const x of data)
        enc +=
          x === 32
            ? '_'
            : isQpWordSafe(x)
              ? String.fromCharCode(x)
              : `=${String.fromCharCode(HEXC[x >> 4] as number, HEXC[x & 15] as number)}`;
    words.push(`=?${cs}?${mode}?${enc}?=`);
    chunk = [];
    chunkLen = 0;
  };
  for (const ch of text) {
    const b = encodeCharset(ch, charset);
    const c = cost(b);
    const budget = (words.length === 0 ? firstBudget : 75) - overhead;
    // base64 grows 4/3, rounded up to whole quads
    const encodedLen = (n: number): number => (mode === 'B' ? Math.ceil(n / 3) * 4 : n);
    if (chunkLen > 0 && encodedLen(chunkLen + c) > budget) flush();
    chunk.push(b);
    chunkLen += c;
  }
  flush();
  return words.join('\r\n ');
}

function isQpWordSafe(x: number): boolean {
  return (x >= 48 && x <= 57) || (x >= 65 && x <= 90) || (x >= 97 && x <= 122) || x === 32;
}

/** Folds an ASCII header value at spaces so lines stay within 78 characters. */
export function fold(name: string, value: string): string {
  if (name.length + 2 + value.length <= 78) return value;
  const lines: string[] = [];
  let line = '';
  let limit = 78 - name.length - 2;
  for (const t of value.split(' ')) {
    if (line && line.length + 1 + t.length > limit) {
      lines.push(line);
      line = t;
      limit = 77;
    } else line = line ? `${line} ${t}` : t;
  }
  lines.push(line);
  return lines.join('\r\n ');
}

const REPLY_PREFIX = /^((?:(?:Re|RE|Fwd|AW|Aw): )*)(.*)$/s;
const REPLY_OR_TAG_PREFIX = /^((?:(?:Re|RE|Fwd|AW|Aw): |\[[\w.-]+\] )*)(.*)$/s;

/**
 * A header's value: as is when ASCII, encoded words otherwise, with a leading "Re: " (and with
 * `listTag`, a "[list] " tag) kept as ASCII. The words are in `charset` when it carries the
 * text, in UTF-8 otherwise.
 */
export function headerText(
  name: string,
  text: string,
  mode: 'B' | 'Q',
  { charset = 'utf-8', listTag = false }: { charset?: Charset; listTag?: boolean } = {},
): string {
  if (isAscii(text)) return fold(name, text);
  const m = (listTag ? REPLY_OR_TAG_PREFIX : REPLY_PREFIX).exec(text);
  const prefix = m?.[1] ?? '';
  const rest = m?.[2] ?? text;
  const cs = fitCharset(rest, charset) === rest ? charset : 'utf-8';
  return prefix + encodeWords(rest, mode, 76 - name.length - 2 - prefix.length, cs);
}

export function formatAddress(
  p: { name: string; address: string },
  mode: 'B' | 'Q',
  charset: Charset = 'utf-8',
): string {
  if (!p.name) return p.address;
  if (!isAscii(p.name))
    return `${encodeWords(p.name, mode, 60, fitCharset(p.name, charset) === p.name ? charset : 'utf-8')} <${p.address}>`;
  return /[,.'"()]/.test(p.name)
    ? `"${p.name.replace(/"/g, '\\"')}" <${p.address}>`
    : `${p.name} <${p.address}>`;
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
/** A Date header's value at `tzMinutes` east of UTC; mailers differ on "3 Jan" or "03 Jan". */
export function rfc5322Date(d: Date, tzMinutes: number, padDay = true): string {
  const l = new Date(d.getTime() + tzMinutes * 60_000);
  const p2 = (n: number): string => String(n).padStart(2, '0');
  const abs = Math.abs(tzMinutes);
  const day = padDay ? p2(l.getUTCDate()) : String(l.getUTCDate());
  return `${DAYS[l.getUTCDay()]}, ${day} ${MONTHS[l.getUTCMonth()]} ${l.getUTCFullYear()} ${p2(l.getUTCHours())}:${p2(l.getUTCMinutes())}:${p2(l.getUTCSeconds())} ${tzMinutes < 0 ? '-' : '+'}${p2(Math.floor(abs / 60))}${p2(abs % 60)}`;
}

export function messageId(rng: Rng, i: number, domain: string): string {
  return `<${hex(rng, 16)}.${i.toString(36)}@${domain}>`;
}

export const FIRST_NAMES =
  `James Mary Robert Patricia John Jennifer Michael Linda David Elizabeth William Barbara
Richard Susan Joseph Jessica Thomas Sarah Charles Karen Daniel Nancy Matthew Lisa Anthony
Betty Mark Sandra Paul Ashley Steven Emily Andrew Donna Joshua Michelle Kenji Yuki Priya
Arjun Wei Mei Olga Ivan Lars Ingrid Pierre Amélie José María Zoë Chloé François Renée
Søren Åsa Jürgen Björn Núria Inés Raphaël Hélène Gaël Noémie`.split(/\s+/);
export const LAST_NAMES =
  `Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez Wilson
Anderson Taylor Thomas Moore Jackson Martin Lee Thompson White Harris Clark Lewis Walker
Young Allen King Wright Scott Green Baker Adams Nelson Hill Campbell Mitchell Carter
Tanaka Sato Patel Sharma Chen Wang Ivanova Petrov Larsen Nilsson Dubois Lefèvre García
Müller Schröder Strömberg Núñez Peña Gonçalves Østergaard Ødegaard O'Brien Björklund`.split(/\s+/);
export const DOMAINS =
  `example.com example.org example.net acme.example globex.example initech.example
umbrella.example hooli.example univ.example mail.example stark.example wayne.example`.split(/\s+/);
/** Minutes east of UTC, as often as senders write from them. */
export const TZ_OFFSETS = [0, 60, 60, 120, -300, -300, -360, -420, -480, 330, 480, 540, 600];
export const MAILERS = [
  'Thunderbird 115.6.0',
  'Apple Mail (2.3774)',
  'Microsoft Outlook 16.0',
  'Mutt/2.2.9',
  'Roundcube Webmail/1.6.5',
  'K-9 Mail for Android',
];

/** "first.last" in ASCII letters, as a mail domain would make it from the name. */
export function addressLocal(first: string, last: string): string {
  return `${first}.${last}`
    .replace(/ø/gi, 'o')
    .replace(/ł/gi, 'l')
    .replace(/æ/gi, 'ae')
    .normalize('NFD')
    .replace(/[^A-Za-z.]/g, '')
    .toLowerCase();
}

/** Plain text wrapped at `width` columns. */
export function wrap(text: string, width = 72): string {
  if (text.length <= width) return text;
  const lines: string[] = [];
  let line = '';
  for (const w of text.split(' ')) {
    if (line && line.length + 1 + w.length > width) {
      lines.push(line);
      line = w;
    } else line = line ? `${line} ${w}` : w;
  }
  lines.push(line);
  return lines.join('\n');
}

/** Paragraphs of 2–5 sentences, about `words` words in all; `sentence(n)` writes n words. */
export function paragraphs(rng: Rng, words: number, sentence: (n: number) => string): string[] {
  const out: string[] = [];
  for (let left = words; left > 0;) {
    const sentences: string[] = [];
    for (let k = 2 + int(rng, 4); k > 0 && left > 0; k--) {
      const n = Math.min(left, 5 + int(rng, 14));
      sentences.push(sentence(n));
      left -= n;
    }
    out.push(sentences.join(' '));
  }
  return out;
}

export const escapeHtml = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** MIME text as written: strings (in `toBuffer`'s encoding) and encoded bodies. */
export type Chunk = string | Buffer;
export const toBuffer = (chunks: Chunk[], encoding: BufferEncoding = 'utf8'): Buffer =>
  Buffer.concat(chunks.map((c) => (typeof c === 'string' ? Buffer.from(c, encoding) : c)));

export function textPart(
  text: string,
  subtype: 'plain' | 'html',
  cte: Cte,
  {
    charset = 'utf-8',
    flowed = false,
    charsetLabel = charset,
  }: {
    charset?: Charset;
    flowed?: boolean;
    /** How Content-Type spells the charset: some mailers write "UTF-8". */
    charsetLabel?: string;
  } = {},
): Chunk[] {
  return [
    `Content-Type: text/${subtype}; charset=${charsetLabel}${flowed ? '; format=flowed' : ''}\r\nContent-Transfer-Encoding: ${cte}\r\n\r\n`,
    encodeBody(text, cte, charset),
  ];
}

export function multipart(
  subtype: string,
  boundary: string,
  parts: Chunk[][],
  params = '',
): Chunk[] {
  const out: Chunk[] = [
    `Content-Type: multipart/${subtype};${params}\r\n boundary="${boundary}"\r\n\r\n`,
  ];
  if (subtype === 'mixed') out.push('This is a multi-part message in MIME format.\r\n');
  for (const p of parts) out.push(`\r\n--${boundary}\r\n`, ...p);
  out.push(`\r\n--${boundary}--\r\n`);
  return out;
}

/** Content-Type and Content-Disposition of an attachment; a non-ASCII name as RFC 2047 and 2231 write it. */
export function attachmentHeader(type: string, filename: string): string {
  if (isAscii(filename))
    return `Content-Type: ${type}; name="${filename}"\r\nContent-Disposition: attachment; filename="${filename}"`;
  const star = encodeURIComponent(filename).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `Content-Type: ${type};\r\n name="${encodeWords(filename, 'Q')}"\r\nContent-Disposition: attachment;\r\n filename*=UTF-8''${star}`;
}

/** File types whose attachments are random bytes after the type's magic number. */
export interface BinaryFile {
  ext: string;
  type: string;
  magic: Buffer;
}
export const PDF: BinaryFile = {
  ext: 'pdf',
  type: 'application/pdf',
  magic: Buffer.from('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n', 'latin1'),
};
export const PNG: BinaryFile = {
  ext: 'png',
  type: 'image/png',
  magic: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
};
export const JPEG: BinaryFile = {
  ext: 'jpg',
  type: 'image/jpeg',
  magic: Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10, 0x4a, 0x46, 0x49, 0x46]),
};
export const ZIP: BinaryFile = {
  ext: 'zip',
  type: 'application/zip',
  magic: Buffer.from([0x50, 0x4b, 0x03, 0x04]),
};
