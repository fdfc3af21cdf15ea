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

const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/** Whether a message has a flag or keyword (IMAP compares them without case). */
export function hasFlag(bits: number, keywords: string | null, flag: string): boolean {
  return decodeFlags(bits, keywords).some((f) => same(f, flag));
}

/** A message's flags and keywords once some are added and others removed, stored as here. */
export function changeFlags(
  bits: number,
  keywords: string | null,
  change: { add: readonly string[]; remove: readonly string[] },
): { bits: number; keywords: string | null } {
  const kept = decodeFlags(bits, keywords).filter((f) => !change.remove.some((r) => same(f, r)));
  const added = change.add.filter((a) => !kept.some((f) => same(f, a)));
  return encodeFlags([...kept, ...added]);
}
