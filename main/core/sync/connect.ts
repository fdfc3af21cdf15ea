// One place that opens IMAP connections and turns every way a connection can fail into an
// error code the UI can explain. The password or OAuth2 token is passed in, used, and never
// logged; a refused token is renewed once before the refusal counts.
import { ImapFlow } from 'imapflow';
import { MaildockError } from '../../../common/errors.js';
import type { ImapSettings } from '../../../common/types.js';
import { getLogger } from '../platform/log.js';
import { loginOf, type MailLogin, type MailSecret } from '../secrets/mail-secret.js';
import { mailTarget, type MailTarget } from '../net/mail-hosts.js';
import { pinnedTls } from '../net/pinned-tls.js';
import { isTlsCode, tlsReason } from '../net/tls-failure.js';
import { UNREACHABLE_CODES } from '../net/socket-codes.js';

const log = getLogger('sync');

export interface ConnectOptions {
  /**
   * Milliseconds for TCP connect and greeting. A socket silent for twice as long is probed
   * with NOOP (also while in IDLE) and closed when the probe goes unanswered as long again.
   */
  timeoutMs?: number;
  /** Reports VANISHED UIDs (QRESYNC) to the sync engine instead of an event. */
  onExpunge?: (e: { path: string; uid?: number; seq?: number }) => void;
}

const TLS_CODES = new Set([
  'EPROTO',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'ERR_SSL_WRONG_VERSION_NUMBER',
]);
const TIMEOUT_CODES = new Set([
  'ETIMEDOUT',
  // imapflow's own socket inactivity timeout
  'ETIMEOUT',
  'CONNECT_TIMEOUT',
  'GREETING_TIMEOUT',
  'ESOCKETTIMEDOUT',
]);
const LOST_CODES = new Set([
  'ECONNRESET',
  'EPIPE',
  'NoConnection',
  'ClosedAfterConnectTLS',
  'ClosedAfterConnectText',
]);

interface ErrorLike {
  code?: string;
  message?: string;
  authenticationFailed?: boolean;
  responseText?: string;
}

/** Maps a connection or protocol failure to a MaildockError with a specific code. */
export function classifyImapError(
  err: unknown,
  settings: Pick<ImapSettings, 'host' | 'port'>,
): MaildockError {
  if (err instanceof MaildockError) return err;
  const e = (err ?? {}) as ErrorLike;
  const code = e.code ?? '';
  const where = `${settings.host}:${settings.port}`;
  const fields = { host: settings.host, port: settings.port, cause: code || null };
  if (e.authenticationFailed) {
    return new MaildockError(
      'AUTH_FAILED',
      `The server at ${where} refused the user name or password.`,
      fields,
    );
  }
  if (TLS_CODES.has(code) || isTlsCode(code)) {
    // OpenSSL's own text says little to a person; the caller's log keeps it (connect below).
    return new MaildockError(
      'TLS_FAILED',
      `A secure connection to ${where} failed: ${tlsReason(code)}.`,
      fields,
    );
  }
  if (UNREACHABLE_CODES.has(code)) {
    return new MaildockError(
      'HOST_UNREACHABLE',
      `${where} could not be reached (${code}).`,
      fields,
    );
  }
  if (TIMEOUT_CODES.has(code)) {
    return new MaildockError('TIMEOUT', `${where} did not answer in time.`, fields);
  }
  if (LOST_CODES.has(code)) {
    return new MaildockError('CONNECTION_LOST', `The connection to ${where} was lost.`, fields);
  }
  return new MaildockError(
    'PROTOCOL_ERROR',
    `${where}: ${e.responseText ?? e.message ?? 'unexpected answer'}`,
    fields,
  );
}

