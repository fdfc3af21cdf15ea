// A seeded generator of realistic mail for integration tests and benchmarks. Deterministic
// for a given (seed, count, startDate, folders); streams messages one at a time, keeping only
// a small window of recent messages for threading.
//
// What it makes: text/plain, multipart/alternative and multipart/mixed messages (PDF/PNG/JPEG/
// ZIP attachments of random bytes, CSV, forwarded message/rfc822), 7bit/8bit/quoted-printable/
// base64 bodies in utf-8, iso-8859-1 and windows-1252, RFC 2047 subjects and names, RFC 2231
// file names, threads (In-Reply-To/References, Re:/Fwd:), a few hundred Zipf-distributed
// senders and a Zipf-distributed vocabulary, plus planted terms (corpusTerms) for searches.

import {
  addressLocal,
  attachmentHeader,
  chance,
  dateOf,
  DOMAINS,
  escapeHtml,
  FIRST_NAMES,
  fitCharset,
  fold,
  formatAddress,
  headerText,
  hex,
  int,
  isAscii,
  JPEG,
  LAST_NAMES,
  logNormal,
  MAIL_START,
  MAILERS,
  messageId as newMessageId,
  mulberry32,
  multipart,
  paragraphs,
  PDF,
  pick,
  PNG,
  qpEncode,
  rfc5322Date,
  textPart,
  toBuffer,
  TZ_OFFSETS,
  wrap,
  ZIP,
  Zipf,
  type Charset,
  type Chunk,
  type Cte,
  type Rng,
} from './mail-kit.js';

export interface CorpusMessage {
  folder: string;
  raw: Buffer;
  /** Date header and intended internal date; ascending with the message index */
  date: Date;
  flags: string[];
  messageId: string;
  /** decoded subject */
  subject: string;
  /** decoded, `Name <address>` */
  from: string;
  to: string;
  /** The text part as written (before its charset and transfer encoding) */
  text: string;
  inReplyTo: string | null;
  references: string[];
  hasAttachments: boolean;
}

export interface CorpusOptions {
  count: number;
  seed?: number;
  /** first message's date is just after it; the rest spread over ~3 years */
  startDate?: Date;
  /** default ['INBOX']; a folder whose name contains "sent" receives the owner's own mail */
  folders?: string[];
}

export interface CorpusTerms {
  /** planted in exactly `rareHits` messages (body text), nowhere else */
  rare: string;
  rareHits: number;
  /** every planted rare term and its exact number of messages */
  rareTerms: { term: string; hits: number }[];
  /** a content word in most messages (~80% counting quoted text; always the first) */
  common: string;
  /** a three-word phrase in ~2% of messages (always the first); each word alone is frequent */
  phrase: string;
  /** address of the most frequent sender (~20% of messages, always the first) */
  sender: string;
  senderName: string;
  /** a subject word in ~4% of subjects (always the first) */
  subjectWord: string;
  /** a term in no message at all, for a search's fixed cost */
  absent: string;
}

export const DEFAULT_CORPUS_SEED = 20240601;
export const CORPUS_OWNER = { name: 'Alex Morgan', address: 'alex@maildock.test' } as const;
const THREAD_WINDOW = 400;
const MAX_ATTACHMENT_BYTES = 760 * 1024; // ~1 MB once base64-encoded

// ---------------------------------------------------------------------------------------
// Random bytes of attachments and signatures

/** Bulk random bytes: xorshift32, far faster than one float per byte. */
function randomBytes(n: number, seed: number): Buffer {
  const words = new Uint32Array(Math.ceil(n / 4));
  let s = seed >>> 0 || 0x9e3779b9;
  for (let i = 0; i < words.length; i++) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    words[i] = s >>> 0;
  }
  return Buffer.from(words.buffer, 0, n);
}

const B64 = new Uint8Array(
  Buffer.from('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'),
);

/**
 * The base64 body of a random binary file that starts with `magic`, in 76-character lines.
 * Random base64 text decodes to random bytes, so the bulk is written as random characters
 * directly: encoding megabytes of random bytes per message would dominate the generator.
 * The decoded size is a multiple of 3 bytes.
 */
