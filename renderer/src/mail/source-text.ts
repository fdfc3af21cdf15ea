// A message's raw source as text for "View source": UTF-8 where the bytes are valid UTF-8,
// else Latin-1, which maps every byte to one character (an 8-bit message in another charset
// still shows byte for byte, and nothing can fail to decode). Only text: never parsed as HTML.

/** What "View source" shows at most; the file saved as .eml is always whole. */
export const SOURCE_SHOWN_MAX = 2 * 1024 * 1024;

export interface SourceText {
  text: string;
  /** The bytes were more than SOURCE_SHOWN_MAX: `text` is their start. */
  truncated: boolean;
}

export function sourceText(bytes: Uint8Array, max = SOURCE_SHOWN_MAX): SourceText {
  const truncated = bytes.length > max;
  let shown = truncated ? bytes.subarray(0, max) : bytes;
  // A cut in the middle of a UTF-8 sequence must not turn the whole text into Latin-1.
  if (truncated) shown = shown.subarray(0, wholeCharacters(shown));
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(shown);
  } catch {
    text = latin1(shown);
  }
  return { text, truncated };
}

function latin1(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 8192) {
    out += String.fromCharCode(...bytes.subarray(i, i + 8192));
  }
  return out;
}

/** The length of `bytes` without a UTF-8 sequence cut off at its end. */
function wholeCharacters(bytes: Uint8Array): number {
  let lead = bytes.length - 1;
  while (lead >= 0 && lead > bytes.length - 4 && ((bytes[lead] ?? 0) & 0xc0) === 0x80) lead--;
  const first = bytes[lead] ?? 0;
  if (lead < 0 || first < 0xc0) return bytes.length;
  const needs = first >= 0xf0 ? 4 : first >= 0xe0 ? 3 : 2;
  return lead + needs > bytes.length ? lead : bytes.length;
}
