// Makes a picture's thumbnail away from the page's thread: decodes the bytes it is handed
// (the browser's own decoders, no network) and draws them scaled down to fit `max` pixels.
// One worker per picture, ended by the page when done or when it takes too long.
import { fitWithin } from './thumbnail-kind.js';

export interface ImageThumbnailRequest {
  bytes: ArrayBuffer;
  /** The long side of the thumbnail, in device pixels. */
  max: number;
}

export type ImageThumbnailReply =
  { ok: true; bitmap: ImageBitmap; width: number; height: number } | { ok: false };

async function thumbnail(request: ImageThumbnailRequest): Promise<ImageThumbnailReply> {
  // Turned as its EXIF orientation says, as the browser shows the picture when opened.
  const full = await createImageBitmap(new Blob([request.bytes]));
  try {
    const fit = fitWithin(full, request.max);
    const canvas = new OffscreenCanvas(fit.width, fit.height);
    const context = canvas.getContext('2d');
    if (!context) return { ok: false };
    context.imageSmoothingQuality = 'high';
    context.drawImage(full, 0, 0, fit.width, fit.height);
    return {
      ok: true,
      bitmap: canvas.transferToImageBitmap(),
      width: full.width,
      height: full.height,
    };
  } finally {
    full.close();
  }
}

self.addEventListener('message', (event: MessageEvent<ImageThumbnailRequest>) => {
  thumbnail(event.data).then(
    (reply) => self.postMessage(reply, { transfer: reply.ok ? [reply.bitmap] : [] }),
    () => self.postMessage({ ok: false } satisfies ImageThumbnailReply),
  );
});