function randomBase64Lines(bytes: number, magic: Buffer, seed: number): Buffer {
  const head = Buffer.concat([magic, randomBytes(57, seed ^ 0x3c6ef372)]).subarray(0, 57);
  const first = Buffer.from(
    head.subarray(0, Math.min(57, bytes - (bytes % 3) || 3)).toString('base64') + '\r\n',
    'latin1',
  );
  const rest = Math.max(0, Math.ceil(bytes / 3) - 19) * 4;
  const out = Buffer.allocUnsafe(first.length + rest + Math.ceil(rest / 76) * 2);
  first.copy(out, 0);
  let o = first.length;
  let s = seed >>> 0 || 0x9e3779b9;
  for (let quads = rest / 4; quads > 0;) {
    const n = Math.min(19, quads);
    for (let q = 0; q < n; q++) {
      s ^= s << 13;
      s ^= s >>> 17;
      s ^= s << 5;
      out[o] = B64[s & 63] as number;
      out[o + 1] = B64[(s >>> 6) & 63] as number;
      out[o + 2] = B64[(s >>> 12) & 63] as number;
      out[o + 3] = B64[(s >>> 18) & 63] as number;
      o += 4;
    }
    out[o++] = 13;
    out[o++] = 10;
    quads -= n;
  }
  return out.subarray(0, o);
}

// ---------------------------------------------------------------------------------------
// Words. The vocabulary is fixed (not seeded), ranked most frequent first.

const TOP = `the to and of a project in for is on that this with we you it be are as at have will
i from team or by not can our if please meeting an all your about so would there
update they was do time but one next week just more know thanks let has out also get
new what when some need like which could up review should were me any work been`.split(/\s+/);
const CONTENT = `report budget planning quarterly schedule deadline client customer proposal draft
contract invoice payment account release version feature issue ticket bug fix test build
deploy server database migration backup access security password login design mockup
feedback comment question answer decision approval request change plan goal target
numbers figures results summary notes agenda minutes call conference room office remote
travel flight hotel booking trip visit lunch dinner coffee break holiday vacation leave
sick doctor family weekend morning afternoon evening tomorrow yesterday today monday
tuesday wednesday thursday friday january february march april may june july august
september october november december spring summer autumn winter year month quarter
sales marketing finance legal support operations engineering product research hiring
interview candidate offer salary benefits training workshop course presentation slides
document spreadsheet file folder link attachment email message reply thread calendar
invite reminder follow status progress milestone sprint roadmap launch campaign website
page blog newsletter subscription order shipment delivery package warehouse supplier
vendor partner agreement terms price quote discount estimate cost expense receipt tax
audit compliance policy process workflow template checklist guide manual tutorial video
photo picture image screenshot logo brand color font layout print paper copy scan
network wifi laptop phone monitor keyboard printer license software hardware cloud
storage drive sync upload download install upgrade patch error warning crash outage
incident alert monitoring dashboard metrics analytics traffic users signup churn growth
revenue profit loss forecast target market competitor strategy vision mission values
culture board investor funding round valuation share stock option equity bonus
garden house kitchen car bike train bus station airport city river mountain beach
weather rain snow sun wind cold warm birthday party wedding gift card friends kids
school teacher homework concert ticket movie book music game match score season
important urgent quick small large great good bad better best sure happy sorry glad
possible available ready final current previous latest detailed short long clear open
closed pending approved rejected cancelled confirmed shared attached updated fixed`.split(/\s+/);
const CONTRACTIONS = [
  "don't",
  "can't",
  "i'm",
  "we'll",
  "it's",
  "let's",
  "that's",
  "won't",
  "i've",
  "you're",
];
/** Latin-1 only, so every charset the corpus uses can carry them. */
const ACCENTED = `café résumé naïve façade déjà über Zürich München señor jalapeño crème brûlée
fiancée Ångström São Málaga Kraków Düsseldorf Genève Québec Montréal Besançon Köln Göteborg
naïveté piñata smörgåsbord entrée soupçon cliché doppelgänger Straße größer Müller Björk
Señora mañana año pâtisserie hôtel élève Ærø Øresund`.split(/\s+/);
const UTF8_ONLY = ['Dvořák', 'Łódź', 'Ελλάδα', '東京', 'Привет', 'Štěpán', '👍', '🎉', '✓'];
const RARE = `quokka zeugma syzygy palimpsest defenestration sesquipedalian antimacassar borborygmus
callipygian deliquesce eleemosynary gallimaufry hendiadys jentacular kakistocracy lollygag
mumpsimus nudiustertian obelus petrichor quidnunc rhadamanthine snollygoster tatterdemalion
ultracrepidarian vexillology widdershins xerophyte yarborough zymurgy absquatulate bumfuzzle
cattywampus erinaceous gubbins hornswoggle impignorate jargogle kerfuffle lickspittle
malarkey nincompoop ombrophobia pettifogger wabbit flibbertigibbet gobbledygook skedaddle`.split(
  /\s+/,
);
const ABSENT = 'xylzqwvutmaildockabsent';
const PHRASE = 'quarterly planning review';
const SUBJECT_KEYWORDS = [
  'update',
  'report',
  'meeting',
  'question',
  'invoice',
  'schedule',
  'review',
  'reminder',
];
const SUBJECT_WORD = 'report';

