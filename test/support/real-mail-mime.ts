// Builders of MIME entities and header values: multiparts, transfer encodings, text parts
// and attachments, RFC 2047 encoded words, folding.
import { encodeText, type Codec } from './real-mail-charsets.js';
import type { Rng } from './real-mail-rng.js';

export type Chunk = string | Buffer;
export type Cte = '7bit' | '8bit' | 'quoted-printable' | 'base64';
export const CRLF = '\r\n';

export function cat(...chunks: Chunk[]): Buffer {
  return Buffer.concat(chunks.map((c) => (typeof c === 'string' ? Buffer.from(c, 'utf8') : c)));
}

/** A MIME entity: its header lines, a blank line, its body. */
export function entity(headers: Chunk[], body: Chunk): Buffer {
  const out: Chunk[] = [];
  for (const h of headers) out.push(h, CRLF);
  out.push(CRLF, body);
  return cat(...out);
}

interface MultipartOptions {
  preamble?: string;
  epilogue?: string;
  /** Write the closing delimiter (default true). */
  close?: boolean;
}

export function multipart(boundary: string, parts: Buffer[], o: MultipartOptions = {}): Buffer {
  const out: Chunk[] = [];
  if (o.preamble !== undefined) out.push(o.preamble, CRLF);
  for (const p of parts) out.push(`--${boundary}${CRLF}`, p, CRLF);
  if (o.close !== false) out.push(`--${boundary}--${CRLF}`);
  if (o.epilogue !== undefined) out.push(o.epilogue, CRLF);
  return cat(...out);
}

export function base64(bytes: Buffer, width = 76): string {
  return bytes
    .toString('base64')
    .replace(new RegExp(`.{${width}}`, 'g'), `$&${CRLF}`)
    .replace(/\r\n$/, '');
}

const hex2 = (b: number) => `=${b.toString(16).toUpperCase().padStart(2, '0')}`;

/** Quoted-printable with soft breaks at 76 columns; CRLF in the input is a hard break. */
function quotedPrintable(bytes: Buffer): string {
  const lines: string[] = [];
  let line = '';
  const endLine = () => {
    const last = line.charCodeAt(line.length - 1);
    if (last === 0x20 || last === 0x09) line = line.slice(0, -1) + hex2(last);
    lines.push(line);
    line = '';
  };
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    if (b === 0x0d && bytes[i + 1] === 0x0a) {
      endLine();
      i++;
      continue;
    }
    const token =
      (b >= 33 && b <= 126 && b !== 61) || b === 32 || b === 9 ? String.fromCharCode(b) : hex2(b);
    if (line.length + token.length > 75) {
      lines.push(`${line}=`);
      line = '';
    }
    line += token;
  }
  endLine();
  return lines.join(CRLF);
}

export function encodeBody(bytes: Buffer, cte: Cte): Buffer {
  if (cte === 'base64') return Buffer.from(base64(bytes), 'latin1');
  if (cte === 'quoted-printable') return Buffer.from(quotedPrintable(bytes), 'latin1');
  return bytes;
}

export const crlf = (text: string) => text.replace(/\r?\n/g, CRLF);

function charsetParam(rng: Rng, label: string): string {
  return rng.chance(0.5) ? `charset="${label}"` : `charset=${label}`;
}

/** A text/plain or text/html part in a charset and transfer encoding. */
export function textPart(
  rng: Rng,
  type: 'plain' | 'html',
  text: string,
  o: { codec?: Codec; label?: string | null; cte?: Cte; extra?: string[] } = {},
): Buffer {
  const codec = o.codec ?? 'utf-8';
  const label = o.label === undefined ? codec : o.label;
  const cte = o.cte ?? ([...text].some((ch) => ch.charCodeAt(0) > 0x7f) ? '8bit' : '7bit');
  return entity(
    [
      `Content-Type: text/${type}${label ? `; ${charsetParam(rng, label)}` : ''}`,
      `Content-Transfer-Encoding: ${cte}`,
      ...(o.extra ?? []),
    ],
    encodeBody(encodeText(crlf(text), codec), cte),
  );
}

export function attachment(
  contentType: string,
  filename: string,
  bytes: Buffer,
  o: { disposition?: 'attachment' | 'inline' | null; cid?: string; extra?: string[] } = {},
): Buffer {
  const disposition = o.disposition === undefined ? 'attachment' : o.disposition;
  return entity(
    [
      `Content-Type: ${contentType}; name="${filename}"`,
      'Content-Transfer-Encoding: base64',
      ...(disposition ? [`Content-Disposition: ${disposition}; filename="${filename}"`] : []),
      ...(o.cid ? [`Content-ID: <${o.cid}>`] : []),
      ...(o.extra ?? []),
    ],
    base64(bytes),
  );
}

/** RFC 2047 encoded words of `text`, each under about 75 characters, folded. */
export function encodedWords(text: string, codec: Codec, label: string, mode: 'B' | 'Q'): string {
  const words: string[] = [];
  let chars: string[] = [];
  const flush = () => {
    if (!chars.length) return;
    const bytes = encodeText(chars.join(''), codec);
    words.push(
      mode === 'B'
        ? `=?${label}?B?${bytes.toString('base64')}?=`
        : `=?${label}?Q?${qWord(bytes)}?=`,
    );
    chars = [];
  };
  for (const ch of text) {
    chars.push(ch);
    const size = encodeText(chars.join(''), codec).length;
    if ((mode === 'B' ? (size * 4) / 3 : size * 3) > 60 - label.length) flush();
  }
  flush();
  return words.join(`${CRLF} `);
}

export function qWord(bytes: Buffer): string {
  let out = '';
  for (const b of bytes) {
    if (b === 0x20) out += '_';
    else if (/[A-Za-z0-9!*+\-/]/.test(String.fromCharCode(b)) && b < 0x80)
      out += String.fromCharCode(b);
    else out += hex2(b);
  }
  return out;
}

/** A header value folded before spaces so that no line passes `width` where a space allows. */
export function fold(value: string, width = 76, first = 9): string {
  const words = value.split(' ');
  const lines: string[] = [];
  let line = words.shift() ?? '';
  let room = width - first;
  for (const w of words) {
    if (line.length + 1 + w.length > room) {
      lines.push(line);
      line = w;
      room = width - 1;
    } else line += ` ${w}`;
  }
  lines.push(line);
  return lines.join(`${CRLF} `);
}
