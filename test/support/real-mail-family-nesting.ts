// Messages inside messages and parts inside parts: forwards, related images, alternatives,
// and bounces that return the original.
import type { Ctx, Family } from './real-mail-context.js';
import { attachment, CRLF, crlf, entity, multipart, textPart } from './real-mail-mime.js';
import { FILLER } from './real-mail-words.js';

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
export const forwarded: Family = {
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

export const relatedImages: Family = {
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

export const alternatives: Family = {
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

export const bounces: Family = {
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