function buildVocabulary(): string[] {
  const rng = mulberry32(0x5eed);
  const words: string[] = [...TOP];
  const seen = new Set<string>([...TOP, ...CONTENT, ...ACCENTED, ...CONTRACTIONS, ...RARE, ABSENT]);
  for (const w of CONTENT) {
    words.push(w);
    if (words.length % 23 === 0) words.push(pick(rng, CONTRACTIONS));
  }
  const onsets = 'b c d f g l m n p r s t v br cl dr gr pl st tr ch sh k z'.split(' ');
  const vowels = 'a e i o u ai ea ou io'.split(' ');
  const codas = ['', '', ...'n r l s t m nd st rk x'.split(' ')];
  while (words.length < 4000) {
    let w = '';
    const syllables = 2 + int(rng, 2);
    for (let s = 0; s < syllables; s++)
      w += pick(rng, onsets) + pick(rng, vowels) + (s === syllables - 1 ? pick(rng, codas) : '');
    if (seen.has(w) || RARE.some((r) => r.includes(w) || w.includes(r))) continue;
    seen.add(w);
    words.push(w);
  }
  // Accented words in the long tail: about a third of messages carry one, not all of them.
  ACCENTED.forEach((w, k) => words.splice(600 + k * 60, 0, w));
  return words;
}

const VOCAB = buildVocabulary();
const VOCAB_ZIPF = new Zipf(VOCAB.length, 1.0);

const AUTOMATED: { name: string; local: string; domain: string; list?: string }[] = [
  {
    name: 'GitHub',
    local: 'notifications',
    domain: 'github.example',
    list: 'maildock.maildock.github.example',
  },
  { name: 'Jira', local: 'jira', domain: 'atlassian.example' },
  {
    name: 'The Weekly Digest',
    local: 'digest',
    domain: 'news.example',
    list: 'weekly.news.example',
  },
  { name: 'Calendar', local: 'calendar-notification', domain: 'google.example' },
  { name: 'dev-list', local: 'dev', domain: 'lists.example.org', list: 'dev.lists.example.org' },
  { name: 'Billing', local: 'billing', domain: 'cloud.example' },
  { name: 'Bank Alerts', local: 'alerts', domain: 'bank.example' },
  { name: 'Café Newsletter', local: 'hello', domain: 'cafe.example', list: 'news.cafe.example' },
];

interface Person {
  name: string;
  address: string;
  tz: number;
  charset: Charset;
  mailer: string;
  html: number;
  list?: string;
}

// ---------------------------------------------------------------------------------------
// Seeded actors and planted terms

