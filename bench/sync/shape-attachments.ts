// The `attachments` shape: office mail where most messages carry a few small files. Most are
// multipart/mixed with 1–4 attachments of under 32 KB in all (PDFs, images, calendar invites,
// contact cards, CSV and text files, a logo inline in the signature), which a sync fetches
// whole and parses; a few carry files well over 32 KB, which it fetches as text parts only.
// Mean message about 80 KB counting those, median in the low tens of KB.
import {
  attachmentHeader,
  base64Lines,
  chance,
  dateOf,
  escapeHtml,
  hex,
  int,
  JPEG,
  logNormal,
  messageId,
  mulberry32,
  multipart,
  PDF,
  pick,
  PNG,
  qpEncode,
  textPart,
  toBuffer,
  wrap,
  ZIP,
  Zipf,
  type Chunk,
  type Rng,
} from '../mail-kit.js';
import {
  clamp,
  flagsFor,
  randomBase64,
  type ShapeMessage,
  type ShapeOptions,
} from './shape-kit.js';
import { headerBlock, OWNER, type Person } from './shape-headers.js';
import { ACCENTED, people, Vocabulary } from './shape-words.js';

/** Decoded bytes of all attachments of a "small" message: under the sync's 32 KB line. */
const SMALL_TOTAL_MAX = 30 * 1024;
const SMALL_SHARE = 0.84;
const LARGE_SHARE = 0.08;

const TOPIC = `report invoice contract draft proposal budget slides scan receipt agenda
minutes schedule quote order delivery signed attached version review comments figures
spreadsheet photos plan meeting invitation calendar contact details team project client
deadline approval final update summary notes travel booking ticket confirmation`;

interface FileKind {
  ext: string;
  type: string;
  magic?: Buffer;
  /** text files are generated as text, the rest as random bytes */
  text?: (rng: Rng, size: number, words: Vocabulary) => string;
}
const DOCX: FileKind = {
  ext: 'docx',
  type: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  magic: ZIP.magic,
};
const XLSX: FileKind = {
  ext: 'xlsx',
  type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  magic: ZIP.magic,
};
const ICS: FileKind = { ext: 'ics', type: 'text/calendar', text: calendar };
const VCF: FileKind = { ext: 'vcf', type: 'text/vcard', text: card };
const CSV: FileKind = { ext: 'csv', type: 'text/csv', text: csv };
const TXT: FileKind = {
  ext: 'txt',
  type: 'text/plain',
  text: (rng, size, words) => fill(size, () => wrap(words.sentence(rng))),
};
const SMALL_KINDS = weighted<FileKind>([
  [PDF, 30],
  [PNG, 14],
  [JPEG, 14],
  [ICS, 10],
  [VCF, 7],
  [CSV, 8],
  [DOCX, 8],
  [TXT, 5],
  [XLSX, 4],
]);
const LARGE_KINDS = weighted<FileKind>([
  [PDF, 40],
  [JPEG, 25],
  [PNG, 10],
  [ZIP, 8],
  [DOCX, 9],
  [XLSX, 8],
]);

function weighted<T>(table: [T, number][]): T[] {
  return table.flatMap(([k, w]) => Array<T>(w).fill(k));
}

function fill(size: number, line: () => string): string {
  const lines: string[] = [];
  for (let n = 0; n < size;) {
    const l = line();
    lines.push(l);
    n += l.length + 1;
  }
  return lines.join('\n') + '\n';
}

function calendar(rng: Rng, size: number, words: Vocabulary): string {
  const day = `2023${String(1 + int(rng, 12)).padStart(2, '0')}${String(1 + int(rng, 28)).padStart(2, '0')}`;
  const desc = fill(Math.max(0, size - 600), () => words.sentence(rng)).replace(/\n/g, '\\n');
  const folded = desc.match(/.{1,73}/g)?.join('\n ') ?? '';
  return `BEGIN:VCALENDAR\nPRODID:-//Maildock bench//EN\nVERSION:2.0\nMETHOD:REQUEST\nBEGIN:VEVENT\nUID:${hex(rng, 24)}@maildock.test\nDTSTART:${day}T${String(8 + int(rng, 9)).padStart(2, '0')}0000Z\nDTEND:${day}T${String(9 + int(rng, 9)).padStart(2, '0')}3000Z\nSUMMARY:${words.title(rng, 4)}\nLOCATION:Room ${1 + int(rng, 40)}\nDESCRIPTION:${folded}\nORGANIZER:mailto:${OWNER.address}\nEND:VEVENT\nEND:VCALENDAR\n`;
}

