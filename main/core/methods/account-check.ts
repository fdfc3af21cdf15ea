// The connection tests behind adding and editing an account, before anything is saved: IMAP
// logs in (and, for an edit that moves the account to another address, shows that the same
// mailbox is there), SMTP logs in where a user is set. Every failure is an error whose code
// the UI explains (AUTH_FAILED, TLS_FAILED, HOST_UNREACHABLE, TIMEOUT …), for either server;
// both go through the mail-host check of the server of many people (net/mail-hosts.ts).
import type { MailSecret } from '../secrets/mail-secret.js';
import type { ImapFlow } from 'imapflow';
import { MaildockError } from '../../../common/errors.js';
import type { ImapSettings, SmtpSettings } from '../../../common/types.js';
import { isTlsCode, tlsReason } from '../net/tls-failure.js';
import type { Store } from '../store/index.js';
import { UNREACHABLE_CODES } from '../net/socket-codes.js';

/**
 * Logs in with these settings; `check` runs on the logged-in connection before it closes.
 * Resolves to the server's capabilities.
 */
export async function testImap(
  settings: ImapSettings,
  password: MailSecret,
  timeoutMs: number,
  check?: (client: ImapFlow) => Promise<void>,
): Promise<string[]> {
  const { connect } = await import('../sync/connect.js');
  const client = await connect(settings, password, { timeoutMs });
  try {
    await check?.(client);
    return [...(client.capabilities as Map<string, unknown>).keys()];
  } finally {
    await client.logout().catch(() => client.close());
  }
}

const hostKey = (host: string) => host.toLowerCase().replace(/\.$/, '');

/** The same server and login: the same mailbox, whatever else (security, certificate) changed. */
export const sameImapAddress = (a: ImapSettings, b: ImapSettings): boolean =>
  hostKey(a.host) === hostKey(b.host) && a.port === b.port && a.user === b.user;

/**
 * Whether `client`, logged in elsewhere than the account was, reaches the mailbox whose mail
 * the account holds: a stored message is found under the same UIDVALIDITY, at the same UID,
 * with the same Message-ID. Two mailboxes made in the same second share a UIDVALIDITY, so
 * that alone proves nothing. An account with no folder selected yet holds no UID that could
 * be misread: any mailbox will do. Folders without a stored message prove nothing either,
 * and their sync cursors would skip the other mailbox's mail below them.
 */
export async function reachesSameMailbox(
  client: ImapFlow,
  store: Store,
  accountId: number,
): Promise<boolean> {
  const boxes = (await store.mailboxes.states(accountId)).filter((b) => b.uidValidity !== null);
  if (!boxes.length) return true;
  const isInbox = (path: string) => path.toUpperCase() === 'INBOX';
  boxes.sort((a, b) => Number(isInbox(b.path)) - Number(isInbox(a.path)));
  for (const box of boxes) {
    // A negative UID stands for a message moved here locally, not known to the server yet.
    const sample = (await store.messages.list(box.id, 20)).find((m) => m.uid > 0 && m.messageId);
    if (!sample) continue;
    let opened;
    try {
      opened = await client.mailboxOpen(box.path, { readOnly: true });
    } catch {
      return false;
    }
    if (opened.uidValidity.toString() !== box.uidValidity) return false;
    const found = await client.fetchOne(String(sample.uid), { envelope: true }, { uid: true });
    return !!found && found.envelope?.messageId === sample.messageId;
  }
  return false;
}

const TIMED_OUT = new Set(['ETIMEDOUT', 'ETIME']);
const LOST = new Set(['ECONNRESET', 'EPIPE', 'ECONNECTION']);

/** Connects and logs in (where a user is set and the server offers AUTH), then leaves. */
export async function testSmtp(
  settings: SmtpSettings,
  password: MailSecret,
  timeoutMs: number,
): Promise<void> {
  const { SmtpSession, toFailure } = await import('../send/smtp.js');
  let session;
  try {
    session = await SmtpSession.open(settings, password, { timeoutMs });
  } catch (err) {
    // FORBIDDEN from the mail-host check is already ours.
    if (err instanceof MaildockError) throw err;
    const failure = toFailure(err);
    // A refused login keeps EAUTH even where the library remembers an earlier code.
    const auth = (err as { code?: unknown }).code === 'EAUTH';
    throw smtpError(auth ? 'EAUTH' : failure.code, failure.reason, settings);
  }
  session.close();
}

/** A failed SMTP test as the error an IMAP test gives for the same cause, naming SMTP. */
function smtpError(
  code: string | null,
  reason: string,
  settings: Pick<SmtpSettings, 'host' | 'port'>,
): MaildockError {
  const where = `the outgoing (SMTP) server at ${settings.host}:${settings.port}`;
  const smtpFields = { host: settings.host, port: settings.port, cause: code };
  if (code === 'EAUTH')
    return new MaildockError(
      'AUTH_FAILED',
      `${capital(where)} refused the user name or password.`,
      smtpFields,
    );
  if (isTlsCode(code))
    return new MaildockError(
      'TLS_FAILED',
      `A secure connection to ${where} failed: ${tlsReason(code)}.`,
      smtpFields,
    );
  if (code && UNREACHABLE_CODES.has(code))
    return new MaildockError(
      'HOST_UNREACHABLE',
      `${capital(where)} could not be reached (${code}).`,
      smtpFields,
    );
  if (code && TIMED_OUT.has(code))
    return new MaildockError('TIMEOUT', `${capital(where)} did not answer in time.`, smtpFields);
  if (code && LOST.has(code))
    return new MaildockError(
      'CONNECTION_LOST',
      `The connection to ${where} was lost: ${reason}`,
      smtpFields,
    );
  return new MaildockError('PROTOCOL_ERROR', `${capital(where)}: ${reason}`, smtpFields);
}

const capital = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
