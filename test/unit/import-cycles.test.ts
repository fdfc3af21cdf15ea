// No two modules of the app import each other, directly or round a longer loop, not even
// through a type: a cycle makes the order of evaluation matter and the parts inseparable.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { importCycles, importGraph } from '../support/import-graph.js';

const ROOT = path.resolve(import.meta.dirname, '../..');

describe('import cycles', () => {
  it('are none in main/, common/ and renderer/src/', () => {
    const graph = importGraph(ROOT, ['main', 'common', 'renderer/src']);
    // The walk reads the real tree: in each folder, files that import others of the project.
    for (const dir of ['main/', 'common/', 'renderer/src/'])
      expect([...graph].filter(([file, to]) => file.startsWith(dir) && to.length)).not.toEqual([]);
    expect(importCycles(graph).map((cycle) => cycle.join(' → '))).toEqual([]);
  });

  it('are found round loops of any length, and through a module importing itself', () => {
    const graph = new Map([
      ['a.ts', ['b.ts']],
      ['b.ts', ['c.ts', 'd.ts']],
      ['c.ts', ['a.ts']],
      ['d.ts', []],
      ['e.ts', ['e.ts']],
      ['f.ts', ['d.ts']],
    ]);
    expect(importCycles(graph)).toEqual([
      ['a.ts', 'b.ts', 'c.ts', 'a.ts'],
      ['e.ts', 'e.ts'],
    ]);
  });

  it('are found through type-only imports and re-exports, as the sources write them', () => {
    const root = mkdtempSync(path.join(tmpdir(), 'maildock-cycles-'));
    try {
      mkdirSync(path.join(root, 'src'));
      const write = (name: string, text: string) =>
        writeFileSync(path.join(root, 'src', name), text);
      write(
        'list.ts',
        "import type { Step } from './step.js';\nexport const steps: Step[] = [];\n",
      );
      write('step.ts', "export type { Step } from './shape.js';\nexport * from './list.js';\n");
      write('shape.ts', 'export interface Step { name: string }\n');
      expect(importCycles(importGraph(root, ['src']))).toEqual([
        ['src/list.ts', 'src/step.ts', 'src/list.ts'],
      ]);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