function buildSenders(seed: number): Person[] {
  const rng = mulberry32(seed ^ 0x51d3);
  const people: Person[] = [];
  const used = new Set<string>();
  const charsetOf = (): Charset =>
    chance(rng, 0.7) ? 'utf-8' : chance(rng, 0.5) ? 'iso-8859-1' : 'windows-1252';
  while (people.length < 420) {
    const first = pick(rng, FIRST_NAMES);
    const last = pick(rng, LAST_NAMES);
    const address = `${addressLocal(first, last)}@${pick(rng, DOMAINS)}`;
    if (used.has(address)) continue;
    used.add(address);
    const name = chance(rng, 0.08) ? `${last}, ${first}` : `${first} ${last}`;
    people.push({
      name,
      address,
      tz: pick(rng, TZ_OFFSETS),
      charset: charsetOf(),
      mailer: pick(rng, MAILERS),
      html: rng(),
    });
  }
  // Automated senders at ranks where they would sit in a real mailbox.
  AUTOMATED.forEach((a, i) => {
    const auto: Person = {
      name: a.name,
      address: `${a.local}@${a.domain}`,
      tz: 0,
      charset: 'utf-8',
      mailer: '',
      html: 0.9,
    };
    if (a.list) auto.list = a.list;
    people.splice(1 + i * 7, 0, auto);
  });
  return people;
}

function rarePlan(
  seed: number,
  count: number,
): { byIndex: Map<number, string[]>; hits: { term: string; hits: number }[] } {
  const rng = mulberry32(seed ^ 0xa11ce);
  const byIndex = new Map<number, string[]>();
  const hits: { term: string; hits: number }[] = [];
  for (const term of RARE) {
    const h = 1 + int(rng, 10);
    const positions = new Set<number>();
    // one hit per 1/h of the corpus, away from bucket edges: distinct whenever count >= 50
    for (let j = 0; j < h; j++)
      positions.add(Math.min(count - 1, Math.floor(((j + 0.1 + 0.8 * rng()) / h) * count)));
    for (const pos of positions) byIndex.set(pos, [...(byIndex.get(pos) ?? []), term]);
    hits.push({ term, hits: positions.size });
  }
  return { byIndex, hits };
}

/** Terms guaranteed to occur in generateCorpus({ seed, count }); rareHits is exact for that count. */
export function corpusTerms(seed = DEFAULT_CORPUS_SEED, count = 100_000): CorpusTerms {
  const { hits } = rarePlan(seed, Math.max(1, count));
  const mid = [...hits].sort(
    (a, b) => Math.abs(a.hits - 5) - Math.abs(b.hits - 5) || a.term.localeCompare(b.term),
  )[0];
  const top = buildSenders(seed)[0] as Person;
  return {
    rare: mid?.term ?? '',
    rareHits: mid?.hits ?? 0,
    rareTerms: hits,
    common: 'project',
    phrase: PHRASE,
    sender: top.address,
    senderName: top.name,
    subjectWord: SUBJECT_WORD,
    absent: ABSENT,
  };
}

// ---------------------------------------------------------------------------------------
// Bodies

interface Style {
  smart: boolean;
  utf8Extras: boolean;
}

