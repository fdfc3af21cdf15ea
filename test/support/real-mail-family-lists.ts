// Mail of lists and threads: quoted replies, digests and automatic replies.
import type { Ctx, Family } from './real-mail-context.js';
import { base64, CRLF, crlf, entity, multipart, textPart } from './real-mail-mime.js';
import { FILLER, PEOPLE } from './real-mail-words.js';

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

export const listTraffic: Family = {
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

export const outlookQuoting: Family = {
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
export const digests: Family = {
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

export const autoReplies: Family = {
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
