// The envelope of an encrypted backup: what goes in comes out, whatever the sizes and the
// way the bytes are cut; a wrong passphrase is said so; and a segment changed, dropped,
// reordered, or the end cut off fails the read.
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  ENVELOPE_MAGIC,
  EnvelopeReader,
  EnvelopeWriter,
  isEnveloped,
} from '../../main/core/backup/encrypted-envelope.js';

// A cheap key for tests; the app's cost is scrypt N = 2^17.
const cost = { N: 1024, r: 8, p: 1 };
const SEG = 64;
const PASS = 'a passphrase of some length';

async function seal(data: Buffer, pieces = 3): Promise<Buffer> {
  const w = await EnvelopeWriter.open(PASS, { cost, segment: SEG });
  const out = [w.header];
  const step = Math.max(1, Math.ceil(data.length / pieces));
  for (let i = 0; i < data.length; i += step) out.push(...w.push(data.subarray(i, i + step)));
  out.push(w.end());
  return Buffer.concat(out);
}

/** null: no passphrase given. */
async function open(file: Buffer, passphrase: string | null = PASS, cut = 7) {
  const r = new EnvelopeReader(passphrase ?? undefined);
  const out: Buffer[] = [];
  for (let i = 0; i < file.length; i += cut) out.push(...(await r.push(file.subarray(i, i + cut))));
  out.push(r.end());
  return Buffer.concat(out);
}

describe('the envelope of an encrypted backup', () => {
  it('gives back every size, cut any way', async () => {
    for (const size of [0, 1, SEG - 1, SEG, SEG + 1, 3 * SEG, 3 * SEG + 17, 1000]) {
      const data = randomBytes(size);
      const file = await seal(data, 1 + (size % 5));
      expect(isEnveloped(file)).toBe(true);
      if (size >= 16) expect(file.includes(data.subarray(0, 16))).toBe(false);
      for (const cut of [1, 5, SEG + 16, 4096])
        expect((await open(file, PASS, cut)).equals(data)).toBe(true);
    }
  });

  it('costs 16 bytes a segment and one header line', async () => {
    const file = await seal(randomBytes(10 * SEG));
    const header = file.indexOf(0x0a, ENVELOPE_MAGIC.length) + 1;
    expect(file.length - header).toBe(10 * SEG + 10 * 16);
  });

  it('says a wrong or missing passphrase is one', async () => {
    const file = await seal(randomBytes(300));
    await expect(open(file, 'not the passphrase')).rejects.toMatchObject({
      code: 'AUTH_FAILED',
      message: 'The passphrase does not open this backup.',
    });
    await expect(open(file, null)).rejects.toMatchObject({
      code: 'AUTH_FAILED',
      message: expect.stringMatching(/encrypted: give its passphrase/),
    });
  });

  it('refuses a flipped byte, a dropped, swapped or cut-off segment, and a changed header', async () => {
    const data = randomBytes(5 * SEG + 10);
    const file = await seal(data);
    const start = file.indexOf(0x0a, ENVELOPE_MAGIC.length) + 1;
    const seg = SEG + 16;
    const segments = (f: Buffer) => {
      const out: Buffer[] = [];
      for (let i = start; i < f.length; i += seg) out.push(f.subarray(i, i + seg));
      return out;
    };
    const head = file.subarray(0, start);
    const s = segments(file);
    const flipped = Buffer.from(file);
    flipped[start + 2 * seg + 5]! ^= 1;
    const bad: [string, Buffer][] = [
      ['a flipped byte', flipped],
      ['a dropped segment', Buffer.concat([head, ...s.slice(0, 2), ...s.slice(3)])],
      ['two segments swapped', Buffer.concat([head, s[1]!, s[0]!, ...s.slice(2)])],
      ['the last segment cut off', Buffer.concat([head, ...s.slice(0, -1)])],
      ['a byte cut off the end', file.subarray(0, file.length - 1)],
      ['nothing after the header', head],
      [
        'a header with another segment size',
        Buffer.concat([
          Buffer.from(head.toString().replace(`"segment":${SEG}`, `"segment":${SEG + 1}`)),
          ...s,
        ]),
      ],
    ];
    for (const [what, f] of bad) {
      await expect(open(f), what).rejects.toMatchObject({
        code: 'INVALID_INPUT',
        message: expect.stringMatching(/^The encrypted backup is damaged: /),
      });
    }
  });
});
