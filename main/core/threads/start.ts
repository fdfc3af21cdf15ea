// Starts a worker thread on a module of the project, from dist/ or from source alike. From dist/
// the entry is compiled JS beside its caller. From source (vitest, `node --import tsx`) it is
// TypeScript, and on Node 20 a worker ignores loader hooks given with `--import` in its
// execArgv (it fails with ERR_UNKNOWN_FILE_EXTENSION), so from-source.mjs loads it through
// tsx's tsImport instead.
import { Worker } from 'node:worker_threads';
import type { WorkerOptions } from 'node:worker_threads';

const fromSource = import.meta.url.endsWith('.ts');

/** `entry` names the compiled file: `new URL('./x-worker.js', import.meta.url)`. */
export function startWorker(entry: URL, options: WorkerOptions = {}): Worker {
  if (!entry.pathname.endsWith('.js')) throw new Error(`A worker's entry is a .js file: ${entry}`);
  if (!fromSource) return new Worker(entry, options);
  const source = new URL(entry);
  source.pathname = source.pathname.replace(/\.js$/, '.ts');
  return new Worker(new URL('./from-source.mjs', import.meta.url), {
    ...options,
    argv: [source.href, ...(options.argv ?? [])],
  });
}
