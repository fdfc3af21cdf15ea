// Raw message bytes → what the UI shows (text, HTML, snippet, attachment metadata), within
// limits. Mail is hostile input: this never throws and never runs unbounded; what it had to
// cut or could not read is said in parseError, and the caller keeps the raw source.
import { isUtf8 } from 'node:buffer';
import type { AttachmentStream, MessageText } from 'mailparser';
import {
  failedBody,
  resolveLimits,
  type MimeLimits,
  type ParseOptions,
  type ParsedAttachment,
  type ParsedBody,
  type ParsedEnvelope,
} from './limits.js';
import { bodyText, cut } from './body-text.js';
import { envelopeOf } from './envelope.js';
import { createMailParser } from './mail-parser.js';

export { DEFAULT_MIME_LIMITS, failedBody, resolveLimits } from './limits.js';
export type { MimeLimits, ParseOptions, ParsedAttachment, ParsedBody } from './limits.js';

// mailsplit charges every header line at least this much against its header limit; the
// same measure here keeps a header this module accepted from failing inside mailparser.
const HEADER_LINE_MIN_COST = 64;
const MIME_FIELD = /^(content-|mime-version\s*:)/i;

/** Limits with defaults filled in; values that are not positive finite numbers are ignored. */
export async function parseBody(
  source: Buffer,
  limits: Partial<MimeLimits> = {},
  opts: ParseOptions = {},
): Promise<ParsedBody> {
  const lim = resolveLimits(limits);
  const problems: string[] = [];
  // Also what a Buffer that was already transferred to another thread looks like.
  if (source.length === 0) return failedBody('empty message');
  try {
    let input = source;
    if (input.length > lim.maxBytes) {
      problems.push(
        `message over ${lim.maxBytes} bytes; only the first ${lim.maxBytes} were parsed`,
      );
      input = input.subarray(0, lim.maxBytes);
    }
    const capped = capHeader(input, lim.maxHeaderBytes);
    if (capped !== input) {
      problems.push(
        `header block over ${lim.maxHeaderBytes} bytes; only its MIME fields were kept`,
      );
      input = capped;
    }
    const partsEnd = partsCutOffset(input, lim.maxParts);
    if (partsEnd !== null) {
      problems.push(`more than ${lim.maxParts} MIME parts; the rest were skipped`);
      input = input.subarray(0, partsEnd);
    }
    const parsed = await runMailParser(input, lim, opts);
    // NUL is never content, and stores such as Postgres text refuse it.
    let text = parsed.text?.replace(/\0/g, '') || null;
    let html = parsed.html?.replace(/\0/g, '') || null;
    if (text === null && html === null && !parsed.attachments.length && hasBody(input)) {
      const lost = lostBoundary(input);
      if (lost) {
        // What a gateway left of a multipart: its text, outside any part. Read as a text
        // part with no label would be, as other mail clients show it.
        const body = input.subarray(headerEnd(input));
        text = (isUtf8(body) ? body.toString('utf8') : body.toString('latin1')).replace(/\0/g, '');
        problems.push(`${lost} whose boundary never appears: its body was read as plain text`);
      } else problems.push('no readable part found in the message body');
    }
    if (text !== null && text.length > lim.maxTextChars) {
      problems.push(`text cut to ${lim.maxTextChars} characters`);
      text = cut(text, lim.maxTextChars);
    }
    if (html !== null && html.length > lim.maxTextChars) {
      problems.push(`HTML cut to ${lim.maxTextChars} characters`);
      html = cut(html, lim.maxTextChars);
    }
    return {
      text,
      html,
      ...bodyText(text, html, lim.maxTextChars),
      attachments: parsed.attachments,
      parseError: problems.length ? problems.join('; ') : null,
      ...(parsed.envelope ? { envelope: parsed.envelope } : {}),
    };
  } catch (err) {
    return failedBody(err instanceof Error ? err.message : String(err));
  }
}

type RawParse = Pick<ParsedBody, 'text' | 'html' | 'attachments'> & {
  envelope?: ParsedEnvelope;
};

function runMailParser(input: Buffer, lim: MimeLimits, opts: ParseOptions): Promise<RawParse> {
  return new Promise((resolve, reject) => {
    const { parser, shownInBody } = createMailParser(lim);
    const out: RawParse = { text: null, html: null, attachments: [] };
    let settled = false;
    const settle = (err: Error | null): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (err) {
        parser.destroy();
        reject(err);
      } else resolve(out);
    };
    // Inside MimePool the worker is killed first; this keeps a direct caller from waiting on
    // a parser that stalls rather than spins.
    const timer = setTimeout(
      () => settle(new Error(`MIME parsing timed out after ${lim.timeoutMs} ms`)),
      lim.timeoutMs,
    );
    if (opts.envelope) parser.once('headers', (headers) => (out.envelope = envelopeOf(headers)));
    parser.on('data', (data: AttachmentStream | MessageText) => {
      if (data.type === 'text') {
        out.text = data.text || null;
        out.html = data.html || null;
        return;
      }
      let size = 0;
      data.content.on('data', (chunk: Buffer) => (size += chunk.length));
      data.content.once('end', () => {
        if (out.attachments.length < lim.maxParts)
          out.attachments.push(attachmentMeta(data, size, shownInBody(data)));
        data.release?.();
      });
      data.content.on('error', (err: Error) => settle(err));
    });
    // `on`, not `once`: mailparser can emit more than one error, and an unheard one throws.
    parser.on('error', (err: Error) => settle(err));
    parser.once('end', () => settle(null));
    parser.end(input);
  });
}

