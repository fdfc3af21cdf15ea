// Charsets as mail really labels them, for the parser (mail-parser.ts). Text with no label, or
// labelled us-ascii over 8-bit bytes, is read as UTF-8 when it is valid UTF-8 and else as
// windows-1252, what such mail almost always is (the WHATWG Encoding Standard reads both
// us-ascii and ISO-8859-1 as windows-1252); HTML with no label first gets the charset its
// <meta> names. Labels the decoder resolves to another charset than the sender meant are
// corrected before it sees them.
import { isUtf8 } from 'node:buffer';
import { Transform, type TransformCallback } from 'node:stream';

/** A decoder of `label` into UTF-8, or null when the label names no charset it knows. */
export type OpenDecoder = (label: string) => Transform | null;

/**
 * Charset labels for text whose charset is to be guessed from its bytes. They are no charset
 * names, so they reach the parser's decoder (mailparser skips it for us-ascii and UTF-8).
 */
export const GUESS_TEXT = 'x-maildock-guess';
export const GUESS_HTML = 'x-maildock-guess-html';

/** How far into an HTML part its <meta> charset is looked for (the Encoding Standard's prescan reads 1024 bytes). */
const META_SCAN_BYTES = 4096;
const META_CHARSET = /<meta\b[^>]{0,512}?\bcharset\s*=\s*["']?\s*([^\s"'<>;/]{1,40})/i;
// libmime reads every `latin<n>` as ISO-8859-<n>, but Latin-9 is ISO-8859-15 and Latin-10 is
// ISO-8859-16 (ISO-8859-9 is Latin-5, Turkish). An encoded word's charset may carry an RFC 2231
// language after a `*`.
const LATIN = /^latin[-_ ]?(9|10)(?=\*|$)/i;
const LATIN_PARTS: Record<string, string> = { '9': 'iso-8859-15', '10': 'iso-8859-16' };

/** The label with Latin-9 and Latin-10 named by their ISO numbers; any other label as it is. */
export function fixCharsetLabel(label: string): string {
  return label.replace(LATIN, (_, n: string) => LATIN_PARTS[n]!);
}

/** A label that claims ASCII: 8-bit bytes under it are guessed, as when there is no label. */
export function claimsAscii(label: string): boolean {
  const name = label.toLowerCase().replace(/[^a-z0-9]+/g, '');
  return name === 'usascii' || name === 'ascii';
}

/** The charset an HTML document's <meta charset> or <meta http-equiv content-type> names, if any. */
export function metaCharset(html: Buffer): string | null {
  const head = html.toString('latin1', 0, Math.min(html.length, META_SCAN_BYTES));
  const label = META_CHARSET.exec(head)?.[1]?.toLowerCase() ?? null;
  // A <meta> read by an ASCII scan is not UTF-16 (the Encoding Standard reads it as UTF-8 too).
  return label && /^(utf-?16|utf-?32|ucs-?2)/.test(label) ? 'utf-8' : label;
}

/**
 * Collects a text part and decodes it when it ends, in the charset its bytes show: the <meta>
 * one (HTML), else UTF-8 when valid, else windows-1252. A text part is read whole by the
 * parser anyway, so holding it costs no more than a copy.
 */
export class GuessingDecoder extends Transform {
  #chunks: Buffer[] = [];

  constructor(
    private readonly open: OpenDecoder,
    private readonly html: boolean,
  ) {
    super();
  }

  override _transform(chunk: Buffer | string, _encoding: BufferEncoding, done: TransformCallback) {
    this.#chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
    done();
  }

  override _flush(done: TransformCallback) {
    const bytes = Buffer.concat(this.#chunks);
    this.#chunks = [];
    const declared = this.html ? metaCharset(bytes) : null;
    const meant = declared !== null && !claimsAscii(declared) ? this.open(declared) : null;
    if (!meant && isUtf8(bytes)) {
      this.push(bytes);
      done();
      return;
    }
    const decoder = meant ?? this.open('windows-1252');
    if (!decoder) {
      // Every decoder knows windows-1252; should one not, Latin-1 differs from it only in 0x80-0x9f.
      this.push(Buffer.from(bytes.toString('latin1')));
      done();
      return;
    }
    let finished = false;
    const finish = (err?: Error) => {
      if (finished) return;
      finished = true;
      done(err);
    };
    decoder.on('data', (text: Buffer) => this.push(text));
    decoder.once('error', finish);
    decoder.once('end', () => finish());
    decoder.end(bytes);
  }
}
