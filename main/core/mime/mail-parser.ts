// mailparser, set to read mail as Maildock's users expect: what each part is to the reader
// (part-roles.ts) and the charset its text is really in (charset.ts). Each is applied at the
// one place mailparser makes that choice, on this parser instance only, so the message is still
// read in one streaming pass. mailparser does not export these places: ParserInternals names
// what is used, and the unit tests of each reading fail should an upgrade move them.
import { MailParser } from 'mailparser';
import type { AttachmentStream, Headers } from 'mailparser';
import type { Transform } from 'node:stream';
import {
  claimsAscii,
  fixCharsetLabel,
  GUESS_HTML,
  GUESS_TEXT,
  GuessingDecoder,
  type OpenDecoder,
} from './charset.js';
import type { MimeLimits } from './limits.js';
import { contentTypeOf, isTextPart, shownInBody } from './part-roles.js';

/** A part as mailsplit read its header. */
interface SplitNode {
  contentType: string | false;
  disposition: string | false;
  filename: string | false;
  multipart: string | false;
  parentNode?: SplitNode | null;
}

/** mailparser's own node for a part: whether it is a file, and the charset its text is decoded from. */
interface TreeNode {
  contentType: string;
  headers: Headers;
  isAttachment?: boolean;
  charset?: string;
}

interface ParserInternals {
  createNode(node: SplitNode): TreeNode;
  decoder: { decodeStream(charset: string): Transform & { supported?: boolean } };
  libmime: { decodeWord(charset: string, encoding: string, text: string): string };
}

export interface MaildockParser {
  parser: MailParser;
  /** Whether an attachment the parser gave belongs to the body (part-roles.ts). */
  shownInBody(a: AttachmentStream): boolean;
}

export function createMailParser(
  lim: Pick<MimeLimits, 'maxHeaderBytes' | 'maxParts'>,
): MaildockParser {
  const parser = new MailParser({
    skipHtmlToText: true,
    skipTextToHtml: true,
    skipTextLinks: true,
    skipImageLinks: true,
    checksumAlgo: false,
    maxHeadSize: lim.maxHeaderBytes,
    // Backstop only: parse.ts already cut the message to maxParts parts.
    maxChildNodes: lim.maxParts * 2 + 10,
  });
  const internals = parser as unknown as ParserInternals;
  // Keyed by the headers mailparser hands on with the attachment: the one thing both share.
  const inBody = new WeakMap<Headers, boolean>();

  const createNode = internals.createNode.bind(parser);
  internals.createNode = (node) => {
    if (!node.multipart) node.contentType = contentTypeOf(node.contentType);
    const made = createNode(node);
    if (made.isAttachment) {
      inBody.set(
        made.headers,
        shownInBody({
          type: made.contentType,
          disposition: node.disposition || null,
          filename: node.filename || null,
          hasContentId: made.headers.has('content-id'),
          inAlternative: node.parentNode?.contentType === 'multipart/alternative',
        }),
      );
    } else if (
      isTextPart(made.contentType, node.disposition || null) &&
      (!made.charset || claimsAscii(made.charset))
    ) {
      made.charset = made.contentType === 'text/html' ? GUESS_HTML : GUESS_TEXT;
    }
    return made;
  };

  const decodeStream = internals.decoder.decodeStream.bind(internals.decoder);
  const open: OpenDecoder = (label) => {
    const stream = decodeStream(fixCharsetLabel(label));
    return stream.supported === false ? null : stream;
  };
  internals.decoder = {
    decodeStream(label) {
      if (label === GUESS_TEXT || label === GUESS_HTML)
        return new GuessingDecoder(open, label === GUESS_HTML);
      // A label no decoder knows ("unknown-8bit") says as little as none.
      return open(label) ?? new GuessingDecoder(open, false);
    },
  };

  const decodeWord = internals.libmime.decodeWord.bind(internals.libmime);
  internals.libmime.decodeWord = (charset, encoding, text) =>
    decodeWord(fixCharsetLabel(charset), encoding, text);

  return { parser, shownInBody: (a) => inBody.get(a.headers) ?? false };
}
