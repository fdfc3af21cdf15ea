// Worker threads run modules of the project that lint and the type checker read, started in
// one place (main/core/threads/start.ts) that finds them from dist/ and from source alike. A
// caller that cannot start its worker falls back to its own thread without a word (the
// backup does), so a wrong path would only cost speed: this test names it instead.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { startWorker } from '../../main/core/threads/start.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const START = 'main/core/threads/start.ts';

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return /\.tsx?$/.test(entry.name) ? [full] : [];
  });
}

interface Site {
  file: string;
  /** `startWorker(…)`, or a `new Worker(…)` made anywhere else. */
  kind: 'startWorker' | 'new Worker';
  /** The entry as `new URL('./x.js', import.meta.url)` names it, else null. */
  entry: string | null;
}

function workerSites(): Site[] {
  const sites: Site[] = [];
  for (const full of sourceFiles(path.join(ROOT, 'main'))) {
    const file = path.relative(ROOT, full);
    const source = ts.createSourceFile(full, readFileSync(full, 'utf8'), ts.ScriptTarget.Latest);
    const visit = (node: ts.Node): void => {
      const first = (ts.isCallExpression(node) || ts.isNewExpression(node)) && node.arguments?.[0];
      const url =
        first &&
        ts.isNewExpression(first) &&
        first.expression.getText(source) === 'URL' &&
        first.arguments?.[0] &&
        ts.isStringLiteral(first.arguments[0]) &&
        first.arguments[1]?.getText(source) === 'import.meta.url'
          ? first.arguments[0].text
          : null;
      if (ts.isCallExpression(node) && node.expression.getText(source) === 'startWorker')
        sites.push({ file, kind: 'startWorker', entry: url });
      // BullMQ's Worker (a queue consumer, main/server/work/queue.ts) is no thread.
      if (
        ts.isNewExpression(node) &&
        node.expression.getText(source) === 'Worker' &&
        !/from 'bullmq'/.test(source.text)
      )
        sites.push({ file, kind: 'new Worker', entry: url });
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return sites;
}

describe('worker threads', () => {
  const sites = workerSites();

  it('are started through startWorker only', () => {
    expect(sites.filter((s) => s.kind === 'new Worker').map((s) => s.file)).toEqual([START, START]);
    expect(sites.filter((s) => s.kind === 'startWorker').map((s) => s.file)).toEqual(
      expect.arrayContaining([
        'main/core/backup/store-worker.ts',
        'main/core/mime/pool.ts',
        'main/core/store/sqlite/checkpoint.ts',
      ]),
    );
  });

  it('run a module of the sources beside their caller, named as it will be in dist/', () => {
    for (const site of sites.filter((s) => s.kind === 'startWorker')) {
      expect(site.entry, site.file).toMatch(/^\.\.?\/[\w./-]+\.js$/);
      const module = path.resolve(ROOT, path.dirname(site.file), site.entry!);
      expect(existsSync(module.replace(/\.js$/, '.ts')), `${site.file}: ${site.entry}`).toBe(true);
    }
  });

  it('refuse an entry that is not a .js module, and tell of one that cannot load', async () => {
    expect(() => startWorker(new URL('./worker.ts', import.meta.url))).toThrow(/\.js file/);
    const worker = startWorker(new URL('./no-such-worker.js', import.meta.url));
    const error = await new Promise<Error>((resolve) => worker.once('error', resolve));
    expect(error.message).toMatch(/no-such-worker/);
    await worker.terminate();
  });
});