function card(rng: Rng, size: number, words: Vocabulary): string {
  const note = fill(Math.max(0, size - 300), () => words.sentence(rng)).replace(/\n/g, ' ');
  return `BEGIN:VCARD\nVERSION:3.0\nFN:${words.title(rng, 2)}\nORG:${words.title(rng, 2)}\nTEL;TYPE=work:+1-555-${1000 + int(rng, 9000)}\nEMAIL:${hex(rng, 6)}@example.com\nNOTE:${note.match(/.{1,73}/g)?.join('\n ') ?? ''}\nEND:VCARD\n`;
}

function csv(rng: Rng, size: number, words: Vocabulary): string {
  return (
    'date,item,amount,owner\n' +
    fill(
      size,
      () =>
        `2023-${String(1 + int(rng, 12)).padStart(2, '0')}-${String(1 + int(rng, 28)).padStart(2, '0')},${words.word(rng)},${int(rng, 100000) / 100},${words.word(rng)}`,
    )
  );
}

/** One attachment of `size` decoded bytes. */
function attachment(
  rng: Rng,
  kind: FileKind,
  size: number,
  stem: string,
  words: Vocabulary,
): Chunk[] {
  const disposition = attachmentHeader(kind.type, `${stem}.${kind.ext}`);
  if (kind.text) {
    const text = kind.text(rng, size, words);
    const cte = chance(rng, 0.6) ? 'quoted-printable' : 'base64';
    const body =
      cte === 'quoted-printable'
        ? qpEncode(Buffer.from(text, 'utf8'))
        : base64Lines(Buffer.from(text.replace(/\n/g, '\r\n'), 'utf8'));
    return [
      `${disposition.replace(kind.type, `${kind.type}; charset=utf-8`)}\r\nContent-Transfer-Encoding: ${cte}\r\n\r\n`,
      body,
    ];
  }
  return [
    `${disposition}\r\nContent-Transfer-Encoding: base64\r\n\r\n`,
    randomBase64(size, kind.magic!, int(rng, 0xffffffff)),
  ];
}

/** Splits `total` bytes over `n` parts, none below `min`. */
function split(rng: Rng, total: number, n: number, min: number): number[] {
  const weights = Array.from({ length: n }, () => 0.3 + rng());
  const sum = weights.reduce((a, b) => a + b, 0);
  return weights.map((w) => Math.max(min, Math.floor((total * w) / sum)));
}

interface Recent {
  messageId: string;
  subject: string;
  references: string[];
  from: Person;
}

