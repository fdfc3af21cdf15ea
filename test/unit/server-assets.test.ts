// The build's hashed chunks are kept by the browser for good (main/server/base.ts); nothing else.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { isHashedAsset } from '../../main/server/base.js';

describe('which files of the build a browser may keep for good', () => {
  const dir = path.join(path.sep, 'srv', 'renderer');
  const at = (...parts: string[]) => path.join(dir, ...parts);

  it('keeps the chunks the build names by their hash', () => {
    expect(isHashedAsset(dir, at('assets', 'index-BwDfS1Eb.js'))).toBe(true);
    expect(isHashedAsset(dir, at('assets', 'rolldown-runtime-WkwZ5CU-.js'))).toBe(true);
    expect(isHashedAsset(dir, at('assets', 'index-DO5fRdpJ.css'))).toBe(true);
  });

  it('does not keep the page, files outside assets/, or names with no hash', () => {
    expect(isHashedAsset(dir, at('index.html'))).toBe(false);
    expect(isHashedAsset(dir, at('app-BwDfS1Eb.js'))).toBe(false);
    expect(isHashedAsset(dir, at('assets', 'logo.svg'))).toBe(false);
    expect(isHashedAsset(dir, at('assets', 'deep', 'index-BwDfS1Eb.js'))).toBe(false);
  });
});
