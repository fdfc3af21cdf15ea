// The pure parts of the reader's attachment thumbnails: which attachments get one (by type,
// by name when the type says nothing, never SVG, never past the size cap), whether fetched
// bytes are what they claim, the size a picture's header declares (read before decoding, so
// a small file that would decode into gigabytes is refused), the fit into 160 pixels, and
// the memory of the last thumbnails made.
import { describe, expect, it } from 'vitest';
import { LruCache } from '../../renderer/src/mail/thumbnail-cache.js';
import {
  bytesAreKind,
  fitWithin,
  imageSize,
  sniffFormat,
  THUMBNAIL_MAX_BYTES,
  thumbnailKind,
} from '../../renderer/src/mail/thumbnail-kind.js';

const attachment = (contentType: string, filename: string | null = null, size = 1000) => ({
  contentType,
  filename,
  size,
});

/** Bytes from a list of numbers and strings (each string's characters as Latin-1 bytes). */
function bytes(...parts: (number[] | string)[]): Uint8Array {
  const out: number[] = [];
  for (const p of parts)
    out.push(...(typeof p === 'string' ? [...p].map((c) => c.charCodeAt(0)) : p));
  return new Uint8Array(out);
}
const u16le = (n: number) => [n & 0xff, n >> 8];
const u16be = (n: number) => [n >> 8, n & 0xff];
const u32le = (n: number) => [n & 0xff, (n >> 8) & 0xff, (n >> 16) & 0xff, n >>> 24];
const u32be = (n: number) => [n >>> 24, (n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff];
const u24le = (n: number) => [n & 0xff, (n >> 8) & 0xff, n >> 16];

const PNG_SIG = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const png = (w: number, h: number) =>
  bytes(PNG_SIG, u32be(13), 'IHDR', u32be(w), u32be(h), [8, 2, 0, 0, 0]);

describe('thumbnailKind', () => {
  it('offers pictures and PDFs by their type, whatever its case and parameters', () => {
    for (const type of ['image/png', 'image/jpeg', 'image/gif', 'image/webp', 'image/bmp']) {
      expect(thumbnailKind(attachment(type))).toBe('image');
    }
    expect(thumbnailKind(attachment('IMAGE/JPEG; name="a.jpg"'))).toBe('image');
    expect(thumbnailKind(attachment('image/x-ms-bmp'))).toBe('image');
    expect(thumbnailKind(attachment('application/pdf'))).toBe('pdf');
    expect(thumbnailKind(attachment('Application/PDF; name=x.pdf'))).toBe('pdf');
  });

  it('never SVG, HTML or anything else, whatever the name says', () => {
    expect(thumbnailKind(attachment('image/svg+xml', 'logo.svg'))).toBeNull();
    expect(thumbnailKind(attachment('image/svg+xml', 'logo.png'))).toBeNull();
    expect(thumbnailKind(attachment('text/html', 'page.pdf'))).toBeNull();
    expect(thumbnailKind(attachment('image/tiff', 'scan.tif'))).toBeNull();
    expect(thumbnailKind(attachment('application/zip', 'photos.zip'))).toBeNull();
  });

  it('goes by the name only when the type says nothing', () => {
    expect(thumbnailKind(attachment('application/octet-stream', 'Photo.JPG'))).toBe('image');
    expect(thumbnailKind(attachment('application/octet-stream', 'report.pdf'))).toBe('pdf');
    expect(thumbnailKind(attachment('', 'scan.png'))).toBe('image');
    expect(thumbnailKind(attachment('application/octet-stream', 'logo.svg'))).toBeNull();
    expect(thumbnailKind(attachment('application/octet-stream', null))).toBeNull();
  });

  it('keeps the icon past the size cap, and for empty files', () => {
    expect(THUMBNAIL_MAX_BYTES).toBe(15 * 1024 * 1024);
    expect(thumbnailKind(attachment('image/png', null, THUMBNAIL_MAX_BYTES))).toBe('image');
    expect(thumbnailKind(attachment('image/png', null, THUMBNAIL_MAX_BYTES + 1))).toBeNull();
    expect(thumbnailKind(attachment('application/pdf', null, 40 * 1024 * 1024))).toBeNull();
    expect(thumbnailKind(attachment('image/png', null, 0))).toBeNull();
  });
});

describe('sniffFormat and bytesAreKind', () => {
  it('know each format by its signature', () => {
    expect(sniffFormat(png(1, 1))).toBe('png');
    expect(sniffFormat(bytes([0xff, 0xd8, 0xff, 0xe0]))).toBe('jpeg');
    expect(sniffFormat(bytes('GIF89a'))).toBe('gif');
    expect(sniffFormat(bytes('GIF87a'))).toBe('gif');
    expect(sniffFormat(bytes('RIFF', u32le(100), 'WEBPVP8 '))).toBe('webp');
    expect(sniffFormat(bytes('BM'))).toBe('bmp');
    expect(sniffFormat(bytes('%PDF-1.7\n'))).toBe('pdf');
    // A PDF's header may come after some junk, within the first kilobyte.
    expect(sniffFormat(bytes('junk from a mailer\r\n%PDF-1.4'))).toBe('pdf');
    expect(sniffFormat(bytes('x'.repeat(1100), '%PDF-1.4'))).toBeNull();
  });

  it('know nothing else: SVG, HTML and empty files have no format', () => {
    expect(sniffFormat(bytes('<svg xmlns="http://www.w3.org/2000/svg"/>'))).toBeNull();
    expect(sniffFormat(bytes('<?xml version="1.0"?><svg/>'))).toBeNull();
    expect(sniffFormat(bytes('<html><script>alert(1)</script>'))).toBeNull();
    expect(sniffFormat(new Uint8Array(0))).toBeNull();
  });

  it('accept bytes only of the kind the attachment claimed', () => {
    expect(bytesAreKind(png(1, 1), 'image')).toBe(true);
    expect(bytesAreKind(bytes('%PDF-1.4'), 'pdf')).toBe(true);
    expect(bytesAreKind(bytes('%PDF-1.4'), 'image')).toBe(false);
    expect(bytesAreKind(png(1, 1), 'pdf')).toBe(false);
    expect(bytesAreKind(bytes('<svg/>'), 'image')).toBe(false);
  });
});

describe('imageSize', () => {
  it('reads the size each format declares in its header', () => {
    expect(imageSize(png(300, 200))).toEqual({ width: 300, height: 200 });
    expect(imageSize(bytes('GIF89a', u16le(640), u16le(480)))).toEqual({
      width: 640,
      height: 480,
    });
    // BMP: a Windows header (40 bytes, rows top down: negative height) and an OS/2 one (12).
    const bmp = (header: number[]) => bytes('BM', u32le(0), u32le(0), u32le(54), header);
    expect(imageSize(bmp([...u32le(40), ...u32le(120), ...u32le(-80 >>> 0)]))).toEqual({
      width: 120,
      height: 80,
    });
    expect(imageSize(bmp([...u32le(12), ...u16le(64), ...u16le(32)]))).toEqual({
      width: 64,
      height: 32,
    });
  });

  it('reads the three kinds of WebP', () => {
    const riff = (chunk: string, body: number[]) =>
      bytes('RIFF', u32le(100), 'WEBP', chunk, u32le(body.length), body);
    const lossy = riff('VP8 ', [0, 0, 0, 0x9d, 0x01, 0x2a, ...u16le(400), ...u16le(300)]);
    expect(imageSize(lossy)).toEqual({ width: 400, height: 300 });
    // Lossless: 14 bits each of width - 1 and height - 1 after the signature byte 0x2f.
    const bits = (400 - 1) | ((300 - 1) << 14);
    expect(imageSize(riff('VP8L', [0x2f, ...u32le(bits)]))).toEqual({ width: 400, height: 300 });
    const extended = riff('VP8X', [0, 0, 0, 0, ...u24le(4000 - 1), ...u24le(3000 - 1)]);
    expect(imageSize(extended)).toEqual({ width: 4000, height: 3000 });
  });

  it('finds a JPEG’s frame past the segments before it, fill bytes included', () => {
    const app0 = [0xff, 0xe0, ...u16be(16), ...'JFIF\0'.split('').map((c) => c.charCodeAt(0))];
    app0.push(...new Array(16 - 2 - 5).fill(0));
    const dht = [0xff, 0xc4, ...u16be(4), 0, 0];
    const sof2 = [0xff, 0xc2, ...u16be(17), 8, ...u16be(1080), ...u16be(1920), 3];
    const jpeg = bytes([0xff, 0xd8], app0, [0xff], dht, sof2, new Array(20).fill(0));
    expect(imageSize(jpeg)).toEqual({ width: 1920, height: 1080 });
  });

  it('gives null for a header cut short, a zero size, or no picture at all', () => {
    expect(imageSize(png(300, 200).subarray(0, 18))).toBeNull();
    expect(imageSize(png(0, 200))).toBeNull();
    expect(imageSize(bytes([0xff, 0xd8, 0xff, 0xe0, 0x00]))).toBeNull();
    expect(imageSize(bytes('%PDF-1.4'))).toBeNull();
    expect(imageSize(bytes('<svg/>'))).toBeNull();
  });

  it('tells a decompression bomb by its header: 30000 × 30000 from a few bytes', () => {
    const size = imageSize(png(30_000, 30_000))!;
    expect(size.width * size.height).toBeGreaterThan(50_000_000);
  });
});

describe('fitWithin', () => {
  it('scales the long side down to the limit, keeping the shape', () => {
    expect(fitWithin({ width: 300, height: 200 }, 160)).toEqual({ width: 160, height: 107 });
    expect(fitWithin({ width: 612, height: 792 }, 160)).toEqual({ width: 124, height: 160 });
    expect(fitWithin({ width: 200, height: 100 }, 160)).toEqual({ width: 160, height: 80 });
  });

  it('never scales up, and never down to nothing', () => {
    expect(fitWithin({ width: 16, height: 16 }, 160)).toEqual({ width: 16, height: 16 });
    expect(fitWithin({ width: 10_000, height: 1 }, 160)).toEqual({ width: 160, height: 1 });
  });
});

describe('LruCache', () => {
  it('keeps the most recently used, and forgets the least', () => {
    const cache = new LruCache<number, string | null>(3);
    cache.set(1, 'a');
    cache.set(2, null);
    cache.set(3, 'c');
    expect(cache.get(1)).toBe('a'); // 1 is now the most recent
    cache.set(4, 'd');
    expect(cache.has(2)).toBe(false);
    expect(cache.get(2)).toBeUndefined();
    expect([1, 3, 4].map((k) => cache.get(k))).toEqual(['a', 'c', 'd']);
    expect(cache.size).toBe(3);
  });

  it('keeps a remembered failure (null) apart from nothing known', () => {
    const cache = new LruCache<number, string | null>(2);
    cache.set(7, null);
    expect(cache.get(7)).toBeNull();
    expect(cache.get(8)).toBeUndefined();
  });

  it('replaces a value without growing', () => {
    const cache = new LruCache<number, string>(2);
    cache.set(1, 'a');
    cache.set(1, 'b');
    cache.set(2, 'c');
    expect(cache.size).toBe(2);
    expect(cache.get(1)).toBe('b');
  });
});
