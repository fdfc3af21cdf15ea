import { beforeEach, describe, expect, it, vi } from 'vitest';

// The module keeps its once-per-process state, so every case imports a fresh copy.
async function fresh() {
  vi.resetModules();
  return import('../../main/core/sync/heap.js');
}

describe('boundHeapGrowth', () => {
  beforeEach(() => vi.resetModules());

  it('sets the growing factor once per process', async () => {
    const { boundHeapGrowth } = await fresh();
    expect(boundHeapGrowth([], undefined)).toBe(true);
    expect(boundHeapGrowth([], undefined)).toBe(false);
  });

  it('leaves a factor the user chose on the command line or in NODE_OPTIONS', async () => {
    expect((await fresh()).boundHeapGrowth(['--heap-growing-percent=10'], undefined)).toBe(false);
    expect((await fresh()).boundHeapGrowth(['--heap_growing_percent', '10'], undefined)).toBe(
      false,
    );
    expect(
      (await fresh()).boundHeapGrowth([], '--max-old-space-size=512 --heap-growing-percent=20'),
    ).toBe(false);
    expect((await fresh()).boundHeapGrowth(['--expose-gc'], '--max-old-space-size=512')).toBe(true);
  });
});
