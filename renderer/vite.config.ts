// Builds the renderer into dist/renderer, where `maildock serve` (and later the Electron
// window) loads it from. The output must run under the server's CSP (`default-src 'self'`):
// no inline scripts or styles, and no assets inlined as data: URLs. Workers (the thumbnails',
// pdf.js's) are files of their own beside the rest, as ES modules.
import { defineConfig } from 'vite';

export default defineConfig({
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
        codeSplitting: { groups: [{ name: 'index', tags: ['$initial'] }] },
      },
    },
  },
  worker: { format: 'es' },
});