/** target: where to connect, when not to settings.host itself (mail-hosts.ts). */
export function createClient(
  settings: ImapSettings,
  login: string | MailLogin,
  opts: ConnectOptions = {},
  target: MailTarget = { host: settings.host },
): ImapFlow {
  const timeout = opts.timeoutMs ?? 30_000;
  return new ImapFlow({
    host: target.host,
    ...(target.servername ? { servername: target.servername } : {}),
    port: settings.port,
    secure: settings.security === 'tls',
    doSTARTTLS:
      settings.security === 'starttls' ? true : settings.security === 'none' ? false : undefined,
    auth: { user: settings.user, ...(typeof login === 'string' ? { pass: login } : login) },
    ...(settings.tlsCert ? { tls: pinnedTls(settings.tlsCert) } : {}),
    logger: false,
    qresync: true,
    connectionTimeout: timeout,
    greetingTimeout: timeout,
    socketTimeout: timeout * 2,
    // Servers end an IDLE after 30 minutes; renew it well before.
    maxIdleTime: 10 * 60_000,
    disableAutoIdle: true,
    ...(opts.onExpunge
      ? {
          expungeHandler: async (e: { path: string; uid?: number; seq?: number }) =>
            opts.onExpunge?.(e),
        }
      : {}),
  });
}

/** Connects and checks the server is one Maildock can use; the caller closes the client. */
export async function connect(
  settings: ImapSettings,
  secret: MailSecret,
  opts: ConnectOptions = {},
): Promise<ImapFlow> {
  let target: MailTarget;
  try {
    target = await mailTarget(settings.host, settings.port);
  } catch (err) {
    throw err instanceof MaildockError ? err : classifyImapError(err, settings);
  }
  try {
    return await connectAs(settings, await loginOf(secret), opts, target);
  } catch (err) {
    if (typeof secret === 'string' || !(err instanceof MaildockError)) throw err;
    if (err.code !== 'AUTH_FAILED') throw err;
    // The token may have been revoked or cut short before its time: one fresh one decides.
    log.info({ host: settings.host, port: settings.port }, 'access token refused, renewing');
    return connectAs(settings, { accessToken: await secret.accessToken(true) }, opts, target);
  }
}

async function connectAs(
  settings: ImapSettings,
  login: MailLogin,
  opts: ConnectOptions,
  target: MailTarget,
): Promise<ImapFlow> {
  const client = createClient(settings, login, opts, target);
  // imapflow also emits 'error' for socket failures; without a listener Node would crash.
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch (err) {
    client.close();
    const failure = classifyImapError(err, settings);
    if (failure.code === 'TLS_FAILED') {
      const { host, port } = settings;
      log.warn(
        { host, port, code: failure.fields.cause, detail: (err as Error).message },
        'TLS failed',
      );
    }
    throw failure;
  }
  const caps = client.capabilities as Map<string, unknown>;
  if (!caps.has('IMAP4rev1') && !caps.has('IMAP4REV1')) {
    await client.logout().catch(() => client.close());
    throw new MaildockError(
      'NOT_IMAP4REV1',
      `${settings.host}:${settings.port} does not announce IMAP4rev1.`,
      { host: settings.host, port: settings.port },
    );
  }
  return client;
}

/**
 * Why a command answered nothing: the connection is gone (a NoConnection error, as imapflow
 * names it, so the caller retries on a new one) or the server refused it (PROTOCOL_ERROR).
 */
export async function refused(client: ImapFlow, what: string): Promise<Error> {
  const lost = () =>
    Object.assign(new Error(`The connection was lost during ${what}.`), { code: 'NoConnection' });
  if (!client.usable) return lost();
  try {
    await client.noop();
  } catch {
    return lost();
  }
  if (!client.usable) return lost();
  return new MaildockError('PROTOCOL_ERROR', `The server refused ${what}.`);
}

/**
 * UID SEARCH that never mistakes a failure for "nothing matched": imapflow answers `false`
 * when the mailbox is no longer selected (the connection closed under it) or the server
 * refused, and a sync that read that as an empty mailbox would record it as complete.
 */
export async function searchUids(
  client: ImapFlow,
  query: Parameters<ImapFlow['search']>[0],
  what: string,
): Promise<number[]> {
  const found = await client.search(query, { uid: true });
  if (!Array.isArray(found)) throw await refused(client, what);
  return found.sort((a, b) => a - b);
}
