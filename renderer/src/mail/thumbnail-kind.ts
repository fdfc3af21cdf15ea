// Which attachments get a thumbnail in the reader, decided without decoding anything: by the
// declared type (or the name's extension when the type says nothing), by size, and then by
// the fetched bytes, which must be what the label says. SVG never: it is a document that can
// run script, not a picture. A picture's header is read for its size first, so a small file
// that would decode into gigabytes is never handed to the decoder.

export type ThumbnailKind = 'image' | 'pdf';

export interface Thumbnail {
  /** At up to twice the size below, for sharp pictures on dense screens. */
  bitmap: ImageBitmap;
  /** The size to show, in CSS pixels. */
  width: number;
  height: number;
}

/** Attachments larger than this keep their icon: fetching and decoding them costs too much. */
export const THUMBNAIL_MAX_BYTES = 15 * 1024 * 1024;

/** Pictures with more pixels than this are not decoded (about 200 MB as RGBA). */
export const THUMBNAIL_MAX_PIXELS = 50_000_000;

/** The long side of a thumbnail, in CSS pixels. */
export const THUMBNAIL_SIZE = 160;

const IMAGE_TYPES = /^image\/(png|x-png|jpeg|jpg|pjpeg|gif|webp|bmp|x-bmp|x-ms-bmp)$/;
const PDF_TYPES = /^application\/(pdf|x-pdf)$/;
const IMAGE_NAMES = /\.(png|jpe?g|gif|webp|bmp)$/;
const UNTYPED = /^(application\/(octet-stream|binary|x-download)|binary\/octet-stream)?$/;

/** What kind of thumbnail an attachment may have, or null for the icon. */
export function thumbnailKind(a: {
  contentType: string;
  filename: string | null;
  size: number;
}): ThumbnailKind | null {
  if (a.size <= 0 || a.size > THUMBNAIL_MAX_BYTES) return null;
  const type = (a.contentType.split(';')[0] ?? '').trim().toLowerCase();
  if (IMAGE_TYPES.test(type)) return 'image';
  if (PDF_TYPES.test(type)) return 'pdf';
  if (!UNTYPED.test(type)) return null;
  const name = (a.filename ?? '').trim().toLowerCase();
  if (IMAGE_NAMES.test(name)) return 'image';
  if (name.endsWith('.pdf')) return 'pdf';
  return null;
}

const startsWith = (bytes: Uint8Array, sig: readonly number[], at = 0) =>
  sig.every((b, i) => bytes[at + i] === b);
const ascii = (s: string) => [...s].map((c) => c.charCodeAt(0));
const PNG = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const JPEG = [0xff, 0xd8, 0xff];
const PDF = ascii('%PDF-');

type Format = 'png' | 'jpeg' | 'gif' | 'webp' | 'bmp' | 'pdf';

/** The format the bytes are in, by their signature; null for anything else (SVG included). */
export function sniffFormat(bytes: Uint8Array): Format | null {
  if (startsWith(bytes, PNG)) return 'png';
  if (startsWith(bytes, JPEG)) return 'jpeg';
  if (startsWith(bytes, ascii('GIF87a')) || startsWith(bytes, ascii('GIF89a'))) return 'gif';
  if (startsWith(bytes, ascii('RIFF')) && startsWith(bytes, ascii('WEBP'), 8)) return 'webp';
  if (startsWith(bytes, ascii('BM'))) return 'bmp';
  // PDF readers accept a header within the first kilobyte (some mailers prepend junk).
  const head = bytes.subarray(0, 1024);
  for (let i = head.indexOf(0x25); i >= 0; i = head.indexOf(0x25, i + 1)) {
    if (startsWith(head, PDF, i)) return 'pdf';
  }
  return null;
}

/** Whether fetched bytes are of the kind the attachment was offered as. */
export function bytesAreKind(bytes: Uint8Array, kind: ThumbnailKind): boolean {
  const format = sniffFormat(bytes);
  return format !== null && (format === 'pdf') === (kind === 'pdf');
}

export interface Size {
  width: number;
  height: number;
}

/** A picture's size as its header declares it, or null when the header can't be read. */
export function imageSize(bytes: Uint8Array): Size | null {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const size = (width: number, height: number) =>
    width > 0 && height > 0 ? { width, height } : null;
  try {
    switch (sniffFormat(bytes)) {
      case 'png':
        return size(view.getUint32(16), view.getUint32(20));
      case 'gif':
        return size(view.getUint16(6, true), view.getUint16(8, true));
      case 'bmp':
        // The old OS/2 header has 16-bit sizes; every later one 32-bit (height negative when
        // the rows run top down).
        return view.getUint32(14, true) === 12
          ? size(view.getUint16(18, true), view.getUint16(20, true))
          : size(Math.abs(view.getInt32(18, true)), Math.abs(view.getInt32(22, true)));
      case 'webp':
        return webpSize(bytes, view, size);
      case 'jpeg':
        return jpegSize(bytes, view, size);
      default:
        return null;
    }
  } catch {
    // A header cut short: DataView threw RangeError.
    return null;
  }
}

type MakeSize = (width: number, height: number) => Size | null;

function webpSize(bytes: Uint8Array, view: DataView, size: MakeSize): Size | null {
  const chunk = String.fromCharCode(...bytes.subarray(12, 16));
  const u24 = (at: number) => view.getUint16(at, true) | (view.getUint8(at + 2) << 16);
  if (chunk === 'VP8X') return size(1 + u24(24), 1 + u24(27));
  if (chunk === 'VP8 ') {
    return size(view.getUint16(26, true) & 0x3fff, view.getUint16(28, true) & 0x3fff);
  }
  if (chunk === 'VP8L') {
    const bits = view.getUint32(21, true);
    return size(1 + (bits & 0x3fff), 1 + ((bits >>> 14) & 0x3fff));
  }
  return null;
}

function jpegSize(bytes: Uint8Array, view: DataView, size: MakeSize): Size | null {
  let at = 2;
  while (at + 4 <= bytes.length) {
    if (bytes[at] !== 0xff) return null;
    const marker = bytes[at + 1]!;
    if (marker === 0xff) {
      at += 1; // fill byte
      continue;
    }
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd9)) {
      at += 2; // markers without a length
      continue;
    }
    // Start of frame, of any coding, except DHT (c4), JPG (c8) and DAC (cc).
    if (marker >= 0xc0 && marker <= 0xcf && ![0xc4, 0xc8, 0xcc].includes(marker)) {
      return size(view.getUint16(at + 7), view.getUint16(at + 5));
    }
    at += 2 + view.getUint16(at + 2);
  }
  return null;
}

/** `size` scaled down to fit a square of `max` (never up), in whole pixels of at least 1. */
export function fitWithin(size: Size, max: number): Size {
  const scale = Math.min(1, max / Math.max(size.width, size.height));
  return {
    width: Math.max(1, Math.round(size.width * scale)),
    height: Math.max(1, Math.round(size.height * scale)),
  };
}
