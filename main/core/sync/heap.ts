// How far V8 lets the heap grow between full collections while a sync runs.
//
// A sync allocates in batches (a thousand headers, a thousand bodies) that live longer
// than one young-generation cycle, so their garbage is promoted. V8's default growing
// factor (up to 4x the live size after each full collection, raised further when
// collections are fast) lets that garbage pile up until the heap is several times what
// the sync keeps: peak memory then grows with the mailbox although the live heap is flat
// (about 18 MB from 10,000 to 100,000 messages). A factor of 1.5 keeps the heap within
// half again its live size, at no measured cost in speed (bench/README.md). It is a
// factor, not a ceiling: a larger live set still gets all the memory it needs.
import v8 from 'node:v8';

const FLAG = 'heap-growing-percent';
export const HEAP_GROWING_PERCENT = 50;
let applied = false;

/** Sets V8's heap growing factor once per process, unless the user has set it already. */
export function boundHeapGrowth(
  argv: readonly string[] = process.execArgv,
  nodeOptions: string | undefined = process.env['NODE_OPTIONS'],
): boolean {
  if (applied) return false;
  applied = true;
  const userSet = [...argv, ...(nodeOptions ?? '').split(/\s+/)].some((a) =>
    a.replace(/_/g, '-').startsWith(`--${FLAG}`),
  );
  if (userSet) return false;
  v8.setFlagsFromString(`--${FLAG}=${HEAP_GROWING_PERCENT}`);
  return true;
}
