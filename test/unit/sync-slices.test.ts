// A sync's writes in short transactions (main/core/sync/slices.ts) and the WAL checkpoints in
// a thread of their own (main/core/store/checkpoint.ts), on real SQLite files.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Store } from '../../main/core/store/index.js';
import { pacer, SliceWriter } from '../../main/core/sync/slices.js';
import type { CheckpointRound } from '../../main/core/store/checkpoint.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function fileStore(): Store {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'maildock-slices-'));
  dirs.push(dir);
  const store = Store.open(path.join(dir, 'maildock.db'));
  store.db.exec('CREATE TABLE t (n INTEGER PRIMARY KEY, pad TEXT)');
  return store;
}

const count = (store: Store) => store.db.prepare('SELECT count(*) FROM t').pluck().get() as number;
const insert = (store: Store, n: number) =>
  store.db.prepare('INSERT INTO t VALUES (?, ?)').run(n, 'x'.repeat(2000));

function busy(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until);
}

describe('SliceWriter', () => {
  it('writes every item once, in order, one transaction per slice, the last one marked', async () => {
    const store = Store.open(':memory:');
    store.db.exec('CREATE TABLE t (n INTEGER PRIMARY KEY, pad TEXT)');
    const writer = new SliceWriter(store, { first: 30, min: 30, max: 30 });
    const calls: { slice: number[]; last: boolean; inTx: boolean }[] = [];
    await writer.write(
      Array.from({ length: 100 }, (_, i) => i),
      (slice, last) => {
        calls.push({ slice: [...slice], last, inTx: store.db.inTransaction });
        for (const n of slice) insert(store, n);
      },
    );
    expect(calls.map((c) => c.slice.length)).toEqual([30, 30, 30, 10]);
    expect(calls.map((c) => c.last)).toEqual([false, false, false, true]);
    expect(calls.every((c) => c.inTx)).toBe(true);
    expect(calls.flatMap((c) => c.slice)).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(count(store)).toBe(100);
  });

  it('still runs the last slice when there is nothing to write', async () => {
    const store = Store.open(':memory:');
    const seen: [number, boolean][] = [];
    await new SliceWriter(store).write([], (slice, last) => seen.push([slice.length, last]));
    expect(seen).toEqual([[0, true]]);
  });

  it('keeps the slices committed before one that throws, and none of that one', async () => {
    const store = Store.open(':memory:');
    store.db.exec('CREATE TABLE t (n INTEGER PRIMARY KEY, pad TEXT)');
    const writer = new SliceWriter(store, { first: 10, min: 10, max: 10 });
    let slices = 0;
    await expect(
      writer.write(
        Array.from({ length: 50 }, (_, i) => i),
        (slice) => {
          for (const n of slice) insert(store, n);
          if (++slices === 3) throw new Error('dies in the third slice');
        },
      ),
    ).rejects.toThrow('third slice');
    expect(count(store)).toBe(20);
  });

  it('sizes its slices to the time budget, and carries the size to the next batch', async () => {
    const store = Store.open(':memory:');
    // A clock of the test's own: each item "takes" perItem ms, whatever the machine's load.
    let clock = 0;
    let perItem = 1;
    const writer = new SliceWriter(store, {
      budgetMs: 10,
      first: 4,
      min: 1,
      max: 1000,
      now: () => clock,
    });
    const sizes: number[] = [];
    const items = Array.from({ length: 200 }, (_, i) => i);
    await writer.write(items, (slice) => {
      sizes.push(slice.length);
      clock += slice.length * perItem;
    });
    // 4, then at most twice as many a slice, up to the 10 that fit in 10 ms; the last is the rest.
    expect(sizes.slice(0, 4)).toEqual([4, 8, 10, 10]);
    expect(new Set(sizes.slice(2, -1))).toEqual(new Set([10]));
    expect(writer.sliceSize).toBe(10);
    // Slower items shrink the next slice at once, and the size carries over between batches.
    perItem = 5;
    const next: number[] = [];
    await writer.write(items.slice(0, 40), (slice) => {
      next.push(slice.length);
      clock += slice.length * perItem;
    });
    expect(next.slice(0, 3)).toEqual([10, 2, 2]);
  });

  it('lets the event loop run between slices', async () => {
    const store = Store.open(':memory:');
    const writer = new SliceWriter(store, { first: 5, min: 5, max: 5 });
    const order: string[] = [];
    setImmediate(() => order.push('other work'));
    await writer.write(
      Array.from({ length: 20 }, (_, i) => i),
      (_slice, last) => order.push(last ? 'last slice' : 'slice'),
    );
    expect(order.indexOf('other work')).toBeGreaterThan(0);
    expect(order.indexOf('other work')).toBeLessThan(order.indexOf('last slice'));
  });
});

