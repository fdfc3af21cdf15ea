// Files as mail carries them: everyday attachments, invitations, winmail.dat, uuencoded
// text, and documents marked inline.
import type { Ctx, Family } from './real-mail-context.js';
import { attachment, base64, crlf, entity, multipart, textPart } from './real-mail-mime.js';
import { FILLER } from './real-mail-words.js';

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

export const invites: Family = {
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

export const winmailDat: Family = {
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

export const uuencoded: Family = {
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

export const commonAttachments: Family = {
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

/** Apple Mail marks every attachment inline and splits the text around it. */
export const inlineFiles: Family = {
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
