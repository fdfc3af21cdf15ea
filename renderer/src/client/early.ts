// The calls boot.ts made before the app ran, handed to the transport's same calls: each
// response once, and none once the app has made a call of its own of that method.
import type { EarlyCall } from '../boot.js';

/** The same key for the same input, whatever the order of its fields. */
export function keyOf(method: string, input: unknown): string {
  const sorted = (v: unknown): unknown =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(
          Object.entries(v)
            .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
            .map(([k, x]) => [k, sorted(x)]),
        )
      : v;
  return `${method} ${JSON.stringify(sorted(input))}`;
}

export type TakeEarly = (method: string, input: unknown) => Promise<Response | null> | null;

/** Takes the early calls out of `calls`: a lookup that hands out each one once. */
export function earlyResponses(calls: EarlyCall[] | undefined): TakeEarly {
  const waiting = new Map((calls ?? []).map((c) => [keyOf(c.method, c.input), c.response]));
  calls?.splice(0);
  return (method, input) => {
    if (!waiting.size) return null;
    const key = keyOf(method, input);
    const response = waiting.get(key);
    // A call of its own of that method: an early answer to it would be older than the app's.
    for (const k of [...waiting.keys()]) if (k.startsWith(`${method} `)) waiting.delete(k);
    return response ?? null;
  };
}
