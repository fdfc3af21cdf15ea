// Maildock's side of bench:sync runs in processes of its own (maildock-child.ts, compiled),
// one per phase, so each peak RSS is that phase's alone.
import { execFile, spawn } from 'node:child_process';
import path from 'node:path';
import type { Figures } from './figures.js';

const root = path.resolve(import.meta.dirname, '../..');
const CHILD = path.join(root, 'dist/bench/sync/maildock-child.js');

/** Runs one phase to its end; resolves to the figures it prints. */
export function child(job: Record<string, unknown>): Promise<Figures> {
  return new Promise((resolve, reject) =>
    execFile(
      process.execPath,
      ['--expose-gc', CHILD, JSON.stringify(job)],
      { cwd: root, maxBuffer: 16 * 1024 * 1024 },
      (err, stdout, stderr) =>
        err
          ? reject(new Error(stderr || err.message))
          : resolve(JSON.parse(stdout.trim().split('\n').at(-1)!)),
    ),
  );
}

export interface ResyncChild {
  /** Settles once the child has warmed up and timed its no-change resyncs. */
  ready: Promise<void>;
  /** Tells it to time one more resync; resolves to its figures. */
  go(): Promise<Figures>;
}

/** The resync child: warms up, times no-change resyncs, waits for `go`, times one more. */
export function resyncChild(job: Record<string, unknown>): ResyncChild {
  const c = spawn(process.execPath, [CHILD, JSON.stringify(job)], {
    cwd: root,
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  let out = '';
  let onReady: () => void = () => undefined;
  const done = new Promise<Figures>((resolve, reject) =>
    c.on('close', (code) =>
      code === 0
        ? resolve(JSON.parse(out.trim().split('\n').at(-1)!))
        : reject(new Error(`resync child exited ${code}`)),
    ),
  );
  const ready = Promise.race([
    new Promise<void>((resolve) => (onReady = resolve)),
    done.then(() => {
      throw new Error('resync child ended before it was ready');
    }),
  ]);
  c.stdout.on('data', (d: Buffer) => {
    out += d;
    if (out.includes('READY\n')) onReady();
  });
  return {
    ready,
    go() {
      c.stdin.end('go\n');
      return done;
    },
  };
}
