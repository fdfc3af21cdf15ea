// Thumbnails of a message's pictures and PDFs, made in this browser from the attachment's
// own bytes (fetched through the contract): nothing comes from anywhere else. They are made
// when a message is shown, two at a time, each within a time limit, and kept in memory by
// attachment id. Anything that goes wrong leaves the attachment's icon: a thumbnail is a
// nicety, never a reason for the reader to fail.
import type { Attachment } from '../../../common/types.js';
import type { MaildockClient } from '../client/client.js';
import { base64ToBytes } from './files.js';
import type { ImageThumbnailReply, ImageThumbnailRequest } from './image-thumbnail-worker.js';
import { LruCache } from './thumbnail-cache.js';
import {
  bytesAreKind,
  fitWithin,
  imageSize,
  THUMBNAIL_MAX_BYTES,
  THUMBNAIL_MAX_PIXELS,
  THUMBNAIL_SIZE,
  thumbnailKind,
  type Thumbnail,
  type ThumbnailKind,
} from './thumbnail-kind.js';

/** Decoding and drawing one attachment may take this long; then it keeps its icon. */
const THUMBNAIL_TIME_LIMIT_MS = 15_000;
const KEPT = 48;
const AT_ONCE = 2;

/** One client's thumbnails: those made (null: none could be), and those being made. */
class Thumbnails {
  private readonly made = new LruCache<number, Thumbnail | null>(KEPT);
  private readonly making = new Map<number, Promise<Thumbnail | null>>();

  constructor(private readonly client: MaildockClient) {}

  /** What is known already: the thumbnail, null when there is none, undefined when not tried. */
  known(a: Attachment): Thumbnail | null | undefined {
    if (!thumbnailKind(a)) return null;
    return this.made.get(a.id);
  }

  /** The attachment's thumbnail, or null for the icon. Never rejects. */
  of(a: Attachment): Promise<Thumbnail | null> {
    const kind = thumbnailKind(a);
    if (!kind) return Promise.resolve(null);
    const known = this.made.get(a.id);
    if (known !== undefined) return Promise.resolve(known);
    let job = this.making.get(a.id);
    if (!job) {
      job = inTurn(() => this.make(a, kind)).finally(() => this.making.delete(a.id));
      this.making.set(a.id, job);
    }
    return job;
  }

  private async make(a: Attachment, kind: ThumbnailKind): Promise<Thumbnail | null> {
    let bytes: Uint8Array<ArrayBuffer>;
    try {
      bytes = base64ToBytes((await this.client.call('attachment.get', { id: a.id })).data);
    } catch {
      // Offline, or the server failed: not remembered, the next showing tries again.
      return null;
    }
    let made: Thumbnail | null = null;
    if (bytes.length <= THUMBNAIL_MAX_BYTES && bytesAreKind(bytes, kind)) {
      made = await withTimeLimit((signal) =>
        kind === 'pdf' ? pdfThumbnail(bytes, signal) : imageThumbnail(bytes, signal),
      ).catch(() => null);
    }
    this.made.set(a.id, made);
    return made;
  }
}

const perClient = new WeakMap<MaildockClient, Thumbnails>();

/** A client's thumbnails; another client (say, after signing in again) starts empty. */
export function thumbnailsOf(client: MaildockClient): Thumbnails {
  let thumbnails = perClient.get(client);
  if (!thumbnails) {
    thumbnails = new Thumbnails(client);
    perClient.set(client, thumbnails);
  }
  return thumbnails;
}

let running = 0;
const waiting: (() => void)[] = [];

/** Runs `job` when fewer than AT_ONCE others run; a finished job hands its turn on. */
async function inTurn<T>(job: () => Promise<T>): Promise<T> {
  if (running < AT_ONCE) running++;
  else await new Promise<void>((resolve) => waiting.push(resolve));
  try {
    return await job();
  } finally {
    const next = waiting.shift();
    if (next) next();
    else running--;
  }
}

async function withTimeLimit<T>(work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const stop = new AbortController();
  const timer = setTimeout(() => stop.abort(), THUMBNAIL_TIME_LIMIT_MS);
  try {
    return await work(stop.signal);
  } finally {
    clearTimeout(timer);
  }
}

/** Device pixels per CSS pixel of the thumbnails: the screen's, between 1 and 2. */
const pixelRatio = () => Math.min(2, Math.max(1, globalThis.devicePixelRatio || 1));

async function imageThumbnail(bytes: Uint8Array<ArrayBuffer>, signal: AbortSignal) {
  const size = imageSize(bytes);
  if (!size || size.width * size.height > THUMBNAIL_MAX_PIXELS) throw new Error('too large');
  const worker = new Worker(new URL('./image-thumbnail-worker.ts', import.meta.url), {
    type: 'module',
  });
  try {
    const reply = await new Promise<ImageThumbnailReply>((resolve, reject) => {
      signal.addEventListener('abort', () => reject(new Error('timed out')));
      worker.addEventListener('error', () => reject(new Error('worker failed')));
      worker.addEventListener('message', (e: MessageEvent<ImageThumbnailReply>) => resolve(e.data));
      const request: ImageThumbnailRequest = {
        bytes: bytes.buffer,
        max: Math.round(THUMBNAIL_SIZE * pixelRatio()),
      };
      worker.postMessage(request, [bytes.buffer]);
    });
    if (!reply.ok) throw new Error('not a picture');
    return { bitmap: reply.bitmap, ...fitWithin(reply, THUMBNAIL_SIZE) };
  } finally {
    worker.terminate();
  }
}

async function pdfThumbnail(bytes: Uint8Array, signal: AbortSignal): Promise<Thumbnail> {
  // pdf.js is large: loaded the first time a PDF is shown.
  const pdf = await import('./pdf-thumbnail.js');
  return pdf.pdfThumbnail(bytes, pixelRatio(), signal);
}
