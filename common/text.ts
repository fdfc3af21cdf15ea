// Checks on text that ends up in a line-based format: a mail header, a server's
// configuration file or lookup table.

/**
 * No C0 control character but tab, and no DEL. A CR or LF starts a new line: a recipient
 * `a@b.test\r\nBcc: x@y.test` would send to someone else, a relay user with a newline would
 * write a line of the caller's choosing into Postfix's password map.
 */
export function hasNoControlCharacters(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if ((code < 0x20 && code !== 0x09) || code === 0x7f) return false;
  }
  return true;
}

export const NO_CONTROL_CHARACTERS = {
  message: 'may not hold line breaks or other control characters',
} as const;
