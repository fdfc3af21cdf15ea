// The first page of a PDF attachment as a thumbnail, drawn by pdf.js. Loaded only when a
// message with a PDF is shown. The PDF is hostile input: it is parsed in pdf.js's worker (a
// new one per file, from the app's own files, ended afterwards), and pdf.js is told to load
// nothing at all (no fonts, CMaps, ICC profiles or WebAssembly, from anywhere) and to use no
// font faces (glyphs are drawn as paths). A PDF's scripts run only in pdf.js's viewer and its
// sandbox, neither of which Maildock loads; and pdf.js has had no eval path since version 5
// (the old isEvalSupported option is gone), which the CSP would refuse anyway.
import { getDocument, PDFWorker, VerbosityLevel, type RenderTask } from 'pdfjs-dist';
import { fitWithin, THUMBNAIL_SIZE, type Thumbnail } from './thumbnail-kind.js';

/** Embedded pictures with more pixels than this are left out of the page. */
const MAX_IMAGE_PIXELS = 25_000_000;

export async function pdfThumbnail(
  bytes: Uint8Array,
  ratio: number,
  signal: AbortSignal,
): Promise<Thumbnail> {
  const worker = new Worker(new URL('./pdf-worker.ts', import.meta.url), { type: 'module' });
  // Given its port, pdf.js never falls back to parsing on the page's own thread.
  const pdfWorker = PDFWorker.create({ port: worker, verbosity: VerbosityLevel.ERRORS });
  const task = getDocument({
    data: bytes,
    worker: pdfWorker,
    verbosity: VerbosityLevel.ERRORS,
    // Nothing to fetch: no URLs given, no fetch in the worker, no system or standard fonts.
    useWorkerFetch: false,
    useSystemFonts: false,
    disableFontFace: true,
    useWasm: false,
    disableRange: true,
    disableStream: true,
    disableAutoFetch: true,
    enableXfa: false,
    maxImageSize: MAX_IMAGE_PIXELS,
    disableWorkerRendering: true,
  });
  let render = null as RenderTask | null;
  const failed = new Promise<never>((_, reject) => {
    signal.addEventListener('abort', () => reject(new Error('PDF thumbnail timed out')));
    worker.addEventListener('error', () => reject(new Error('PDF worker failed')));
  });
  try {
    return await Promise.race([
      failed,
      (async () => {
        const doc = await task.promise;
        const page = await doc.getPage(1);
        const whole = page.getViewport({ scale: 1 });
        const size = fitWithin(whole, THUMBNAIL_SIZE);
        const viewport = page.getViewport({ scale: (size.width / whole.width) * ratio });
        const canvas = document.createElement('canvas');
        canvas.width = Math.max(1, Math.round(viewport.width));
        canvas.height = Math.max(1, Math.round(viewport.height));
        render = page.render({ canvas, viewport });
        await render.promise;
        return { bitmap: await createImageBitmap(canvas), ...size };
      })(),
    ]);
  } finally {
    // The worker is ended, not asked: a worker still busy with a hostile file would never
    // answer. What pdf.js keeps on this side is let go without waiting for it either.
    render?.cancel();
    void task.destroy().catch(() => undefined);
    worker.terminate();
    pdfWorker.destroy();
  }
}
