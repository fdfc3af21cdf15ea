// Builds the renderer into dist/renderer, where `maildock serve` (and later the Electron
// window) loads it from. The output must run under the server's CSP (`default-src 'self'`):
// no inline scripts or styles, and no assets inlined as data: URLs. Workers (the thumbnails',
// pdf.js's) are files of their own beside the rest, as ES modules.
import { defineConfig, type Plugin, type UserConfig } from 'vite';

const BOOT = 'src/boot.ts';

/**
 * src/boot.ts as a chunk of its own, the page's first script (async): the first screen's
 * requests leave before the app's code has arrived. It imports nothing, so nothing is shared.
 */
function bootFirst(): Plugin {
  return {
    name: 'maildock-boot-first',
    apply: 'build',
    buildStart() {
      this.emitFile({ type: 'chunk', id: BOOT, name: 'boot' });
    },
    transformIndexHtml: {
      order: 'post',
      handler(_html, ctx) {
        const boot = Object.values(ctx.bundle ?? {}).find(
          (c) => c.type === 'chunk' && c.isEntry && c.name === 'boot',
        );
        if (!boot) throw new Error(`${BOOT} was not built`);
        if (boot.type === 'chunk' && boot.imports.length) {
          throw new Error(`${BOOT} must import nothing, and imports ${boot.imports.join(', ')}`);
        }
        return [
          {
            tag: 'script',
            attrs: { type: 'module', async: true, crossorigin: true, src: `/${boot.fileName}` },
            injectTo: 'head-prepend',
          },
        ];
      },
    },
  };
}

/**
 * The server's first screen (src/first-screen/render.tsx), built for Node beside the page:
 * `vite build --ssr` with this config. Its packages are built in, React in its production
 * build, whatever NODE_ENV the server runs with.
 */
const SERVER_BUILD = {
  root: import.meta.dirname,
  define: { 'process.env.NODE_ENV': JSON.stringify('production') },
  ssr: { noExternal: true },
  build: {
    outDir: '../dist/renderer-ssr',
    emptyOutDir: true,
    target: 'node20',
    ssr: 'src/first-screen/render.tsx',
    reportCompressedSize: false,
  },
} satisfies UserConfig;

export default defineConfig(({ isSsrBuild }) => (isSsrBuild ? SERVER_BUILD : PAGE_BUILD));

const PAGE_BUILD: UserConfig = {
  root: import.meta.dirname,
  base: '/',
  build: {
    outDir: '../dist/renderer',
    emptyOutDir: true,
    target: 'es2022',
    assetsInlineLimit: 0,
    // Every supported browser and Electron has modulepreload; the polyfill is dead weight.
    modulePreload: { polyfill: false },
    reportCompressedSize: false,
    rolldownOptions: {
      output: {
        // What the page runs at start stays one chunk, in the order it runs (zod-setup before
        // any schema: the CSP forbids eval); only what is loaded later (ui/lazy.tsx, compose,
        // the German text) is split off. A shared chunk would run before the entry's modules.
        codeSplitting: {
          groups: [{ name: 'index', tags: ['$initial'], test: (id) => !id.endsWith(BOOT) }],
        },
      },
    },
  },
  worker: { format: 'es' },
  plugins: [bootFirst()],
};
