// Who may use the server: whoever holds the access token, kept in the data directory
// (mode 0600) and shown once per start in the sign-in link, like a notebook server. A
// browser trades the link for an HttpOnly, SameSite=Strict cookie; other clients send
// `Authorization: Bearer <token>`.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { chmod, link, mkdir, readFile, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { FastifyRequest } from 'fastify';
import { getLogger } from '../core/platform/log.js';

export const TOKEN_FILE = 'server-token';
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/; // 32 bytes, base64url without padding

const log = getLogger('server');

const errno = (err: unknown) => (err as { code?: string }).code;

/** The server's token: the one kept in DATA_DIR/server-token, made on first start. */
export async function loadOrCreateToken(dataDir: string): Promise<string> {
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const file = join(dataDir, TOKEN_FILE);
  const existing = await readToken(file);
  if (existing) return existing;

  const token = randomBytes(32).toString('base64url');
  // Written whole under another name, then put in place: a crash never leaves half a
  // token, and the file is 0600 from its first byte.
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  await writeFile(tmp, `${token}\n`, { mode: 0o600, flag: 'wx' });
  try {
    if (existing === null) {
      // link() fails if another process made the file meanwhile: then both use that one.
      await link(tmp, file).catch(async (err: unknown) => {
        if (errno(err) !== 'EEXIST') throw err;
      });
    } else {
      await rename(tmp, file); // a damaged file is replaced
    }
  } finally {
    await unlink(tmp).catch(() => undefined);
  }
  const kept = await readToken(file);
  if (!kept) throw new Error(`${file} could not be written.`);
  return kept;
}

/** The token in the file; null when there is none, false when it is damaged. */
async function readToken(file: string): Promise<string | null | false> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if (errno(err) === 'ENOENT') return null;
    throw err;
  }
  const token = text.trim();
  if (!TOKEN_PATTERN.test(token)) {
    log.warn({ file }, 'the server token file is damaged; a new token is made');
    return false;
  }
  if (((await stat(file)).mode & 0o077) !== 0) {
    log.warn({ file }, 'the server token file was readable by others; set to mode 0600');
    await chmod(file, 0o600);
  }
  return token;
}

/** Constant time whatever the lengths: both sides are hashed to 32 bytes first. */
export function sameToken(given: string | undefined, token: string): boolean {
  if (!given) return false;
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(token).digest();
  return timingSafeEqual(a, b);
}

/**
 * Cookies do not keep ports apart: two servers on one host would overwrite each other's
 * session under one name.
 */
export const sessionCookieName = (port: number) => `maildock-session-${port}`;

export const SESSION_COOKIE = {
  path: '/',
  httpOnly: true,
  sameSite: 'strict',
} as const;

function bearer(req: FastifyRequest): string | undefined {
  const header = req.headers.authorization;
  if (!header) return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1];
}

/** Whether the request carries the token, as a bearer header or as the session cookie. */
export function isAuthorized(req: FastifyRequest, token: string, cookieName: string): boolean {
  // Both checks always run, so the time taken does not say which one matched.
  const byHeader = sameToken(bearer(req), token);
  const byCookie = sameToken(req.cookies[cookieName], token);
  return byHeader || byCookie;
}
