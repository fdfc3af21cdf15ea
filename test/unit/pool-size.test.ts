// The parser pool is sized to the cores that are free: the main thread keeps one, other
// programs keep what the load average says, and one main thread feeds only a few workers.
import { describe, expect, it } from 'vitest';
import { MAX_PARSERS, parserCount } from '../../main/core/mime/pool-size.js';

describe('parser workers for a machine', () => {
  it('leaves the main thread a core, and never goes below one worker', () => {
    expect(parserCount(2, 0)).toBe(1);
    expect(parserCount(1, 0)).toBe(1);
    expect(parserCount(4, 0.3)).toBe(3);
  });

  it('counts the sync’s own main thread in the load, and gives way to other programs', () => {
    // Syncing alone: the load of about one is this process.
    expect(parserCount(4, 1)).toBe(3);
    expect(parserCount(8, 4)).toBe(4);
    expect(parserCount(8, 6)).toBe(2);
    expect(parserCount(2, 5)).toBe(1);
  });

  it('stops at the few workers one main thread can feed', () => {
    expect(parserCount(16, 0)).toBe(MAX_PARSERS);
    expect(parserCount(64, 2)).toBe(MAX_PARSERS);
  });

  it('takes an unreadable load as none', () => {
    expect(parserCount(4, Number.NaN)).toBe(3);
  });
});
