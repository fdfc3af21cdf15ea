// IMAP flags as one integer for the system flags the UI filters on, keywords beside it.
const SYSTEM = [
  ['\\Seen', 1],
  ['\\Flagged', 2],
  ['\\Answered', 4],
  ['\\Draft', 8],
  ['\\Deleted', 16],
] as const;

export const SEEN = 1;
export const FLAGGED = 2;
export const ANSWERED = 4;

export function encodeFlags(flags: Iterable<string>): { bits: number; keywords: string | null } {
  let bits = 0;
  const keywords: string[] = [];
  for (const flag of flags) {
    const system = SYSTEM.find(([name]) => name.toLowerCase() === flag.toLowerCase());
    if (system) bits |= system[1];
    else if (flag !== '\\Recent') keywords.push(flag);
  }
  return { bits, keywords: keywords.length ? JSON.stringify(keywords.sort()) : null };
}

export function decodeFlags(bits: number, keywords: string | null): string[] {
  const out: string[] = SYSTEM.filter(([, bit]) => bits & bit).map(([name]) => name);
  if (keywords) out.push(...(JSON.parse(keywords) as string[]));
  return out;
}
