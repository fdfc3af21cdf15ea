// The layering of ARCHITECTURE.md is lint's to enforce: these imports, each written where it
// does not belong, must be refused by the project's own ESLint configuration.
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const eslint = new ESLint({ cwd: process.cwd() });

async function refused(filePath: string, source: string): Promise<string[]> {
  const [result] = await eslint.lintText(source, { filePath });
  return (result?.messages ?? [])
    .filter((m) => m.ruleId === 'no-restricted-imports')
    .map((m) => m.message);
}

const use = (spec: string) => `import * as m from '${spec}';\nexport const used = m;\n`;

describe('layering', () => {
  it.each([
    ['main/core/sync/x.ts', 'better-sqlite3'],
    ['main/core/backup/x.ts', 'pg'],
    ['main/core/methods/x.ts', '../store/sqlite/engine.js'],
    ['main/core/send/x.ts', '../store/postgres/engine.js'],
    ['main/core/store/sqlite/x.ts', '../../sync/watch.js'],
    ['main/core/store/x.ts', '../backup/archive.js'],
    ['main/core/store/x.ts', '../methods/context.js'],
    ['main/core/store/postgres/x.ts', '../../send/sending.js'],
    ['main/core/sync/x.ts', '../stack/docker.js'],
    ['main/core/sync/x.ts', '../backup/restore.js'],
    ['main/core/sync/x.ts', '../send/sender.js'],
    ['main/cli/x.ts', 'better-sqlite3'],
    ['main/server/x.ts', '../core/store/index.js'],
  ])('%s may not import %s', async (file, spec) => {
    expect(await refused(file, use(spec))).not.toEqual([]);
  });

  it.each([
    ['main/core/store/sqlite/x.ts', 'better-sqlite3'],
    ['main/core/store/postgres/x.ts', 'pg'],
    ['main/core/sync/x.ts', '../store/index.js'],
    ['main/core/backup/x.ts', '../store/index.js'],
    ['main/core/methods/x.ts', '../sync/watch.js'],
  ])('%s may import %s', async (file, spec) => {
    expect(await refused(file, use(spec))).toEqual([]);
  });
});
