// Signed and encrypted mail: S/MIME, PGP/MIME and inline PGP.
import type { Family } from './real-mail-context.js';
import { base64, CRLF, crlf, entity, multipart, textPart } from './real-mail-mime.js';
import { FILLER } from './real-mail-words.js';

export const smime: Family = {
  name: 'S/MIME',
  make(c, v) {
    const word = c.word();
    const subjectWord = c.word();
    const subject = `${c.rng.pick(FILLER.en)} ${subjectWord}`;
    const kind = v % 3;
    if (kind === 2) {
      // Opaque signed data: the text is inside the CMS structure, readable only by decoding it.
      return {
        detail: 'opaque application/pkcs7-mime',
        raw: c.mail({
          subject,
          content: [
            'Content-Type: application/pkcs7-mime; smime-type=signed-data; name="smime.p7m"',
            'Content-Transfer-Encoding: base64',
            'Content-Disposition: attachment; filename="smime.p7m"',
          ],
          body: base64(c.rng.bytes(c.rng.int(2000, 5000))),
        }),
        expect: { subject, words: [subjectWord] },
      };
    }
    const b = c.boundary();
    const alt = c.boundary();
    const signed =
      kind === 0
        ? textPart(c.rng, 'plain', c.prose(4, [word]), { cte: 'quoted-printable' })
        : entity(
            [`Content-Type: multipart/alternative; boundary="${alt}"`],
            multipart(alt, [
              textPart(c.rng, 'plain', c.prose(4, [word])),
              textPart(c.rng, 'html', `<p>${c.prose(4, [word])}</p>`),
            ]),
          );
    return {
      detail: kind === 0 ? 'signed text' : 'signed alternative',
      raw: c.mail({
        subject,
        content: [
          `Content-Type: multipart/signed; protocol="application/pkcs7-signature"; micalg=sha-256;${CRLF}\tboundary="${b}"`,
        ],
        body: multipart(
          b,
          [
            signed,
            entity(
              [
                'Content-Type: application/pkcs7-signature; name="smime.p7s"',
                'Content-Transfer-Encoding: base64',
                'Content-Disposition: attachment; filename="smime.p7s"',
                'Content-Description: S/MIME Cryptographic Signature',
              ],
              base64(c.rng.bytes(c.rng.int(1500, 4000))),
            ),
          ],
          { preamble: 'This is a cryptographically signed message in MIME format.' },
        ),
      }),
      expect: { subject, words: [subjectWord, word] },
    };
  },
};

export const pgpMime: Family = {
  name: 'PGP/MIME',
  make(c, v) {
    const word = c.word();
    const subjectWord = c.word();
    const subject = `${c.rng.pick(FILLER.en)} ${subjectWord}`;
    const b = c.boundary();
    const armor = (kind: string, n: number) =>
      `-----BEGIN PGP ${kind}-----${CRLF}${CRLF}${base64(c.rng.bytes(n), 64)}${CRLF}=${c.rng.bytes(3).toString('base64')}${CRLF}-----END PGP ${kind}-----`;
    if (v % 2) {
      return {
        detail: 'encrypted',
        raw: c.mail({
          subject,
          content: [
            `Content-Type: multipart/encrypted; protocol="application/pgp-encrypted"; boundary="${b}"`,
          ],
          body: multipart(
            b,
            [
              entity(
                [
                  'Content-Type: application/pgp-encrypted',
                  'Content-Description: PGP/MIME version identification',
                ],
                'Version: 1',
              ),
              entity(
                [
                  'Content-Type: application/octet-stream; name="encrypted.asc"',
                  'Content-Disposition: inline; filename="encrypted.asc"',
                ],
                armor('MESSAGE', c.rng.int(600, 3000)),
              ),
            ],
            { preamble: 'This is an OpenPGP/MIME encrypted message (RFC 4880 and 3156)' },
          ),
        }),
        expect: { subject, words: [subjectWord] },
      };
    }
    return {
      detail: 'signed',
      raw: c.mail({
        subject,
        content: [
          `Content-Type: multipart/signed; micalg=pgp-sha256; protocol="application/pgp-signature"; boundary="${b}"`,
        ],
        body: multipart(b, [
          textPart(c.rng, 'plain', c.prose(4, [word]), { cte: 'quoted-printable' }),
          entity(
            [
              'Content-Type: application/pgp-signature; name="signature.asc"',
              'Content-Description: OpenPGP digital signature',
              'Content-Disposition: attachment; filename="signature.asc"',
            ],
            armor('SIGNATURE', 300),
          ),
        ]),
      }),
      expect: { subject, words: [subjectWord, word] },
    };
  },
};

export const inlinePgp: Family = {
  name: 'inline PGP',
  make(c, v) {
    const [word, dashed] = [c.word(), c.word()];
    const subject = `${c.rng.pick(FILLER.en)} ${c.word()}`;
    const sig = base64(c.rng.bytes(280), 64);
    const text =
      v % 2
        ? `-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA256\n\n${c.prose(4, [word])}\n- -- ${dashed}\n-----BEGIN PGP SIGNATURE-----\n\n${sig}\n=${c.rng.bytes(3).toString('base64')}\n-----END PGP SIGNATURE-----\n`
        : `${c.prose(2, [word, dashed])}\n\n-----BEGIN PGP MESSAGE-----\n\n${base64(c.rng.bytes(600), 64)}\n-----END PGP MESSAGE-----\n`;
    return {
      detail: v % 2 ? 'clear-signed' : 'encrypted block after text',
      raw: c.mail({
        subject,
        content: ['Content-Type: text/plain; charset=utf-8'],
        body: crlf(text),
      }),
      expect: { subject, words: [word, dashed] },
    };
  },
};
