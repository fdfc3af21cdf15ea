// Limits and result shapes of MIME parsing, apart from the parser so that code which only
// hands messages to the worker pool does not load mailparser.
import type { Address, Attachment } from '../../../common/types.js';
import type { BodyText } from './body-text.js';

export interface MimeLimits {
  maxBytes: number;
  maxParts: number;
  maxTextChars: number;
  maxHeaderBytes: number;
  timeoutMs: number;
}

export const DEFAULT_MIME_LIMITS: MimeLimits = Object.freeze({
  maxBytes: 50 * 1024 * 1024,
  maxParts: 500,
  maxTextChars: 1_000_000,
  maxHeaderBytes: 256 * 1024,
  timeoutMs: 5000,
});

/** An attachment as the message describes it, before the store gives it an id. */
export type ParsedAttachment = Omit<Attachment, 'id'>;

/**
 * A message's body as parsing gives it, and as the store keeps it (BodyRepository in store/repositories.ts).
 * `searchText` and `snippet` come from the text and HTML (body-text.ts).
 */
export interface ParsedBody extends BodyText {
  text: string | null;
  html: string | null;
  attachments: ParsedAttachment[];
  parseError: string | null;
  /** The header fields a server's ENVELOPE would give, decoded; only when asked for. */
  envelope?: ParsedEnvelope;
}

/** What a message stored without a server (a local folder's) shows of its header. */
export interface ParsedEnvelope {
  subject: string;
  from: Address[];
  to: Address[];
  cc: Address[];
}

export interface ParseOptions {
  /** Read the envelope (parsed headers) too: for messages no server describes. */
  envelope?: boolean;
}

export function resolveLimits(limits: Partial<MimeLimits> = {}): MimeLimits {
  const out = { ...DEFAULT_MIME_LIMITS };
  for (const key of Object.keys(out) as (keyof MimeLimits)[]) {
    const value = limits[key];
    if (typeof value === 'number' && Number.isFinite(value) && value > 0) out[key] = value;
  }
  return out;
}

export function failedBody(parseError: string): ParsedBody {
  return { text: null, html: null, searchText: null, snippet: '', attachments: [], parseError };
}
