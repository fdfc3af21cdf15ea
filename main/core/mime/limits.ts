// Limits and result shapes of MIME parsing, apart from the parser so that code which only
// hands messages to the worker pool does not load mailparser.

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

export interface ParsedAttachment {
  partId: string | null;
  filename: string | null;
  contentType: string;
  size: number;
  contentId: string | null;
  inline: boolean;
}

export interface ParsedBody {
  text: string | null;
  html: string | null;
  /** What search indexes when it is not `text` (HTML-only mail, a stub text part); see body-text.ts. */
  searchText: string | null;
  snippet: string;
  attachments: ParsedAttachment[];
  parseError: string | null;
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
