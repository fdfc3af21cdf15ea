// One SMTP session over nodemailer's SMTPConnection (the client under its SMTP transport),
// used directly so that each phase is known: connect, AUTH, envelope, DATA, and the moment
// the end of DATA is handed over. The password or OAuth2 token (XOAUTH2, renewed once when
// refused) is passed in, used, and never logged.
import { Readable } from 'node:stream';
import SMTPConnection from 'nodemailer/lib/smtp-connection';
import XOAuth2 from 'nodemailer/lib/xoauth2';
import type { SmtpSettings } from '../../../common/types.js';
import { getLogger } from '../platform/log.js';
import type { MailSecret } from '../secrets/mail-secret.js';
import { mailTarget } from '../net/mail-hosts.js';
import { pinnedTls } from '../net/pinned-tls.js';
import { isTlsCode, tlsReason } from '../net/tls-failure.js';

const log = getLogger('send');

export interface SmtpOptions {
  /** ms for TCP connect and greeting; a silent socket is given up after 4× as long. */
  timeoutMs?: number;
  /** EHLO name; a fixed one, so the user's host name does not travel in every message. */
  name?: string;
}

/** A failure with what is known of it: the server's reply, if any, and whether DATA ended. */
export interface SmtpFailure {
  /** SMTP reply code, when the server answered. */
  responseCode: number | null;
  /** The server's words, or what happened to the connection. */
  reason: string;
  /** Node or nodemailer code (ECONNREFUSED, ETIMEDOUT, ECONNECTION, ETLS, EAUTH, …). */
  code: string | null;
  /** The phase nodemailer was in: CONN, EHLO, AUTH, MAIL FROM, RCPT TO, DATA… */
  command: string | null;
}

interface NodemailerErrorLike {
  code?: string;
  originalCode?: string;
  response?: string;
  responseCode?: number;
  command?: string;
  message?: string;
}

export function toFailure(err: unknown): SmtpFailure {
  const e = (err ?? {}) as NodemailerErrorLike;
  const response = typeof e.response === 'string' ? e.response.trim() : '';
  const code = e.originalCode ?? e.code ?? null;
  const responseCode = typeof e.responseCode === 'number' ? e.responseCode : null;
  let reason = (response || e.message || String(err)).slice(0, 1000);
  if (responseCode === null && isTlsCode(code)) {
    // OpenSSL's text (with paths of its build) is for the log; the outbox keeps a sentence.
    log.warn({ code, detail: e.message }, 'TLS failed');
    reason = `A secure connection to the outgoing server failed: ${tlsReason(code)}.`;
  }
  return { responseCode, reason, code, command: e.command ?? null };
}

/** The message as a stream that calls `beforeEnd` just before it ends: SMTPConnection
 * writes the final "." only after its source has ended. */
function messageStream(raw: Buffer, beforeEnd: () => Promise<void>): Readable {
  const CHUNK = 64 * 1024;
  let at = 0;
  let ending = false;
  return new Readable({
    highWaterMark: CHUNK,
    read() {
      if (at < raw.length) {
        const next = raw.subarray(at, at + CHUNK);
        at += next.length;
        this.push(next);
        return;
      }
      if (ending) return;
      ending = true;
      beforeEnd().then(
        () => this.push(null),
        (err: unknown) => this.destroy(err as Error),
      );
    },
  });
}

/**
 * XOAUTH2 with the account's tokens: nodemailer asks again with `renew` when the server
 * refuses the first token (535), so one fresh token is tried before the refusal counts.
 */
function xoauth2(
  user: string,
  tokens: Exclude<MailSecret, string>,
  failed: (err: unknown) => void,
): XOAuth2 {
  return new XOAuth2({
    user,
    provisionCallback: (_user, renew, done) => {
      tokens.accessToken(renew).then(
        (token) => done(null, token),
        (err: unknown) => {
          failed(err);
          done(err as Error);
        },
      );
    },
  });
}

