// People and words for the bench's mail shapes: a few hundred seeded senders with names from
// many languages (so headers need RFC 2047), and a Zipf-distributed vocabulary whose top ranks
// are the shape's own topic words, so each shape reads like its kind of mail.
import {
  addressLocal,
  chance,
  DOMAINS as COMMON_DOMAINS,
  FIRST_NAMES,
  int,
  LAST_NAMES,
  mulberry32,
  paragraphs,
  pick,
  TZ_OFFSETS,
  Zipf,
  type Rng,
} from '../mail-kit.js';
import { type Person } from './shape-headers.js';

// bench/corpus.ts's names and domains, and more of the names that need RFC 2047.
const FIRST = [
  ...FIRST_NAMES,
  ...`Dvořák Łukasz Zoltán Çağla Ümit Þóra Małgorzata Jiří Kateřina Nikolaï Fatma Oğuz Ngọc
Thảo`.split(/\s+/),
];
const LAST = [
  ...LAST_NAMES,
  ...`Novák Dvořáková Wiśniewski Kowalczyk Yılmaz Nguyễn Szabó Horváth Jóhannsdóttir`.split(/\s+/),
];
const DOMAINS = [
  ...COMMON_DOMAINS,
  'tyrell.example',
  'cyberdyne.example',
  'soylent.example',
  'oscorp.example',
];

/** `n` distinct people of `domains`, seeded. */
export function people(seed: number, n: number, domains: readonly string[] = DOMAINS): Person[] {
  const rng = mulberry32(seed ^ 0x7e0b1e);
  const out: Person[] = [];
  const used = new Set<string>();
  while (out.length < n) {
    const first = pick(rng, FIRST);
    const last = pick(rng, LAST);
    const local = addressLocal(first, last);
    const address = `${chance(rng, 0.2) ? local.replace('.', '') : local}@${pick(rng, domains)}`;
    if (used.has(address)) continue;
    used.add(address);
    out.push({
      name: chance(rng, 0.06) ? `${last}, ${first}` : `${first} ${last}`,
      address,
      tz: pick(rng, TZ_OFFSETS),
    });
  }
  return out;
}

const COMMON = `the to and of a in for is on that this with we you it be are as at have will i
from or by not can our if an all your about so would there they was do but one just more
know also get new what when some need like which could up should were me any been has out
time now only other than then into its these them how after first well way even because
two most over think see use here make good much where back before through still each same`.split(
  /\s+/,
);

/** A vocabulary: common words first, then the shape's topic words, then a long tail. */
export class Vocabulary {
  readonly words: string[];
  private readonly zipf: Zipf;

  constructor(topic: string, seed: number, size = 5000) {
    const rng = mulberry32(seed ^ 0x0c0ffee);
    const words = [...COMMON];
    const seen = new Set(words);
    for (const w of topic.split(/\s+/).filter(Boolean))
      if (!seen.has(w)) {
        seen.add(w);
        words.push(w);
      }
    const onsets = 'b c d f g l m n p r s t v br cl dr gr pl st tr ch sh k z qu fl'.split(' ');
    const vowels = 'a e i o u ai ea ou io ie'.split(' ');
    const codas = ['', '', ...'n r l s t m nd st rk x ng'.split(' ')];
    while (words.length < size) {
      let w = '';
      for (let s = 2 + int(rng, 2); s > 0; s--)
        w += pick(rng, onsets) + pick(rng, vowels) + (s === 1 ? pick(rng, codas) : '');
      if (seen.has(w)) continue;
      seen.add(w);
      words.push(w);
    }
    this.words = words;
    this.zipf = new Zipf(words.length, 1.05);
  }

  word(rng: Rng): string {
    return this.words[this.zipf.sample(rng)] as string;
  }

  sentence(rng: Rng, n = 5 + int(rng, 14)): string {
    const w: string[] = [];
    for (let i = 0; i < n; i++) w.push(this.word(rng));
    if (n > 9 && chance(rng, 0.3)) w[int(rng, n - 2)] += ',';
    const s = w.join(' ');
    return s.charAt(0).toUpperCase() + s.slice(1) + pick(rng, ['.', '.', '.', '.', '?', '!']);
  }

  /** Paragraphs of about `words` words in all. */
  paragraphs(rng: Rng, words: number): string[] {
    return paragraphs(rng, words, (n) => this.sentence(rng, n));
  }

  /** A title of `n` words, capitalised. */
  title(rng: Rng, n: number): string {
    const w: string[] = [];
    while (w.length < n) {
      const word = this.word(rng);
      if (w.length === 0 && COMMON.includes(word)) continue;
      w.push(word);
    }
    const s = w.join(' ');
    return s.charAt(0).toUpperCase() + s.slice(1);
  }
}

/** Words and marks that only UTF-8 carries, for subjects that need RFC 2047. */
export const ACCENTED = `café résumé naïve Zürich München señor crème brûlée Ångström São
Kraków Düsseldorf Genève Québec Straße größer Ελλάδα 東京 Привет Łódź €`.split(/\s+/);
export const EMOJI = ['🎉', '📣', '✨', '🔥', '📚', '☕', '🚀', '✓', '👉', '🌍'];
