// The e2e tests run the built renderer, as `maildock serve` does. `npm ci` builds it; when
// a source file is newer than the build (a developer editing), it is built again first.
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { mkdir, rmdir } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';

export const ROOT = path.resolve(import.meta.dirname, '../..');
export const RENDERER_DIST = path.join(ROOT, 'dist/renderer');
/** The renderer's build for Node: the server's first screen (main/server/first-screen.ts). */
const SERVER_BUILD = path.join(ROOT, 'dist/renderer-ssr/render.js');

function newest(dir: string): number {
  let t = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    t = Math.max(t, entry.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

const fresh = (): boolean => {
  const index = path.join(RENDERER_DIST, 'index.html');
  const sources = Math.max(newest(path.join(ROOT, 'renderer')), newest(path.join(ROOT, 'common')));
  return [index, SERVER_BUILD].every((f) => existsSync(f) && statSync(f).mtimeMs >= sources);
};

/** Test files run in parallel: one builds (holding a lock folder), the others wait for it. */
export async function ensureRendererBuilt(): Promise<void> {
  const lock = path.join(ROOT, 'dist/.renderer-build-lock');
  await mkdir(path.dirname(lock), { recursive: true });
  for (let waited = 0; ; waited += 200) {
    if (fresh()) return;
    try {
      await mkdir(lock);
      break;
    } catch (err) {
      if ((err as { code?: string }).code !== 'EEXIST' || waited > 120_000) throw err;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  try {
    if (!fresh()) await build();
  } finally {
    await rmdir(lock);
  }
}

/**
 * The two builds of `npm run build:renderer`, the page and then the server's first screen,
 * as Vite's arguments; with `into`, each into a folder of its own there (`renderer`, and
 * `renderer-ssr` beside it, where main/server/first-screen.ts looks).
 */
export function rendererBuilds(opts: { into?: string; minify?: boolean } = {}): string[][] {
  return [[], ['--ssr', 'src/first-screen/render.tsx']].map((ssr, i) => [
    path.join(ROOT, 'node_modules/vite/bin/vite.js'),
    'build',
    '--config',
    'renderer/vite.config.ts',
    ...ssr,
    '--logLevel',
    'error',
    ...(opts.minify === false ? ['--minify', 'false'] : []),
    ...(opts.into ? ['--outDir', path.join(opts.into, i ? 'renderer-ssr' : 'renderer')] : []),
  ]);
}

async function build(): Promise<void> {
  for (const args of rendererBuilds()) {
    // vitest sets NODE_ENV=test, which would give Vite (and so React) a development build.
    await promisify(execFile)(process.execPath, args, {
      cwd: ROOT,
      env: { ...process.env, NODE_ENV: 'production' },
    });
  }
}