function sentence(rng: Rng, style: Style, n = 5 + int(rng, 14)): string {
  const words: string[] = [];
  for (let i = 0; i < n; i++) words.push(VOCAB[VOCAB_ZIPF.sample(rng)] as string);
  if (chance(rng, 0.04))
    words.splice(
      int(rng, n),
      0,
      chance(rng, 0.5) ? `$${int(rng, 9000) + 100}` : `€${int(rng, 9000) + 100}`,
    );
  if (style.utf8Extras && chance(rng, 0.05)) words.splice(int(rng, n), 0, pick(rng, UTF8_ONLY));
  if (n > 9 && chance(rng, 0.3)) words[int(rng, n - 2)] += ',';
  if (style.smart && n > 8 && chance(rng, 0.1)) words.splice(4, 0, '—');
  let s = words.join(' ');
  if (style.smart) s = s.replace(/'/g, '’');
  if (style.smart && chance(rng, 0.05)) s = `“${s}”`;
  s = s.charAt(0).toUpperCase() + s.slice(1);
  return s + pick(rng, ['.', '.', '.', '.', '.', '?', '!', style.smart ? '…' : '...']);
}

function plantIn(rng: Rng, paras: string[], word: string): void {
  const i = int(rng, paras.length);
  const words = (paras[i] as string).split(' ');
  words.splice(1 + int(rng, Math.max(1, words.length - 1)), 0, word);
  paras[i] = words.join(' ');
}

interface Body {
  greeting?: string;
  paras: string[];
  quoteHeader?: string;
  quoted?: string[];
  forward?: string[];
  signature?: string[];
}

function bodyText(b: Body): string {
  const out: string[] = [];
  if (b.greeting) out.push(b.greeting, '');
  for (const p of b.paras) out.push(wrap(p), '');
  if (b.signature) out.push('-- ', ...b.signature, '');
  if (b.forward) out.push(...b.forward.map((l) => wrap(l)), '');
  if (b.quoteHeader && b.quoted) out.push(b.quoteHeader, ...b.quoted.map((l) => `> ${l}`), '');
  return out.join('\n');
}

function bodyHtml(b: Body, charset: Charset, rng: Rng): string {
  const out: string[] = [
    `<html><head><meta http-equiv="Content-Type" content="text/html; charset=${charset}"></head><body>`,
  ];
  if (b.greeting) out.push(`<p>${escapeHtml(b.greeting)}</p>`);
  for (const p of b.paras) {
    let html = escapeHtml(p);
    if (chance(rng, 0.15)) html = html.replace(/ (\w{5,}) /, ' <b>$1</b> ');
    if (chance(rng, 0.1))
      html = html.replace(
        / (\w{4,})([.!?])$/,
        ` <a href="https://www.example.com/${hex(rng, 6)}">$1</a>$2`,
      );
    out.push(`<p>${html}</p>`);
  }
  if (b.signature) out.push(`<div>-- <br>${b.signature.map(escapeHtml).join('<br>')}</div>`);
  if (b.forward) out.push(`<div>${b.forward.map(escapeHtml).join('<br>\n')}</div>`);
  if (b.quoteHeader && b.quoted)
    out.push(
      `<div>${escapeHtml(b.quoteHeader)}</div><blockquote type="cite">${b.quoted.map(escapeHtml).join('<br>\n')}</blockquote>`,
    );
  out.push('</body></html>');
  return out.join('\n');
}

// ---------------------------------------------------------------------------------------
// MIME assembly

const ATTACHMENT_KINDS = [
  { ...PDF, weight: 5 },
  { ...PNG, weight: 2 },
  { ...JPEG, weight: 2 },
  { ...ZIP, weight: 1 },
];
const KIND_TABLE = ATTACHMENT_KINDS.flatMap((k) => Array<typeof k>(k.weight).fill(k));

function attachmentPart(rng: Rng, size: number, fileStem: string): Chunk[] {
  const kind = pick(rng, KIND_TABLE);
  return [
    `${attachmentHeader(kind.type, `${fileStem}.${kind.ext}`)}\r\nContent-Transfer-Encoding: base64\r\n\r\n`,
    randomBase64Lines(size, kind.magic, int(rng, 0xffffffff)),
  ];
}

function csvPart(rng: Rng, stem: string): Chunk[] {
  const rows = ['date,item,amount,owner'];
  for (let i = 5 + int(rng, 60); i > 0; i--)
    rows.push(
      `2023-${String(1 + int(rng, 12)).padStart(2, '0')}-${String(1 + int(rng, 28)).padStart(2, '0')},${VOCAB[100 + int(rng, 300)]},${int(rng, 100000) / 100},${pick(rng, FIRST_NAMES)}`,
    );
  return [
    `Content-Type: text/csv; charset=utf-8; name="${stem}.csv"\r\nContent-Disposition: attachment; filename="${stem}.csv"\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n`,
    qpEncode(Buffer.from(rows.join('\n') + '\n', 'utf8')),
  ];
}

// ---------------------------------------------------------------------------------------
// The generator

interface Recent {
  messageId: string;
  subject: string;
  references: string[];
  from: Person;
  to: Person;
  date: Date;
  snippet: string[];
}

const stripPrefix = (s: string): string => s.replace(/^((Re|RE|Fwd|AW|Aw): )+/, '');

function makeSubject(rng: Rng, from: Person, forceWord: boolean): string {
  const words = (n: number): string => {
    const w: string[] = [];
    while (w.length < n) {
      const word = VOCAB[VOCAB_ZIPF.sample(rng)] as string;
      if (w.length === 0 && TOP.includes(word) && chance(rng, 0.8)) continue;
      w.push(word);
    }
    return w.join(' ');
  };
  let s: string;
  const r = rng();
  if (forceWord) s = `${SUBJECT_WORD} on ${words(3)}`;
  else if (r < 0.3) s = `${pick(rng, SUBJECT_KEYWORDS)}: ${words(2 + int(rng, 4))}`;
  else if (r < 0.35) s = `Invoice ${10000 + int(rng, 90000)} from ${pick(rng, DOMAINS)}`;
  else s = words(2 + int(rng, 6));
  if (chance(rng, 0.06)) s += ` ${pick(rng, ACCENTED)}`;
  s = s.charAt(0).toUpperCase() + s.slice(1);
  return from.list ? `[${from.list.split('.')[0]}] ${s}` : s;
}

export function* generateCorpus(opts: CorpusOptions): Generator<CorpusMessage> {
  const seed = opts.seed ?? DEFAULT_CORPUS_SEED;
  const count = Math.max(0, Math.floor(opts.count));
  const start = (opts.startDate ?? MAIL_START).getTime();
  const folders = opts.folders && opts.folders.length > 0 ? opts.folders : ['INBOX'];
  const sentFolder = folders.find((f) => /sent/i.test(f));
  const nonSent = folders.filter((f) => f !== sentFolder);
  const inboxLike = nonSent.length > 0 ? nonSent : folders;
  const rng = mulberry32(seed);
  const senders = buildSenders(seed);
  const senderZipf = new Zipf(senders.length, 1.1);
  const owner: Person = {
    ...CORPUS_OWNER,
    tz: 60,
    charset: 'utf-8',
    mailer: 'Maildock 0.1',
    html: 0.5,
  };
  const { byIndex: rareAt } = rarePlan(seed, Math.max(1, count));
  const recent: Recent[] = [];

  for (let i = 0; i < count; i++) {
    const first = i === 0;
    const date = dateOf(rng, i, count, start);
    const age = i / count;

    // Who writes, and is it part of a thread?
    let parent: Recent | undefined;
    let forward = false;
    const r = rng();
    if (!first && recent.length > 0 && r < 0.33)
      parent = recent[recent.length - 1 - Math.floor(recent.length * rng() ** 3)];
    else if (!first && recent.length > 0 && r < 0.36) {
      parent = recent[recent.length - 1 - int(rng, recent.length)];
      forward = true;
    }
    const fromOwner = !first && sentFolder !== undefined && chance(rng, parent ? 0.35 : 0.08);
    let from: Person;
    let to: Person;
    if (fromOwner) {
      from = owner;
      to =
        parent && parent.from !== owner ? parent.from : (senders[senderZipf.sample(rng)] as Person);
    } else {
      from = first
        ? (senders[0] as Person)
        : parent && !forward && parent.from === owner
          ? parent.to
          : (senders[senderZipf.sample(rng)] as Person);
      to = owner;
      if (from.list) {
        const list = from.list.split('.')[0] as string;
        to = { ...owner, name: list, address: `${list}@${from.address.split('@')[1]}` };
      }
    }
    const charset =
      from === owner
        ? chance(rng, 0.9)
          ? 'utf-8'
          : 'iso-8859-1'
        : chance(rng, 0.85)
          ? from.charset
          : 'utf-8';
    const style: Style = {
      smart: chance(rng, 0.15),
      utf8Extras: charset === 'utf-8' && chance(rng, 0.3),
    };

    // Subject
    let subject: string;
    if (parent && forward) subject = `Fwd: ${stripPrefix(parent.subject)}`;
    else if (parent)
      subject = `${pick(rng, ['Re', 'Re', 'Re', 'Re', 'RE', 'AW'])}: ${stripPrefix(parent.subject)}`;
    else subject = makeSubject(rng, from, first);

    // Body
    const words = Math.max(
      6,
      Math.min(2500, Math.round(logNormal(rng, from.list ? 220 : 80, 0.8))),
    );
    const body: Body = { paras: paragraphs(rng, words, (n) => sentence(rng, style, n)) };
    if (chance(rng, 0.6))
      body.greeting = `${pick(rng, ['Hi', 'Hello', 'Dear', 'Hey', 'Bonjour', 'Hallo'])} ${to.name.split(/[ ,]/)[0]},`;
    if (from !== owner && !from.list && chance(rng, 0.5))
      body.signature = [from.name, `${pick(rng, CONTENT)} lead, ${from.address.split('@')[1]}`];
    const snippet = body.paras
      .slice(0, 2)
      .map((p) => wrap(p))
      .join('\n')
      .split('\n')
      .slice(0, 4);
    if (parent && forward) {
      body.forward = [
        '---------- Forwarded message ---------',
        `From: ${parent.from.name} <${parent.from.address}>`,
        `Date: ${rfc5322Date(parent.date, parent.from.tz)}`,
        `Subject: ${parent.subject}`,
        `To: ${parent.to.name} <${parent.to.address}>`,
        '',
        ...parent.snippet,
      ];
    } else if (parent) {
      body.quoteHeader = `On ${rfc5322Date(parent.date, parent.from.tz)}, ${parent.from.name} <${parent.from.address}> wrote:`;
      body.quoted = parent.snippet;
    }
    // Planted terms go in after the snippet is taken, so quoting never repeats them.
    if (first || chance(rng, 0.02)) plantIn(rng, body.paras, PHRASE);
    if (first) plantIn(rng, body.paras, 'project');
    for (const term of rareAt.get(i) ?? []) plantIn(rng, body.paras, term);

    const text = fitCharset(bodyText(body), charset);
    const ascii = isAscii(text);
    const textCte: Cte = ascii
      ? chance(rng, 0.75)
        ? '7bit'
        : 'quoted-printable'
      : pick(rng, ['quoted-printable', 'quoted-printable', 'base64', '8bit'] as const);
    const wantsHtml = rng() < (from === owner ? 0.5 : from.html);
    let content: Chunk[];
    if (wantsHtml)
      content = multipart('alternative', `=_alt_${hex(rng, 20)}`, [
        textPart(text, 'plain', textCte, { charset }),
        textPart(
          fitCharset(bodyHtml(body, charset, rng), charset),
          'html',
          chance(rng, 0.8) ? 'quoted-printable' : 'base64',
          { charset },
        ),
      ]);
    else {
      const flowed = chance(rng, 0.1) && textCte !== 'base64';
      // Flowed UTF-8 parts spell the charset "UTF-8", as some mailers do.
      const charsetLabel = flowed && charset === 'utf-8' ? 'UTF-8' : charset;
      content = textPart(text, 'plain', textCte, { charset, flowed, charsetLabel });
    }

    // Attachments
    const parts: Chunk[][] = [];
    if (!from.list && chance(rng, 0.2)) {
      let total = Math.min(
        MAX_ATTACHMENT_BYTES * (0.95 + 0.05 * rng()),
        logNormal(rng, 60 * 1024, 1.3),
      );
      for (let n = 1 + (chance(rng, 0.3) ? int(rng, 3) : 0); n > 0; n--) {
        const size = Math.max(300, Math.round(n === 1 ? total : total * (0.4 + 0.4 * rng())));
        total -= size;
        const stem = chance(rng, 0.1)
          ? pick(rng, ['Rechnung_März', 'Présentation_été', 'Año_2023', 'Übersicht'])
          : `${pick(rng, CONTENT)}-${pick(rng, CONTENT)}-${1 + int(rng, 99)}`;
        parts.push(attachmentPart(rng, size, stem));
        if (total < 300) break;
      }
    }
    if (!from.list && chance(rng, 0.02)) parts.push(csvPart(rng, `${pick(rng, CONTENT)}-export`));
    if (parent && forward && chance(rng, 0.35)) {
      const inner: Chunk[] = [
        `Date: ${rfc5322Date(parent.date, parent.from.tz)}\r\nFrom: ${formatAddress(parent.from, 'Q')}\r\nTo: ${formatAddress(parent.to, 'Q')}\r\nSubject: ${headerText('Subject', parent.subject, 'Q')}\r\nMessage-ID: ${parent.messageId}\r\nMIME-Version: 1.0\r\n`,
        ...textPart(parent.snippet.join('\n') + '\n', 'plain', 'quoted-printable'),
      ];
      parts.push([
        `Content-Type: message/rfc822\r\nContent-Disposition: attachment; filename="forwarded.eml"\r\n\r\n`,
        ...inner,
      ]);
    }
    if (parts.length > 0)
      content = multipart('mixed', `=_mix_${hex(rng, 20)}`, [content, ...parts]);

    // Headers
    const domain = from.address.split('@')[1] as string;
    const messageId = newMessageId(rng, i, domain);
    const mode: 'B' | 'Q' = chance(rng, 0.5) ? 'B' : 'Q';
    const references = parent ? [...parent.references, parent.messageId].slice(-12) : [];
    const cc =
      !from.list && chance(rng, 0.15) ? (senders[senderZipf.sample(rng)] as Person) : undefined;
    const h: string[] = [];
    if (from !== owner) {
      h.push(`Return-Path: <${from.list ? `bounces+${hex(rng, 8)}@${domain}` : from.address}>`);
      h.push(
        `Received: from mx${1 + int(rng, 4)}.${domain} (mx.${domain} [192.0.2.${1 + int(rng, 250)}])\r\n\tby mail.maildock.test (Postfix) with ESMTPS id ${hex(rng, 10).toUpperCase()}\r\n\tfor <${to.address}>; ${rfc5322Date(new Date(date.getTime() + 1000 * (1 + int(rng, 20))), 0)}`,
      );
      if (chance(rng, 0.5))
        h.push(
          `DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=${domain}; s=s1;\r\n\th=from:to:subject:date:message-id; bh=${randomBytes(32, int(rng, 1e9)).toString('base64')};\r\n\tb=${randomBytes(
            128,
            int(rng, 1e9),
          )
            .toString('base64')
            .replace(/(.{70})/g, '$1\r\n\t  ')}`,
        );
    }
    h.push(`Date: ${rfc5322Date(date, from.tz, chance(rng, 0.8))}`);
    h.push(`From: ${formatAddress(from, mode, charset)}`);
    h.push(`To: ${formatAddress(to, mode, charset)}`);
    if (cc) h.push(`Cc: ${formatAddress(cc, mode, charset)}`);
    h.push(`Subject: ${headerText('Subject', subject, mode, { charset })}`);
    h.push(`Message-ID: ${messageId}`);
    if (parent && !forward) h.push(`In-Reply-To: ${parent.messageId}`);
    if (references.length > 0 && !forward)
      h.push(`References: ${fold('References', references.join(' '))}`);
    h.push('MIME-Version: 1.0');
    if (from.mailer) h.push(`${chance(rng, 0.5) ? 'X-Mailer' : 'User-Agent'}: ${from.mailer}`);
    if (from.list)
      h.push(
        `List-Id: <${from.list}>`,
        `List-Unsubscribe: <https://${domain}/unsubscribe/${hex(rng, 12)}>`,
        'Precedence: bulk',
      );

    const raw = toBuffer([h.join('\r\n') + '\r\n', ...content], 'latin1');

    // Flags: one's own mail is read, old mail nearly always; the newest few percent often not.
    const flags: string[] = [];
    if (from === owner || chance(rng, age < 0.97 ? 0.97 : 0.5)) flags.push('\\Seen');
    if (flags.length > 0 && from !== owner && chance(rng, 0.08)) flags.push('\\Answered');
    if (chance(rng, 0.03)) flags.push('\\Flagged');
    if (chance(rng, 0.01)) flags.push('$Forwarded');

    const folder =
      from === owner && sentFolder
        ? sentFolder
        : inboxLike.length === 1 || chance(rng, 0.65)
          ? (inboxLike[0] as string)
          : (inboxLike[1 + int(rng, inboxLike.length - 1)] as string);

    recent.push({ messageId, subject, references, from, to, date, snippet });
    if (recent.length > THREAD_WINDOW) recent.shift();

    yield {
      folder,
      raw,
      date,
      flags,
      messageId,
      subject,
      from: `${from.name} <${from.address}>`,
      to: `${to.name} <${to.address}>`,
      text,
      inReplyTo: parent && !forward ? parent.messageId : null,
      references: forward ? [] : references,
      hasAttachments: parts.length > 0,
    };
  }
}
