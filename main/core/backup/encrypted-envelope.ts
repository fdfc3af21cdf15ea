// A whole backup under a passphrase: the tar inside an envelope of AES-256-GCM segments
// (the STREAM construction of Hoang, Reyhanitabar, Rogaway and Vizár, as in Tink and age),
// so it is written and read as a stream, and no segment can be changed, dropped, reordered
// or cut off without the next read failing.
//
//   MAILDOCK-ENCRYPTED-BACKUP 1\n
//   {"kdf":"scrypt","N":…,"r":…,"p":…,"salt":…,"prefix":…,"segment":…,"check":…}\n
//   segment 0 … segment n: AES-256-GCM of `segment` bytes of the tar (the last may be
//   shorter, even empty), each with its 16-byte tag
//
// The key is scrypt(passphrase, salt); each segment's nonce is the random 7-byte prefix,
// its number (4 bytes) and 1 for the last one, else 0; the header is every segment's
// additional data. `check` (an HMAC of a fixed text under the key) tells a wrong passphrase
// from a damaged archive.
import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import { z } from 'zod';
import { MaildockError } from '../../../common/errors.js';
import { checkPassphrase, COST, keyOf, type Cost } from './sealed.js';

export const ENVELOPE_MAGIC = Buffer.from('MAILDOCK-ENCRYPTED-BACKUP 1\n');
/** Plaintext bytes per segment; each costs 16 bytes of tag. */
export const SEGMENT = 1024 * 1024;
const TAG = 16;
/** The longest header line a reader looks for. */
const MAX_HEADER = 4096;

const headerSchema = z.strictObject({
  kdf: z.literal('scrypt'),
  N: z
    .number()
    .int()
    .positive()
    .max(2 ** 20),
  r: z.number().int().positive().max(32),
  p: z.number().int().positive().max(4),
  salt: z.string().max(64),
  prefix: z.string().max(16),
  segment: z
    .number()
    .int()
    .min(16)
    .max(64 * 1024 * 1024),
  check: z.string().max(64),
});

const checkOf = (key: Buffer) =>
  createHmac('sha256', key).update('maildock backup key check').digest('hex').slice(0, 32);

function nonce(prefix: Buffer, n: number, last: boolean): Buffer {
  const iv = Buffer.alloc(12);
  prefix.copy(iv, 0, 0, 7);
  iv.writeUInt32BE(n, 7);
  iv[11] = last ? 1 : 0;
  return iv;
}

function tooMany(): never {
  throw new MaildockError('TOO_LARGE', 'The backup is larger than an envelope can hold.');
}

/** Encrypts a tar as it is written: push() its bytes, end() once; each returns what to write. */
export class EnvelopeWriter {
  /** The segment being filled; sealed once full and one more byte comes. */
  private readonly buffer: Buffer;
  private filled = 0;
  private counter = 0;

  private constructor(
    readonly header: Buffer,
    private readonly key: Buffer,
    private readonly prefix: Buffer,
    private readonly segment: number,
  ) {
    this.buffer = Buffer.allocUnsafe(segment);
  }

  static async open(
    passphrase: string,
    opts: { cost?: Cost; segment?: number } = {},
  ): Promise<EnvelopeWriter> {
    const cost = opts.cost ?? COST;
    const segment = opts.segment ?? SEGMENT;
    const salt = randomBytes(16);
    const prefix = randomBytes(7);
    const key = await keyOf(checkPassphrase(passphrase), salt, cost);
    const line = JSON.stringify({
      kdf: 'scrypt',
      ...cost,
      salt: salt.toString('base64'),
      prefix: prefix.toString('base64'),
      segment,
      check: checkOf(key),
    });
    const header = Buffer.concat([ENVELOPE_MAGIC, Buffer.from(`${line}\n`)]);
    return new EnvelopeWriter(header, key, prefix, segment);
  }

