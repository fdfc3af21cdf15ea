// A search hit's snippet cut into plain and highlighted runs from the contract's
// `highlights` ([start, end) offsets into the snippet). Offsets that overlap, run past the
// end or come out of order are mended here rather than trusted.
export interface Run {
  text: string;
  hit: boolean;
}

export function highlightRuns(snippet: string, highlights: readonly (readonly [number, number])[]) {
  const spans = highlights
    .map(([s, e]) => [Math.max(0, Math.min(s, snippet.length)), Math.min(e, snippet.length)])
    .filter(([s, e]) => e! > s!)
    .sort((a, b) => a[0]! - b[0]!) as [number, number][];
  // Overlapping or touching spans become one.
  const merged: [number, number][] = [];
  for (const [s, e] of spans) {
    const last = merged.at(-1);
    if (last && s <= last[1]) last[1] = Math.max(last[1], e);
    else merged.push([s, e]);
  }
  const runs: Run[] = [];
  let at = 0;
  for (const [s, e] of merged) {
    if (s > at) runs.push({ text: snippet.slice(at, s), hit: false });
    runs.push({ text: snippet.slice(s, e), hit: true });
    at = e;
  }
  if (at < snippet.length) runs.push({ text: snippet.slice(at), hit: false });
  return runs;
}
