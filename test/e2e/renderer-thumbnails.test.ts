// Attachment thumbnails in the reader, end to end over a real core with Dovecot and Postfix:
// a message appended to the real Dovecot carries a PNG of one colour, a small hand-written
// PDF whose first page draws a coloured rectangle, a corrupt PDF, a cut-off PNG and an SVG.
// The PNG and the PDF show thumbnails whose pixels are those colours (read back from the
// page), the broken files and the SVG keep their icon, saving still gives the exact bytes,
// no request leaves 127.0.0.1 (nor asks the app's own origin for fonts or the like), the
// page reports no CSP violation, axe finds nothing serious, and the list holds at a narrow
// window. Screenshots go to test/e2e/artifacts/.
import { mkdir, readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { crc32, deflateSync } from 'node:zlib';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seriousViolations } from './axe.js';
import { startBrowser, type Browser } from './browser.js';
import { RENDERER_DIST, ROOT } from './build.js';
import { OVERFLOW } from './overflow.js';
import { startServedMail, type ServedMail } from './served-mail.js';

const ARTIFACTS = path.join(ROOT, 'test/e2e/artifacts');

type Rgb = [number, number, number];

/** A PNG of one colour: 8-bit RGB rows, each with filter byte 0, in one IDAT chunk. */
function solidPng(width: number, height: number, rgb: Rgb): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const out = Buffer.alloc(body.length + 8);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(crc32(body), body.length + 4);
    return out;
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8);
  const row = Buffer.alloc(1 + width * 3);
  for (let x = 0; x < width; x++) row.set(rgb, 1 + x * 3);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(Buffer.concat(Array.from({ length: height }, () => row)))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/**
 * A one-page PDF (200 × 100 pt, white) with a filled rectangle in the middle, and a line of
 * text in Helvetica, a font it does not embed (pdf.js must not fetch one). The cross-reference
 * table holds each object's byte offset, counted as the file is written.
 */
function rectanglePdf(rgb: Rgb): Buffer {
  const colour = rgb.map((c) => (c / 255).toFixed(3)).join(' ');
  const content = `${colour} rg 40 20 120 60 re f\nBT /F1 9 Tf 4 4 Td (Maildock) Tj ET\n`;
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 100] /Contents 4 0 R ' +
      '/Resources << /Font << /F1 5 0 R >> >> >>',
    `<< /Length ${Buffer.byteLength(content)} >>\nstream\n${content}endstream`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
  ];
  let pdf = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((body, i) => {
    offsets.push(Buffer.byteLength(pdf));
    pdf += `${i + 1} 0 obj\n${body}\nendobj\n`;
  });
  const xref = Buffer.byteLength(pdf);
  pdf += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const at of offsets) pdf += `${String(at).padStart(10, '0')} 00000 n \n`;
  pdf += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(pdf, 'latin1');
}

const BLUE: Rgb = [30, 110, 220];
const RED: Rgb = [200, 30, 40];
const PNG = solidPng(300, 200, BLUE);
const PDF = rectanglePdf(RED);
// A PDF header, then nothing a PDF reader can use; with a long name, for the narrow window.
const BROKEN_NAME = 'scanned-contract-of-the-holiday-flat-with-every-page-2024-03-08.pdf';
const BROKEN = Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(4000, 0x5a)]);
// A PNG cut off after its header: its size reads fine, its pixels do not.
const TORN = PNG.subarray(0, 48);
const SVG = Buffer.from(
  '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>',
);

function mailWith(files: { name: string; type: string; content: Buffer }[]): Buffer {
  const b = 'thumbs-boundary';
  const parts = [
    'Content-Type: text/plain; charset=utf-8\r\n\r\nThe photo, the sketch and the rest.',
    ...files.map(
      (f) =>
        `Content-Type: ${f.type}; name="${f.name}"\r\n` +
        `Content-Disposition: attachment; filename="${f.name}"\r\n` +
        `Content-Transfer-Encoding: base64\r\n\r\n` +
        f.content.toString('base64').replace(/.{76}/g, '$&\r\n'),
    ),
  ];
  const head = [
    'From: Bob Receiver <bob@maildock.test>',
    'To: Alice <alice@maildock.test>',
    'Subject: Holiday pictures',
    'Date: Fri, 08 Mar 2024 08:00:00 +0000',
    'Message-ID: <holiday-1@maildock.test>',
    'MIME-Version: 1.0',
    `Content-Type: multipart/mixed; boundary="${b}"`,
  ].join('\r\n');
  return Buffer.from(
    `${head}\r\n\r\n${parts.map((p) => `--${b}\r\n${p}\r\n`).join('')}--${b}--\r\n`,
  );
}

