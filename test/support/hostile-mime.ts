// Messages built to hurt a MIME parser: each one says in its name what it attacks, and
// carries a marker text a reader would still expect to see where the message allows it.

const CRLF = '\r\n';

function head(contentType: string, extra: string[] = []): string {
  return [
    'From: Mallory <mallory@example.test>',
    'To: victim@example.test',
    'Subject: hostile',
    'MIME-Version: 1.0',
    ...extra,
    `Content-Type: ${contentType}`,
    '',
    '',
  ].join(CRLF);
}

/** multipart/mixed with a text part first, then `parts - 1` tiny attachments. */
export function manyParts(parts = 5000): Buffer {
  const out = [
    head('multipart/mixed; boundary="many"'),
    '--many',
    'Content-Type: text/plain',
    '',
    'MARKER many parts',
    '',
  ];
  for (let i = 1; i < parts; i++) {
    out.push(
      '--many',
      'Content-Type: application/octet-stream',
      `Content-Disposition: attachment; filename="f${i}.bin"`,
    );
    out.push('Content-Transfer-Encoding: base64', '', 'AAAA', '');
  }
  out.push('--many--', '');
  return Buffer.from(out.join(CRLF));
}

/** `levels` multiparts, each the only child of the one above, text at the bottom. */
export function deepNesting(levels = 200): Buffer {
  const open: string[] = [];
  const close: string[] = [];
  for (let i = 1; i < levels; i++) {
    open.push(`--b${i - 1}`, `Content-Type: multipart/mixed; boundary="b${i}"`, '');
    close.unshift(`--b${i - 1}--`);
  }
  const inner = [
    `--b${levels - 1}`,
    'Content-Type: text/plain',
    '',
    'MARKER deep',
    `--b${levels - 1}--`,
  ];
  return Buffer.from(
    head('multipart/mixed; boundary="b0"') + [...open, ...inner, ...close, ''].join(CRLF),
  );
}

/** A header block of about `bytes` filler lines; the MIME fields come last. */
export function hugeHeader(bytes = 2 * 1024 * 1024): Buffer {
  const line = `X-Filler: ${'x'.repeat(990)}${CRLF}`;
  const filler = line.repeat(Math.ceil(bytes / line.length));
  return Buffer.from(
    `From: a@example.test${CRLF}${filler}${head('text/plain; charset=utf-8')}MARKER huge header${CRLF}`,
  );
}

/** One header line of `bytes` with no line break at all, and no body. */
export function endlessHeaderLine(bytes = 2 * 1024 * 1024): Buffer {
  return Buffer.from(`Subject: ${'y'.repeat(bytes)}`);
}

/** Declares boundary "declared" but delimits with another one, and never closes. */
export function wrongBoundary(): Buffer {
  return Buffer.from(
    head('multipart/alternative; boundary="declared"') +
      [
        '--other',
        'Content-Type: text/plain',
        '',
        'MARKER wrong boundary',
        '--other',
        'Content-Type: text/html',
        '',
        '<p>x</p>',
        '',
      ].join(CRLF),
  );
}

/** multipart without any boundary parameter. */
export function missingBoundary(): Buffer {
  return Buffer.from(
    head('multipart/mixed') +
      ['--x', 'Content-Type: text/plain', '', 'MARKER missing boundary', '--x--', ''].join(CRLF),
  );
}

/** A text part in a charset no decoder knows. */
export function unknownCharset(): Buffer {
  return Buffer.concat([
    Buffer.from(head('text/plain; charset=x-unknown-42')),
    Buffer.from('MARKER unknown charset caf\xe9\r\n', 'latin1'),
  ]);
}

/** A base64 attachment cut off mid-line, with no closing boundary, after a text part. */
export function truncatedBase64(): Buffer {
  const payload = Buffer.alloc(30_000, 7).toString('base64').replace(/.{76}/g, `$&${CRLF}`);
  return Buffer.from(
    head('multipart/mixed; boundary="t"') +
      ['--t', 'Content-Type: text/plain', '', 'MARKER truncated base64', '--t'].join(CRLF) +
      CRLF +
      [
        'Content-Type: image/png',
        'Content-Transfer-Encoding: base64',
        'Content-Disposition: attachment; filename="cut.png"',
        '',
      ].join(CRLF) +
      CRLF +
      payload.slice(0, Math.floor(payload.length / 2) + 3),
  );
}

/** A text/plain body of `bytes` NUL bytes. */
export function nulBody(bytes = 1024 * 1024): Buffer {
  return Buffer.concat([Buffer.from(head('text/plain')), Buffer.alloc(bytes, 0)]);
}

export const HOSTILE: Record<string, () => Buffer> = {
  manyParts: () => manyParts(),
  deepNesting: () => deepNesting(),
  hugeHeader: () => hugeHeader(),
  endlessHeaderLine: () => endlessHeaderLine(),
  wrongBoundary,
  missingBoundary,
  unknownCharset,
  truncatedBase64,
  nulBody: () => nulBody(),
};