  private seal(plain: Buffer, last: boolean): Buffer {
    if (this.counter > 0xffffffff) tooMany();
    const cipher = createCipheriv(
      'aes-256-gcm',
      this.key,
      nonce(this.prefix, this.counter++, last),
    );
    cipher.setAAD(this.header);
    return Buffer.concat([cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
  }

  /** The sealed segments that `bytes` completes (copied in: the caller may reuse its buffer). */
  push(bytes: Buffer): Buffer[] {
    const out: Buffer[] = [];
    for (let at = 0; at < bytes.length;) {
      // A full segment followed by more is not the last one.
      if (this.filled === this.segment) {
        out.push(this.seal(this.buffer, false));
        this.filled = 0;
      }
      const n = bytes.copy(this.buffer, this.filled, at, at + this.segment - this.filled);
      this.filled += n;
      at += n;
    }
    return out;
  }

  end(): Buffer {
    return this.seal(this.buffer.subarray(0, this.filled), true);
  }
}

export const isEnveloped = (start: Buffer) =>
  start.length >= ENVELOPE_MAGIC.length &&
  start.subarray(0, ENVELOPE_MAGIC.length).equals(ENVELOPE_MAGIC);

/** The envelope version of an archive encrypted by a newer Maildock; null for any other start. */
export function newerEnvelope(start: Buffer): string | null {
  const line = start.subarray(0, 64).toString('latin1');
  const version = /^MAILDOCK-ENCRYPTED-BACKUP (\S+)\n/.exec(line)?.[1];
  return version !== undefined && !isEnveloped(start) ? version : null;
}

const damaged = (what: string) =>
  new MaildockError('INVALID_INPUT', `The encrypted backup is damaged: ${what}.`);

/**
 * Decrypts an envelope as it is read: push() the file's bytes from its start, end() at its
 * end; each returns the tar bytes that are proven whole. Throws at the first segment that
 * fails (a wrong passphrase is said so).
 */
export class EnvelopeReader {
  private head: Buffer | null = Buffer.alloc(0);
  private header: Buffer | null = null;
  private key: Buffer | null = null;
  private prefix: Buffer | null = null;
  private segment = 0;
  private pending: Buffer = Buffer.alloc(0);
  private counter = 0;

  constructor(private readonly passphrase: string | undefined) {}

  private async openHeader(): Promise<boolean> {
    const head = this.head!;
    const nl = head.indexOf(0x0a, ENVELOPE_MAGIC.length);
    if (nl < 0) {
      if (head.length > MAX_HEADER) throw damaged('its header has no end');
      return false;
    }
    const header = head.subarray(0, nl + 1);
    let parsed: z.infer<typeof headerSchema>;
    try {
      parsed = headerSchema.parse(
        JSON.parse(header.subarray(ENVELOPE_MAGIC.length).toString('utf8')),
      );
    } catch {
      throw damaged('its header is not one Maildock wrote');
    }
    if (this.passphrase === undefined) {
      throw new MaildockError(
        'AUTH_FAILED',
        'This backup is encrypted: give its passphrase to read it.',
        { field: 'passphrase' },
      );
    }
    const key = await keyOf(this.passphrase, Buffer.from(parsed.salt, 'base64'), parsed);
    if (checkOf(key) !== parsed.check) {
      throw new MaildockError('AUTH_FAILED', 'The passphrase does not open this backup.', {
        field: 'passphrase',
      });
    }
    this.header = Buffer.from(header);
    this.key = key;
    this.prefix = Buffer.from(parsed.prefix, 'base64');
    if (this.prefix.length !== 7) throw damaged('its header is not one Maildock wrote');
    this.segment = parsed.segment;
    this.pending = head.subarray(nl + 1);
    this.head = null;
    return true;
  }

  private open(sealed: Buffer, last: boolean): Buffer {
    if (sealed.length < TAG) throw damaged('it is cut short');
    const decipher = createDecipheriv(
      'aes-256-gcm',
      this.key!,
      nonce(this.prefix!, this.counter, last),
    );
    decipher.setAAD(this.header!);
    decipher.setAuthTag(sealed.subarray(sealed.length - TAG));
    try {
      const plain = Buffer.concat([
        decipher.update(sealed.subarray(0, sealed.length - TAG)),
        decipher.final(),
      ]);
      this.counter++;
      return plain;
    } catch {
      throw damaged(
        last
          ? `its end (segment ${this.counter}) fails its check`
          : `segment ${this.counter} fails its check`,
      );
    }
  }

  async push(bytes: Buffer): Promise<Buffer[]> {
    if (this.head) {
      this.head = Buffer.concat([this.head, bytes]);
      if (!(await this.openHeader())) return [];
    } else {
      this.pending = Buffer.concat([this.pending, bytes]);
    }
    const out: Buffer[] = [];
    const whole = this.segment + TAG;
    // A full segment followed by more is not the last one.
    let at = 0;
    while (this.pending.length - at > whole) {
      out.push(this.open(this.pending.subarray(at, at + whole), false));
      at += whole;
    }
    this.pending = this.pending.subarray(at);
    return out;
  }

  end(): Buffer {
    if (this.head) throw damaged('it is cut short before its first segment');
    const last = this.open(this.pending, true);
    this.pending = Buffer.alloc(0);
    return last;
  }
}