describe('pacer', () => {
  it('lets timers run during a loop of synchronous work once its budget is spent', async () => {
    const pace = pacer(5);
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    let yielded = 0;
    for (let i = 0; i < 30; i++) {
      busy(1);
      const p = pace();
      if (p) {
        yielded++;
        await p;
      }
    }
    clearInterval(timer);
    // About every fifth message: 30 ms of work in 5 ms turns, never every message.
    expect(yielded).toBeGreaterThanOrEqual(3);
    expect(yielded).toBeLessThan(20);
    expect(ticks).toBeGreaterThan(0);
  });

  it('costs nothing while the budget lasts', () => {
    const pace = pacer(1000);
    expect(pace()).toBeUndefined();
  });
});

describe('Checkpointer (WAL checkpoints in a worker thread)', () => {
  const autocheckpoint = (store: Store) =>
    store.db.pragma('wal_autocheckpoint', { simple: true }) as number;

  it("turns the writer's own checkpoints off and moves the WAL into the database", async () => {
    const store = fileStore();
    const rounds: CheckpointRound[] = [];
    const cp = store.checkpointInBackground({ intervalMs: 20, onRound: (r) => rounds.push(r) });
    await cp.ready;
    expect(autocheckpoint(store)).toBe(0);

    // ~40 MiB of writes: past the writer's own threshold (32 MiB), which is off now.
    for (let b = 0; b < 20; b++)
      store.tx(() => {
        for (let i = 0; i < 1000; i++) insert(store, b * 1000 + i);
      });
    const before = rounds.length;
    await expect
      .poll(() => rounds.slice(before).some((r) => r.log > 0 && r.checkpointed === r.log), {
        timeout: 10_000,
      })
      .toBe(true);
    // Checkpointed, the WAL starts over from its beginning at a later write (one that does
    // not meet the worker mid-round) instead of growing without end: a round then counts
    // a handful of frames, not the ten thousand of the 40 MiB.
    let next = 1_000_000;
    await expect
      .poll(
        async () => {
          store.tx(() => insert(store, next++));
          const seen = rounds.length;
          await expect.poll(() => rounds.length, { timeout: 5_000 }).toBeGreaterThan(seen);
          return rounds.at(-1)!.log;
        },
        { timeout: 10_000 },
      )
      .toBeLessThan(100);
    const total = 20_000 + (next - 1_000_000);
    expect(count(store)).toBe(total);

    store.close();
    const again = Store.open(store.db.name);
    expect(again.db.prepare('SELECT count(*) FROM t').pluck().get()).toBe(total);
    expect(again.db.pragma('integrity_check', { simple: true })).toBe('ok');
    again.close();
  });

  it('gives the checkpoints back to the writer when stopped or when the worker cannot start', async () => {
    const store = fileStore();
    const cp = store.checkpointInBackground({ intervalMs: 20 });
    await cp.ready;
    expect(autocheckpoint(store)).toBe(0);
    cp.stop();
    expect(autocheckpoint(store)).toBe(8192);

    // The file is gone, so the worker's connection cannot open it.
    const orphan = fileStore();
    rmSync(orphan.db.name);
    const errors: string[] = [];
    const failing = orphan.checkpointInBackground({ onError: (m) => errors.push(m) });
    await expect(failing.ready).rejects.toThrow();
    expect(errors).toHaveLength(1);
    expect(autocheckpoint(orphan)).toBe(8192);
    orphan.close();
  });
});
