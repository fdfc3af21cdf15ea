// RFC 8058's one-click unsubscribe: one HTTPS POST of `List-Unsubscribe=One-Click` to the
// list's link, without cookies or credentials, without following redirects, with a short
// timeout; what the list answers is not read. The link comes from a stranger's mail, so on
// the server of many people it goes through the same gate as a mail server's name
// (mail-hosts.ts): resolved, checked, and the POST sent to the address that was checked.
import { request } from 'node:https';
import { isIP } from 'node:net';
import { MaildockError } from '../../../common/errors.js';
import { ONE_CLICK_BODY } from '../mime/list-unsubscribe.js';
import { mailTarget } from './mail-hosts.js';
import { UNREACHABLE_CODES } from './socket-codes.js';
import { isTlsCode, tlsReason } from './tls-failure.js';

export interface OneClickOptions {
  /** Default 10 s, for the whole exchange. */
  timeoutMs?: number;
  /** Trust anchors in place of the system's. Tests only: a private CA for a loopback server. */
  ca?: string[];
}

/** Besides the usual ones: a name the resolver gave up on, a server that hung up at once. */
const ALSO_UNREACHABLE = new Set(['EAI_NONAME', 'EAI_FAIL', 'ECONNRESET']);

function failure(err: unknown, host: string): MaildockError {
  if (err instanceof MaildockError) return err;
  const code = (err as NodeJS.ErrnoException | null)?.code ?? null;
  if (isTlsCode(code))
    return new MaildockError('TLS_FAILED', `The list's server ${host}: ${tlsReason(code)}.`, {
      host,
    });
  if (code && (UNREACHABLE_CODES.has(code) || ALSO_UNREACHABLE.has(code)))
    return new MaildockError(
      'HOST_UNREACHABLE',
      `The list's server ${host} could not be reached.`,
      {
        host,
      },
    );
  return new MaildockError('CONNECTION_LOST', `The connection to ${host} broke off.`, { host });
}

/** POSTs the one-click unsubscribe to an https: link; resolves when the list answers 2xx. */
export async function oneClickUnsubscribe(
  link: string,
  options: OneClickOptions = {},
): Promise<void> {
  const url = new URL(link);
  if (url.protocol !== 'https:' || url.username || url.password)
    throw new MaildockError('INVALID_INPUT', 'A one-click unsubscribe link must be https:.');
  // URL keeps an IPv6 literal in brackets; the resolver and the checks want it bare.
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  const port = url.port ? Number(url.port) : 443;
  let target;
  try {
    target = await mailTarget(host, port);
  } catch (err) {
    if (err instanceof MaildockError && err.code === 'FORBIDDEN') {
      // Refused before any connection: nothing here tells what, if anything, listens there.
      throw new MaildockError(
        'FORBIDDEN',
        "This list's unsubscribe link leads inside this server's own network, where it sends no requests.",
        { host, port },
      );
    }
    throw failure(err, host);
  }
  const timeoutMs = options.timeoutMs ?? 10_000;
  const body = Buffer.from(ONE_CLICK_BODY);
  const status = await new Promise<number>((resolve, reject) => {
    const req = request({
      host: target.host,
      port,
      // SNI and the certificate's name: the link's host, also when connecting to its address.
      ...(isIP(host) ? {} : { servername: target.servername ?? host }),
      method: 'POST',
      path: `${url.pathname}${url.search}`,
      // No shared agent: no pooled connection or TLS session of anything else is reused.
      agent: false,
      ...(options.ca ? { ca: options.ca } : {}),
      headers: {
        host: url.host,
        'content-type': 'application/x-www-form-urlencoded',
        'content-length': String(body.length),
        'user-agent': 'Maildock',
      },
    });
    const timer = setTimeout(
      () =>
        req.destroy(
          new MaildockError('TIMEOUT', `The list's server ${host} did not answer in time.`, {
            host,
            timeoutMs,
          }),
        ),
      timeoutMs,
    );
    req.once('response', (res) => {
      clearTimeout(timer);
      // The answer's body is of no use, and may be large: the connection is closed instead.
      res.on('error', () => undefined);
      res.destroy();
      req.destroy();
      resolve(res.statusCode ?? 0);
    });
    // on, not once: a request destroyed after its first error may report another.
    req.on('error', (err) => {
      clearTimeout(timer);
      reject(failure(err, host));
    });
    req.end(body);
  });
  if (status >= 200 && status < 300) return;
  if (status >= 300 && status < 400) {
    throw new MaildockError(
      'PROTOCOL_ERROR',
      `The list's server answered with a redirect (HTTP ${status}), which a one-click unsubscribe does not follow: open the link instead.`,
      { host, status },
    );
  }
  throw new MaildockError(
    'PROTOCOL_ERROR',
    `The list's server refused the unsubscribe (HTTP ${status}).`,
    { host, status },
  );
}
