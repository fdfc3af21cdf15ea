// A file name for a message saved as .eml, from its subject: one that every system takes
// (Windows forbids more than the others: <>:"/\|?*, control characters, a trailing dot or
// space, and device names such as CON or LPT1).
// Control and format characters too: a right-to-left override would hide the extension.
const FORBIDDEN = /[<>:"/\\|?*\p{Cc}\p{Cf}]/gu;
const DEVICE = /^(con|prn|aux|nul|com\d|lpt\d)$/i;
/** Characters, not bytes: 60 of even 4-byte ones and ".eml" stay under 255 bytes. */
const MAX_CHARS = 60;

export function emlFilename(subject: string | null): string {
  const cleaned = (subject ?? '')
    .normalize('NFC')
    .replace(FORBIDDEN, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  // Code points, not UTF-16 units: a cut never splits a character in two.
  let stem = [...cleaned].slice(0, MAX_CHARS).join('');
  stem = stem.replace(/^[.\s]+|[.\s]+$/g, '');
  if (!stem || DEVICE.test(stem)) stem = stem ? `${stem}_` : 'message';
  return `${stem}.eml`;
}
