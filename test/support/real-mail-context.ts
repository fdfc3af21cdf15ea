// What a family of messages is given to write one: the seeded random source, the words
// already used in the corpus, and builders for whole messages with their usual headers.
import type { RealExpect } from './real-mail-expect.js';
import { base64, cat, crlf, CRLF, entity, type Chunk } from './real-mail-mime.js';
import type { Rng } from './real-mail-rng.js';
import {
  FILLER,
  LETTERS,
  PEOPLE,
  SUFFIXES,
  SYLLABLES,
  type Lang,
  type Script,
} from './real-mail-words.js';

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

export class Ctx {
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

export interface Family {
  name: string;
  /** Turns in the rotation: families with more shapes get more messages. */
  weight?: number;
  make(c: Ctx, variant: number): Draft;
}

export function received(c: Ctx, i: number): string {
  const host = `mx${i}.relay${c.rng.int(1, 40)}.example.net`;
  return (
    `Received: from ${host} (${host} [192.0.2.${c.rng.int(1, 254)}])${CRLF}` +
    `\tby mail${c.rng.int(1, 9)}.example.org (Postfix) with ESMTPS id ${c.rng.hex(10).toUpperCase()}${CRLF}` +
    `\tfor <bob@example.test>; ${c.dateHeader()}`
  );
}
