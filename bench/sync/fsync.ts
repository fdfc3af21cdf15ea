// The disk's sync latency where the bench writes, printed with the figures: a client that
// syncs every message (mbsync with FSync yes) is bound by it, and it differs by an order of
// magnitude from one machine to the next.
import {
  closeSync,
  fdatasyncSync,
  fsyncSync,
  mkdtempSync,
  openSync,
  rmSync,
  writeSync,
} from 'node:fs';
import path from 'node:path';
import { summarize } from './stats.js';

export interface FsyncLatency {
  /** A new 4 KiB file written and fsynced, as a Maildir delivery does (ms). */
  newFile: { p50: number; p95: number };
  /** 4 KiB appended to one file and fdatasynced, as a journal does (ms). */
  append: { p50: number; p95: number };
  runs: number;
}

const since = (t0: bigint) => Number(process.hrtime.bigint() - t0) / 1e6;

export function fsyncLatency(dir: string, runs = 200): FsyncLatency {
  const work = mkdtempSync(path.join(dir, 'fsync-'));
  const block = Buffer.alloc(4096, 0x61);
  try {
    const newFile: number[] = [];
    for (let i = 0; i < runs; i++) {
      const t0 = process.hrtime.bigint();
      const fd = openSync(path.join(work, `m${i}`), 'wx');
      writeSync(fd, block);
      fsyncSync(fd);
      closeSync(fd);
      newFile.push(since(t0));
    }
    const append: number[] = [];
    const fd = openSync(path.join(work, 'journal'), 'a');
    try {
      for (let i = 0; i < runs; i++) {
        const t0 = process.hrtime.bigint();
        writeSync(fd, block);
        fdatasyncSync(fd);
        append.push(since(t0));
      }
    } finally {
      closeSync(fd);
    }
    return { newFile: summarize(newFile), append: summarize(append), runs };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