function attachmentMeta(a: AttachmentStream, size: number, inline: boolean): ParsedAttachment {
  return {
    partId: a.partId ?? null,
    filename: a.filename ?? null,
    contentType: a.contentType,
    size,
    contentId: a.cid ?? null,
    inline,
  };
}

/**
 * The top-level multipart type (`multipart/mixed`) when the header names a multipart whose
 * delimiter line never comes in the body (no boundary, or a boundary cut short); else null.
 */
function lostBoundary(buf: Buffer): string | null {
  const end = headerEnd(buf);
  if (end < 0) return null;
  const header = buf.toString('latin1', 0, end).replace(/\r?\n[ \t]+/g, ' ');
  const type = /^content-type[ \t]*:[ \t]*(multipart\/[\w.+-]+)([^\r\n]*)/im.exec(header);
  if (!type) return null;
  const boundary = /;\s*boundary\s*=\s*(?:"([^"]+)"|([^\s;"]+))/i.exec(type[2]!);
  const value = boundary?.[1] ?? boundary?.[2];
  if (!value) return type[1]!.toLowerCase();
  const body = buf.toString('latin1', end);
  const delimiter = `--${value}`;
  for (let i = body.indexOf(delimiter); i >= 0; i = body.indexOf(delimiter, i + 1)) {
    if (i === 0 || body[i - 1] === '\n') return null;
  }
  return type[1]!.toLowerCase();
}

function hasBody(buf: Buffer): boolean {
  const end = headerEnd(buf);
  return end >= 0 && /\S/.test(buf.toString('latin1', end, end + 65536));
}

/** Offset just past the blank line that ends the top-level header block, or -1 if none. */
function headerEnd(buf: Buffer): number {
  if (buf[0] === 0x0a) return 1;
  if (buf[0] === 0x0d && buf[1] === 0x0a) return 2;
  const lf = buf.indexOf('\n\n');
  const crlf = buf.indexOf('\n\r\n');
  if (lf < 0) return crlf < 0 ? -1 : crlf + 3;
  return crlf < 0 || lf < crlf ? lf + 2 : crlf + 3;
}

/**
 * The message unchanged when its top-level header fits maxHeaderBytes (measured as mailsplit
 * does), else a copy whose header keeps only the fields that shape the body: ParsedBody carries
 * no headers, and mailparser would otherwise fail on the whole message.
 */
function capHeader(buf: Buffer, maxHeaderBytes: number): Buffer {
  const end = headerEnd(buf);
  const head = end < 0 ? buf : buf.subarray(0, end);
  let cost = 0;
  for (let pos = 0; pos < head.length && cost <= maxHeaderBytes;) {
    const next = lineEnd(head, pos);
    cost += Math.max(next - pos, HEADER_LINE_MIN_COST);
    pos = next;
  }
  if (cost <= maxHeaderBytes) return buf;
  const kept: Buffer[] = [];
  let keptCost = 0;
  let start = 0;
  let fieldCost = 0;
  for (let pos = 0; pos < head.length;) {
    const next = lineEnd(head, pos);
    fieldCost += Math.max(next - pos, HEADER_LINE_MIN_COST);
    if (head[next] !== 0x20 && head[next] !== 0x09) {
      const first = (head[start] ?? 0) | 0x20; // only "content-*" and "mime-version" are kept
      if ((first === 0x63 || first === 0x6d) && keptCost + fieldCost <= maxHeaderBytes / 2) {
        const field = head.subarray(start, next);
        if (MIME_FIELD.test(field.toString('latin1', 0, 32))) {
          kept.push(field);
          keptCost += fieldCost;
        }
      }
      start = next;
      fieldCost = 0;
    }
    pos = next;
  }
  kept.push(Buffer.from('\r\n'), end < 0 ? Buffer.alloc(0) : buf.subarray(end));
  return Buffer.concat(kept);
}

function lineEnd(buf: Buffer, pos: number): number {
  const nl = buf.indexOf(0x0a, pos);
  return nl < 0 ? buf.length : nl + 1;
}

/**
 * Where the (maxParts + 1)th MIME part starts, or null when there are not that many. The
 * cheap count of lines starting with "--" rules out almost every message; only then are
 * delimiter lines matched against the boundaries the message declares.
 */
function partsCutOffset(buf: Buffer, maxParts: number): number | null {
  let dashLines = 0;
  for (let i = buf.indexOf('\n--'); i >= 0 && dashLines <= maxParts; i = buf.indexOf('\n--', i + 3))
    dashLines++;
  if (dashLines <= maxParts) return null;
  const boundaries = new Set<string>();
  const str = buf.toString('latin1');
  for (const m of str.matchAll(/boundary\s*=\s*(?:"([^"\r\n]{1,200})"|([^\s;"]{1,200}))/gi)) {
    boundaries.add((m[1] ?? m[2] ?? '').trim());
  }
  let parts = 0;
  for (let i = str.indexOf('\n--'); i >= 0; i = str.indexOf('\n--', i + 3)) {
    const eol = str.indexOf('\n', i + 3);
    const token = str.slice(i + 3, eol < 0 ? str.length : eol).trimEnd();
    if (token.endsWith('--') && boundaries.has(token.slice(0, -2))) continue;
    if (boundaries.has(token) && ++parts > maxParts) return i + 1;
  }
  return null;
}
