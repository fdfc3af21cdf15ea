// Where a CPU profile's time went (V8's format, from the page or from the server): time spent
// in each function itself, summed over its call sites, and time under each function
// (counted once per sample however deep the recursion), the largest first.

export interface CpuProfile {
  nodes: {
    id: number;
    callFrame: { functionName: string; url: string; lineNumber: number };
    children?: number[];
  }[];
  startTime: number;
  endTime: number;
  samples?: number[];
  timeDeltas?: number[];
}

export interface ProfileLine {
  name: string;
  selfMs: number;
  totalMs: number;
}

function label(frame: CpuProfile['nodes'][number]['callFrame']): string {
  const file = frame.url ? frame.url.split('/').at(-1)!.split('?')[0] : '';
  const name = frame.functionName || '(anonymous)';
  return file ? `${name} ${file}:${frame.lineNumber + 1}` : name;
}

export function summarizeProfile(profile: CpuProfile, top = 15): ProfileLine[] {
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<string, number>();
  const total = new Map<string, number>();
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  samples.forEach((id, i) => {
    // A sample stands for the time until the next one.
    const ms = (deltas[i + 1] ?? 0) / 1000;
    const leaf = byId.get(id);
    if (!leaf) return;
    const leafName = label(leaf.callFrame);
    self.set(leafName, (self.get(leafName) ?? 0) + ms);
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const name = label(byId.get(cur)!.callFrame);
      if (name === '(root)' || seen.has(name)) continue;
      seen.add(name);
      total.set(name, (total.get(name) ?? 0) + ms);
    }
  });
  return [...total.keys()]
    .map((name) => ({ name, selfMs: self.get(name) ?? 0, totalMs: total.get(name)! }))
    .sort((a, b) => b.selfMs - a.selfMs)
    .slice(0, top);
}

/** The same, largest total (self and callees) first: which phase or caller costs. */
export function summarizeTotals(profile: CpuProfile, top = 15): ProfileLine[] {
  return summarizeProfile(profile, Infinity)
    .sort((a, b) => b.totalMs - a.totalMs)
    .slice(0, top);
}

export function profileText(title: string, profile: CpuProfile): string {
  const wall = (profile.endTime - profile.startTime) / 1000;
  const fmt = (l: ProfileLine) =>
    `  ${l.selfMs.toFixed(0).padStart(7)} ${l.totalMs.toFixed(0).padStart(7)}  ${l.name}`;
  return [
    `${title}: ${wall.toFixed(0)} ms profiled; self ms, total ms, function`,
    '  by self time:',
    ...summarizeProfile(profile).map(fmt),
    '  by total time:',
    ...summarizeTotals(profile).map(fmt),
  ].join('\n');
}
