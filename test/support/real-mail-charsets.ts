// Text in the legacy charsets of real mail. The tables are built from the WHATWG decoders
// Node ships (TextDecoder), not from the decoders Maildock's parser uses, so a message is
// checked against an independent reading of the charset.

export type Codec =
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
export function encodeText(text: string, codec: Codec): Buffer {
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