export class SmtpSession {
  private closed = false;
  /** The operation under way: SMTPConnection reports a failed socket as an event, not to it. */
  private pending: ((err: unknown) => void) | null = null;

  private constructor(private readonly conn: SMTPConnection) {
    conn.on('error', (err: unknown) => {
      this.closed = true;
      this.pending?.(err);
    });
    conn.on('end', () => {
      this.closed = true;
      this.pending?.(
        Object.assign(new Error('The server closed the connection.'), { code: 'ECONNECTION' }),
      );
    });
  }

  /** Runs one SMTPConnection call; settles on its callback or on the connection failing. */
  private op<T>(start: (done: (err: unknown, value?: T) => void) => void): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      let settled = false;
      const done = (err: unknown, value?: T) => {
        if (settled) return;
        settled = true;
        this.pending = null;
        if (err) reject(err);
        else resolve(value as T);
      };
      if (this.closed) {
        done(Object.assign(new Error('The connection is closed.'), { code: 'ECONNECTION' }));
        return;
      }
      this.pending = (err) => done(err);
      start(done);
    });
  }

  get usable(): boolean {
    return !this.closed;
  }

  static async open(
    settings: SmtpSettings,
    secret: MailSecret,
    opts: SmtpOptions = {},
  ): Promise<SmtpSession> {
    const timeout = opts.timeoutMs ?? 30_000;
    const target = await mailTarget(settings.host, settings.port);
    const conn = new SMTPConnection({
      host: target.host,
      ...(target.servername ? { servername: target.servername } : {}),
      port: settings.port,
      secure: settings.security === 'tls',
      requireTLS: settings.security === 'starttls',
      ignoreTLS: settings.security === 'none',
      ...(settings.tlsCert ? { tls: pinnedTls(settings.tlsCert) } : {}),
      name: opts.name ?? 'maildock.localhost',
      connectionTimeout: timeout,
      greetingTimeout: timeout,
      socketTimeout: timeout * 4,
      logger: false,
      debug: false,
    });
    const session = new SmtpSession(conn);
    let tokenError: unknown = null;
    try {
      await session.op<void>((done) => conn.connect((err) => done(err)));
      // AUTH where a user is set and the server offers it: a relay on loopback may not.
      if (settings.user && conn.allowsAuth) {
        const user = settings.user;
        const auth =
          typeof secret === 'string'
            ? { user, pass: secret }
            : { user, oauth2: xoauth2(user, secret, (err) => (tokenError = err)) };
        await session.op<void>((done) => conn.login(auth, (err) => done(err)));
      }
    } catch (err) {
      conn.close();
      // nodemailer reports a token that could not be had as EAUTH; the reason is ours.
      throw tokenError ?? err;
    }
    return session;
  }

  /**
   * Sends one message. `beforeEnd` runs after the last byte of the message is handed over;
   * the final "." is written only once it has resolved (a throw ends the send without it). Resolves to the server's reply and
   * the recipients it refused, when it accepted others.
   */
  send(
    envelope: { from: string; to: string[] },
    raw: Buffer,
    beforeEnd: () => Promise<void>,
  ): Promise<{ response: string; rejected: string[]; rejectedReasons: string[] }> {
    return this.op((done) => {
      this.conn.send(envelope, messageStream(raw, beforeEnd), (err, info) => {
        if (err || !info) return done(err ?? new Error('no answer'));
        done(null, {
          response: String(info.response ?? ''),
          rejected: (info.rejected ?? []).map(String),
          rejectedReasons: (info.rejectedErrors ?? []).map((e) => toFailure(e).reason),
        });
      });
    });
  }

  /** Clears the transaction for the next message on the same connection. */
  reset(): Promise<void> {
    return this.op<void>((done) => this.conn.reset((err) => done(err)));
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    try {
      this.conn.quit();
    } catch {
      this.conn.close();
    }
  }
}