/** The colour at a point of a thumbnail's canvas, given as fractions of its size. */
const pixelAt = (page: Page, name: string, fx: number, fy: number) =>
  page.evaluate(`(() => {
    const canvas = document.querySelector('canvas[aria-label="Preview of ${name}"]');
    const x = Math.floor(canvas.width * ${fx});
    const y = Math.floor(canvas.height * ${fy});
    return [...canvas.getContext('2d').getImageData(x, y, 1, 1).data].slice(0, 3);
  })()`) as Promise<number[]>;

const near = (got: number[], want: Rgb) => got.every((c, i) => Math.abs(c - want[i]!) <= 8);

describe('attachment thumbnails in the reader', () => {
  let served: ServedMail;
  let browser: Browser;
  let page: Page;
  const requests: string[] = [];
  const pageErrors: string[] = [];
  const cspMessages: string[] = [];

  beforeAll(async () => {
    await mkdir(ARTIFACTS, { recursive: true });
    served = await startServedMail({ delaySeconds: 30 });
    await served.dovecot.append(
      'INBOX',
      mailWith([
        { name: 'beach.png', type: 'image/png', content: PNG },
        { name: 'sketch.pdf', type: 'application/pdf', content: PDF },
        { name: BROKEN_NAME, type: 'application/pdf', content: BROKEN },
        { name: 'torn.png', type: 'image/png', content: TORN },
        { name: 'logo.svg', type: 'image/svg+xml', content: SVG },
      ]),
    );
    await served.api('sync.run', {});
    browser = await startBrowser();
    // Every request of the page and its workers.
    browser.context.on('request', (r) => requests.push(r.url()));
    page = await browser.context.newPage();
    // pdf.js's first load may be slow on a busy machine.
    page.setDefaultTimeout(20_000);
    page.on('pageerror', (e) => pageErrors.push(e.message));
    page.on('console', (m) => {
      if (/Content.Security.Policy/i.test(m.text())) cspMessages.push(m.text());
    });
    await page.addInitScript({
      content:
        'window.__csp = []; document.addEventListener("securitypolicyviolation", (e) => ' +
        'window.__csp.push(' +
        '[e.violatedDirective, e.blockedURI, e.sourceFile, e.lineNumber].join(" ")), ' +
        'true);',
    });
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await served?.close();
  });

  const item = (name: string) => page.locator('.attachment', { hasText: name });
  const thumbnail = (name: string) => page.getByRole('img', { name: `Preview of ${name}` });

  it('shows the picture and the PDF’s first page; broken files and the SVG keep the icon', async () => {
    await page.goto(served.signIn);
    await page.locator('.row', { hasText: 'Holiday pictures' }).click();
    await expect.poll(() => page.locator('.reader-subject').textContent()).toBe('Holiday pictures');

    // The picture: 300 × 200 shown at 160 × 107, all of it blue.
    await thumbnail('beach.png').waitFor();
    const png = await thumbnail('beach.png').boundingBox();
    expect([Math.round(png!.width), Math.round(png!.height)]).toEqual([160, 107]);
    for (const [fx, fy] of [
      [0.5, 0.5],
      [0.05, 0.05],
      [0.95, 0.95],
    ] as const) {
      expect(near(await pixelAt(page, 'beach.png', fx, fy), BLUE)).toBe(true);
    }

    // The PDF: a 200 × 100 pt page at 160 × 80, the rectangle red, the margin white.
    await thumbnail('sketch.pdf').waitFor();
    const pdf = await thumbnail('sketch.pdf').boundingBox();
    expect([Math.round(pdf!.width), Math.round(pdf!.height)]).toEqual([160, 80]);
    expect(near(await pixelAt(page, 'sketch.pdf', 0.5, 0.5), RED)).toBe(true);
    expect(near(await pixelAt(page, 'sketch.pdf', 0.1, 0.1), [255, 255, 255])).toBe(true);

    // The corrupt PDF and PNG fail quietly, the SVG is never fetched for one: all keep the icon.
    await expect.poll(() => page.locator('.attachment-icon.making').count()).toBe(0);
    for (const name of [BROKEN_NAME, 'torn.png']) {
      expect(await item(name).locator('.attachment-icon').count()).toBe(1);
      expect(await item(name).locator('canvas').count()).toBe(0);
    }
    expect(await item('logo.svg').locator('.attachment-icon').count()).toBe(1);
    expect(await item('logo.svg').locator('canvas').count()).toBe(0);
    expect(await page.locator('.attachment canvas').count()).toBe(2);
    await page.screenshot({ path: path.join(ARTIFACTS, 'reader-thumbnails.png') });

    expect(requests.filter((url) => url.endsWith('/api/attachment.get'))).toHaveLength(4);

    // pdf.js ran in its worker, a file of the app's own.
    expect(requests.some((url) => /\/assets\/pdf-worker-[\w-]+\.js$/.test(url))).toBe(true);
  });

  it('keeps the attachments’ actions: Save by keyboard gives the exact bytes', async () => {
    const save = item('beach.png').getByRole('button', { name: 'Save' });
    await save.focus();
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.keyboard.press('Enter'),
    ]);
    expect(download.suggestedFilename()).toBe('beach.png');
    const file = path.join(ARTIFACTS, 'reader-thumbnails-download.png');
    await download.saveAs(file);
    expect((await readFile(file)).equals(PNG)).toBe(true);
    expect(await item('sketch.pdf').getByRole('button', { name: 'Open' }).count()).toBe(1);
  });

  it('fetches nothing from outside and breaks no rule of the page', async () => {
    const origin = new URL(served.signIn).origin;
    expect(origin).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const outside = requests.filter(
      (url) => !url.startsWith(`${origin}/`) && !/^(blob|data):/.test(url),
    );
    expect(outside).toEqual([]);
    // Nor anything of its own origin but the page, the API and the app's built files: no
    // fonts, CMaps or WebAssembly that pdf.js might look for beside its worker.
    const built = new Set(await readdir(path.join(RENDERER_DIST, 'assets')));
    const other = requests
      .filter((url) => url.startsWith(`${origin}/`))
      .map((url) => new URL(url))
      .filter(
        (url) =>
          url.pathname !== '/' &&
          !/^\/api\/[\w.]+$/.test(url.pathname) &&
          !built.has(url.pathname.replace(/^\/assets\//, '')),
      );
    expect(other.map(String)).toEqual([]);
    expect(await page.evaluate('window.__csp')).toEqual([]);
    expect(cspMessages).toEqual([]);
    expect(pageErrors).toEqual([]);
    expect(await seriousViolations(page, 'reader with thumbnails')).toEqual([]);
  });

  it('holds at a narrow window', async () => {
    await page.setViewportSize({ width: 500, height: 800 });
    try {
      await thumbnail('beach.png').waitFor();
      await expect.poll(() => page.evaluate(OVERFLOW)).toEqual([]);
      for (const name of ['beach.png', 'sketch.pdf', BROKEN_NAME]) {
        const box = await item(name).getByRole('button', { name: 'Save' }).boundingBox();
        expect(box!.x + box!.width).toBeLessThanOrEqual(500);
      }
      await page.screenshot({ path: path.join(ARTIFACTS, 'reader-thumbnails-500.png') });
    } finally {
      await page.setViewportSize({ width: 1400, height: 860 });
    }
  });

  it('shows the thumbnails again at once from memory, without fetching them again', async () => {
    await page.locator('.row', { hasText: 'Plans for Friday' }).click();
    await expect.poll(() => page.locator('.reader-subject').textContent()).toBe('Plans for Friday');
    const before = requests.filter((url) => url.endsWith('/api/attachment.get')).length;
    await page.locator('.row', { hasText: 'Holiday pictures' }).click();
    await thumbnail('sketch.pdf').waitFor();
    expect(near(await pixelAt(page, 'sketch.pdf', 0.5, 0.5), RED)).toBe(true);
    expect(near(await pixelAt(page, 'beach.png', 0.5, 0.5), BLUE)).toBe(true);
    expect(requests.filter((url) => url.endsWith('/api/attachment.get')).length).toBe(before);
  });
});
