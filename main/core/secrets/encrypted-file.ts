// Secrets in a file, for machines without a keychain. Each entry is sealed on its own with
// AES-256-GCM and its key name as additional authenticated data, so one entry can be
// rewritten without touching the others, and an entry moved under another name fails to
// open. The file names its keys in clear (account ids, nothing more); values never leave
// this module except through get().
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { link, mkdir, open, readFile, rename, unlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { MaildockError, type ErrorFields } from '../../../common/errors.js';
import type { SecretStore } from './secret-store.js';

const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
export const SECRETS_FILE = 'secrets.json';
const KEY_FILE = 'secret.key';

interface Sealed {
  iv: string;
  tag: string;
  data: string;
}

export interface EncryptedFileOptions {
  /** Folder for secrets.json (and secret.key when no key is given); created 0700. */
  dir: string;
  /** Base64 of 32 bytes, e.g. from MAILDOCK_SECRET_KEY; without it the key lives in <dir>/secret.key. */
  key?: string;
}

export class EncryptedFileSecretStore implements SecretStore {
  readonly kind = 'encrypted-file' as const;
  readonly #key: Buffer;
  readonly #file: string;
  #writes: Promise<unknown> = Promise.resolve();

  private constructor(key: Buffer, file: string) {
    this.#key = key;
    this.#file = file;
  }

  static async open(opts: EncryptedFileOptions): Promise<EncryptedFileSecretStore> {
    await io(opts.dir, () => mkdir(opts.dir, { recursive: true, mode: 0o700 }));
    const file = join(opts.dir, SECRETS_FILE);
    const entries = await readEntries(file);
    const key =
      opts.key !== undefined
        ? parseKey(opts.key)
        : await loadOrCreateKey(join(opts.dir, KEY_FILE), entries.size);
    // Fail at open, not at the first sync hours later, when the key or the file is wrong.
    for (const [name, sealed] of entries) unseal(key, name, sealed, file);
    return new EncryptedFileSecretStore(key, file);
  }

  async get(key: string): Promise<string | null> {
    checkName(key);
    const sealed = (await readEntries(this.#file)).get(key);
    return sealed ? unseal(this.#key, key, sealed, this.#file) : null;
  }

  async set(key: string, value: string): Promise<void> {
    checkName(key);
    if (typeof value !== 'string')
      throw new MaildockError('INVALID_INPUT', 'A secret value is a string.', { key });
    return this.#exclusive(async () => {
      const entries = await readEntries(this.#file);
      entries.set(key, seal(this.#key, key, value));
      await writeEntries(this.#file, entries);
    });
  }

  async delete(key: string): Promise<boolean> {
    checkName(key);
    return this.#exclusive(async () => {
      const entries = await readEntries(this.#file);
      if (!entries.delete(key)) return false;
      await writeEntries(this.#file, entries);
      return true;
    });
  }

  async list(): Promise<string[]> {
    return [...(await readEntries(this.#file)).keys()].sort();
  }

  // Read-modify-write in one process is serialised here; two processes writing at the same
  // instant can still lose one update (each rename is atomic, the pair is not).
  #exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.#writes.then(fn, fn);
    this.#writes = run.catch(() => undefined);
    return run;
  }
}

function unavailable(message: string, fields: ErrorFields = {}): MaildockError {
  return new MaildockError('SECRET_UNAVAILABLE', message, fields);
}

/** Runs a file operation; a failure becomes SECRET_UNAVAILABLE naming the path and errno code only. */
async function io<T>(path: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof MaildockError) throw err;
    const reason = (err as NodeJS.ErrnoException).code ?? 'unknown';
    throw unavailable(`Secret storage at ${path} could not be accessed (${reason}).`, {
      file: path,
      reason,
    });
  }
}

function checkName(key: unknown): asserts key is string {
  if (typeof key !== 'string' || key.length === 0 || key.length > 512) {
    throw new MaildockError('INVALID_INPUT', 'A secret key is a string of 1 to 512 characters.');
  }
}

/** Strict base64: what Buffer.from would silently skip or truncate is refused. */
function decodeBase64(text: unknown, bytes?: number): Buffer | null {
  if (typeof text !== 'string') return null;
  const buf = Buffer.from(text, 'base64');
  if (buf.toString('base64') !== text) return null;
  return bytes === undefined || buf.length === bytes ? buf : null;
}

function parseKey(text: string): Buffer {
  const key = decodeBase64(text.trim(), KEY_BYTES);
  if (!key)
    throw unavailable(
      'The secret key given is not 32 bytes in base64 (44 characters ending in "=").',
    );
  return key;
}

async function loadOrCreateKey(path: string, secretsHeld: number): Promise<Buffer> {
  const existing = await readKeyFile(path);
  if (existing) return existing;
  if (secretsHeld > 0) {
    throw unavailable(
      `The key file ${path} is missing, so the ${secretsHeld} secret(s) in ${SECRETS_FILE} cannot be read. ` +
        `Restore the key file, or remove ${SECRETS_FILE} and enter the passwords again.`,
      { file: path },
    );
  }
  // The key is written in full to a private temp file and then linked into place: link()
  // fails with EEXIST like O_EXCL does, and no other process can read a half-written key.
  const tmp = tempPath(path);
  await io(path, async () => {
    try {
      await writePrivate(tmp, randomBytes(KEY_BYTES));
      await link(tmp, path);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    } finally {
      await unlink(tmp).catch(() => undefined);
    }
    await syncDir(dirname(path));
  });
  const key = await readKeyFile(path);
  if (!key)
    throw unavailable(`The key file ${path} vanished while it was being created.`, { file: path });
  return key;
}

async function readKeyFile(path: string): Promise<Buffer | null> {
  return io(path, async () => {
    let fh;
    try {
      fh = await open(path, 'r');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }
    try {
      const st = await fh.stat();
      if (!st.isFile())
        throw unavailable(`The key file ${path} is not a regular file.`, { file: path });
      if (process.platform !== 'win32' && (st.mode & 0o077) !== 0) {
        const mode = (st.mode & 0o777).toString(8).padStart(4, '0');
        throw unavailable(
          `The key file ${path} can be read by other users (mode ${mode}); Maildock will not use it. ` +
            `Run "chmod 600 ${path}" if it is yours, or remove it to start over.`,
          { file: path, mode },
        );
      }
      const key = await fh.readFile();
      if (key.length !== KEY_BYTES) {
        throw unavailable(`The key file ${path} holds ${key.length} bytes, not ${KEY_BYTES}.`, {
          file: path,
        });
      }
      return key;
    } finally {
      await fh.close();
    }
  });
}

/** How many secrets the file in `dir` holds (0 when there is none), without its key. */
export async function heldSecrets(dir: string): Promise<number> {
  return (await readEntries(join(dir, SECRETS_FILE))).size;
}

async function readEntries(file: string): Promise<Map<string, Sealed>> {
  const text = await io(file, () =>
    readFile(file, 'utf8').catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return null;
      throw err;
    }),
  );
  if (text === null) return new Map();
  const damaged = () =>
    unavailable(`The secrets file ${file} is damaged or was altered.`, { file });
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw damaged(); // the parser's message quotes the file's text: do not pass it on
  }
  if (!isRecord(doc) || doc.version !== 1 || !isRecord(doc.entries)) throw damaged();
  const entries = new Map<string, Sealed>();
  // A Map, so that a key such as "__proto__" stays a key.
  for (const [name, value] of Object.entries(doc.entries)) {
    if (!isRecord(value)) throw damaged();
    const { iv, tag, data } = value;
    if (typeof iv !== 'string' || typeof tag !== 'string' || typeof data !== 'string')
      throw damaged();
    entries.set(name, { iv, tag, data });
  }
  return entries;
}

async function writeEntries(file: string, entries: Map<string, Sealed>): Promise<void> {
  const sorted = [...entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const doc = { version: 1, entries: Object.fromEntries(sorted) };
  const tmp = tempPath(file);
  await io(file, async () => {
    try {
      await writePrivate(tmp, JSON.stringify(doc, null, 2) + '\n');
      await rename(tmp, file);
    } catch (err) {
      await unlink(tmp).catch(() => undefined);
      throw err;
    }
    await syncDir(dirname(file));
  });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function aad(name: string): Buffer {
  return Buffer.from(`maildock-secret-v1:${name}`, 'utf8');
}

function seal(key: Buffer, name: string, value: string): Sealed {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(aad(name));
  const data = Buffer.concat([cipher.update(value, 'utf8'), cipher.final()]);
  return {
    iv: iv.toString('base64'),
    tag: cipher.getAuthTag().toString('base64'),
    data: data.toString('base64'),
  };
}

function unseal(key: Buffer, name: string, sealed: Sealed, file: string): string {
  const failed = () =>
    unavailable(
      `The secret "${name}" in ${file} failed authentication: the file was altered, ` +
        `or the key is not the one it was written with.`,
      { key: name, file },
    );
  const iv = decodeBase64(sealed.iv, IV_BYTES);
  // Without a fixed tag length Node accepts truncated tags (down to 4 bytes).
  const tag = decodeBase64(sealed.tag, TAG_BYTES);
  const data = decodeBase64(sealed.data);
  if (!iv || !tag || !data) throw failed();
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(aad(name));
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(data), decipher.final()]).toString('utf8');
  } catch {
    throw failed();
  }
}

function tempPath(path: string): string {
  return `${path}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
}

async function writePrivate(path: string, data: string | Buffer): Promise<void> {
  const fh = await open(path, 'wx', 0o600);
  try {
    await fh.writeFile(data);
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/** Makes a rename or link durable; not possible (nor needed) on Windows. */
async function syncDir(dir: string): Promise<void> {
  if (process.platform === 'win32') return;
  const fh = await open(dir, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}