export function* attachmentsShape(opts: ShapeOptions): Generator<ShapeMessage> {
  const rng = mulberry32(opts.seed ^ 0xa77ac4);
  const words = new Vocabulary(TOPIC, opts.seed);
  const senders = people(opts.seed, 320);
  const zipf = new Zipf(senders.length, 1.05);
  const sent = opts.folders.find((f) => /sent/i.test(f));
  const others = opts.folders.filter((f) => f !== sent);
  const recent: Recent[] = [];
  for (let i = 0; i < opts.count; i++) {
    const date = dateOf(rng, i, opts.count);
    const parent =
      recent.length && chance(rng, 0.25)
        ? recent[recent.length - 1 - int(rng, recent.length)]
        : undefined;
    const own = sent !== undefined && chance(rng, 0.12);
    const other = parent && parent.from !== OWNER ? parent.from : senders[zipf.sample(rng)]!;
    const from = own ? OWNER : other;
    const to = own ? other : OWNER;
    const subject = parent
      ? `${pick(rng, ['Re', 'Re', 'Re', 'Fwd'])}: ${parent.subject.replace(/^((Re|Fwd): )+/, '')}`
      : `${words.title(rng, 2 + int(rng, 5))}${chance(rng, 0.08) ? ` ${pick(rng, ACCENTED)}` : ''}`;

    const paras = words.paragraphs(rng, clamp(Math.round(logNormal(rng, 90, 0.7)), 8, 900));
    const greeting = `${pick(rng, ['Hi', 'Hello', 'Dear', 'Hallo', 'Bonjour'])} ${to.name.split(/[ ,]/)[0]},`;
    const signature = [from.name, `${words.title(rng, 2)}, ${from.address.split('@')[1]}`];
    const text = [greeting, '', ...paras.map((p) => wrap(p) + '\n'), '-- ', ...signature, ''].join(
      '\n',
    );
    const html = chance(rng, 0.4);
    const r = rng();
    const kind = r < SMALL_SHARE ? 'small' : r < SMALL_SHARE + LARGE_SHARE ? 'large' : 'none';

    // A logo in an HTML signature counts among the small attachments.
    let budget =
      kind === 'small'
        ? clamp(logNormal(rng, 7.5 * 1024, 0.8), 600, SMALL_TOTAL_MAX)
        : clamp(logNormal(rng, 400 * 1024, 0.9), 40 * 1024, 5 * 1024 * 1024);
    let body: Chunk[];
    if (html) {
      const htmlText = `<html><body style="font-family:Arial,sans-serif;font-size:14px"><p>${escapeHtml(greeting)}</p>\n${paras.map((p) => `<p>${escapeHtml(p)}</p>`).join('\n')}\n<div>-- <br>${signature.map(escapeHtml).join('<br>')}</div>`;
      const alt = (extra: string) =>
        multipart('alternative', `=_alt_${hex(rng, 16)}`, [
          textPart(text, 'plain', 'quoted-printable'),
          textPart(`${htmlText}${extra}</body></html>`, 'html', 'quoted-printable'),
        ]);
      if (kind === 'small' && chance(rng, 0.35) && budget > 2500) {
        const logo = Math.min(budget - 400, 1500 + int(rng, 5000));
        budget -= logo;
        const cid = `logo.${hex(rng, 8)}@${from.address.split('@')[1]}`;
        body = multipart(
          'related',
          `=_rel_${hex(rng, 16)}`,
          [
            alt(`<br><img src="cid:${cid}" alt="logo" width="120" height="40">`),
            [
              `Content-Type: image/png; name="logo.png"\r\nContent-Disposition: inline; filename="logo.png"\r\nContent-ID: <${cid}>\r\nContent-Transfer-Encoding: base64\r\n\r\n`,
              randomBase64(logo, PNG.magic, int(rng, 0xffffffff)),
            ],
          ],
          ' type="multipart/alternative";',
        );
      } else body = alt('');
    } else body = textPart(text, 'plain', chance(rng, 0.7) ? '7bit' : 'quoted-printable');

    const parts: Chunk[][] = [];
    if (kind !== 'none') {
      const n =
        kind === 'small'
          ? pick(rng, [1, 1, 1, 1, 1, 1, 2, 2, 2, 3, 3, 4])
          : pick(rng, [1, 1, 1, 2, 2, 3]);
      const sizes = split(rng, budget, Math.min(n, Math.max(1, Math.floor(budget / 300))), 200);
      for (const size of sizes) {
        const fileKind = pick(rng, kind === 'small' ? SMALL_KINDS : LARGE_KINDS);
        const stem = chance(rng, 0.1)
          ? pick(rng, ['Rechnung_März', 'Présentation_été', 'Año_2023', 'Übersicht', 'Отчёт'])
          : `${words.word(rng)}-${words.word(rng)}-${1 + int(rng, 99)}`;
        parts.push(attachment(rng, fileKind, size, stem, words));
      }
    }
    const content = parts.length
      ? multipart('mixed', `=_mix_${hex(rng, 16)}`, [body, ...parts])
      : body;

    const domain = from.address.split('@')[1] as string;
    const id = messageId(rng, i, domain);
    const references = parent ? [...parent.references, parent.messageId].slice(-10) : [];
    const head = headerBlock(rng, {
      from,
      to,
      cc: chance(rng, 0.15) ? [senders[zipf.sample(rng)]!] : undefined,
      subject,
      date,
      messageId: id,
      inReplyTo: parent?.messageId,
      references,
      incoming: !own,
    });
    recent.push({ messageId: id, subject, references, from });
    if (recent.length > 200) recent.shift();
    yield {
      folder: own ? sent! : chance(rng, 0.65) || others.length < 2 ? others[0]! : others[1]!,
      raw: toBuffer([head, ...content]),
      date,
      flags: flagsFor(rng, i, opts.count, own),
    };
  }
}
