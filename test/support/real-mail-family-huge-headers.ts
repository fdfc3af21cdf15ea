// Headers far past what RFC 5322 recommends: hundreds of Received lines and references,
// subjects of tens of KB, lines thousands of characters long.
import { received, type Family } from './real-mail-context.js';
import { base64, CRLF, crlf, encodedWords, fold } from './real-mail-mime.js';
import { FILLER } from './real-mail-words.js';

export const manyReceived: Family = {
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

export const longReferences: Family = {
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

export const hugeSubject: Family = {
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

export const longLines: Family = {
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
