// pdf.js's own worker, where a PDF attachment is parsed: bundled by the renderer's build as a
// file of the app, so it loads from the app's origin like every other script.
import 'pdfjs-dist/build/pdf.worker.mjs';
