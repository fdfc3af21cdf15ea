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
  },
  worker: { format: 'es' },
});
