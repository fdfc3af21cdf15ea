// How the CLI speaks: JSON for machines, short aligned text for people, a progress line
// on a terminal, and errors as the message, the code with its sentence, and the hint.
import { describeError } from '../../common/error-words.js';
import type { ErrorData } from '../../common/errors.js';
import type {
  Draft,
  Mailbox,
  MessageDetail,
  MessageSummary,
  OutboxEntry,
  SearchHit,
  SyncProgress,
} from '../../common/types.js';

export interface Out {
  json: boolean;
  write(s: string): void;
  err(s: string): void;
  isTTY: boolean;
}

export function stdio(json: boolean): Out {
  return {
    json,
    write: (s) => process.stdout.write(s),
    err: (s) => process.stderr.write(s),
    isTTY: !!process.stderr.isTTY,
  };
}

export function printJson(out: Out, value: unknown): void {
  out.write(`${JSON.stringify(value, null, 2)}\n`);
}

export function printError(out: Out, error: ErrorData): void {
  if (out.json) {
    printJson(out, { error });
    return;
  }
  const words = describeError(error);
  // The message leads, whatever its code: on a terminal it is the local user's own, where
  // the renderer keeps an INTERNAL one or a dump off the screen.
  out.err(`maildock: ${error.message}\n`);
  if (words.sentence !== error.message) out.err(`  (${error.code}: ${words.sentence})\n`);
  else out.err(`  (${error.code})\n`);
  // What a failing build step printed, or a failing service's last log lines.
  const f = error.fields ?? {};
  for (const key of ['output', 'lastLog'] as const) {
    const text = f[key];
    if (typeof text === 'string' && text.trim())
      out.err(`${text.replace(/^/gm, '  | ').replace(/\s+$/, '')}\n`);
  }
  if (words.hint) out.err(`  ${words.hint}\n`);
}

const pad = (s: string, n: number) => (s.length >= n ? `${s.slice(0, n - 1)}…` : s.padEnd(n));
const shortDate = (iso: string) => iso.slice(0, 16).replace('T', ' ');
const who = (m: MessageSummary) => m.from[0]?.name || m.from[0]?.address || '(no sender)';
const marks = (m: MessageSummary) =>
  `${m.flags.includes('\\Seen') ? ' ' : '●'}${m.flags.includes('\\Flagged') ? '★' : ' '}${m.hasAttachments ? '📎' : '  '}`;

export function messageLine(m: MessageSummary): string {
  return `${String(m.id).padStart(16)}  ${marks(m)} ${shortDate(m.date)}  ${pad(who(m), 24)}  ${m.subject || '(no subject)'}`;
}

export function mailboxLine(m: Mailbox): string {
  const role = m.role ? ` [${m.role}]` : m.local ? ' (local)' : '';
  return `${String(m.id).padStart(5)}  acct ${m.accountId}  ${pad(m.path + role, 40)} ${String(m.total).padStart(7)} msgs ${String(m.unread).padStart(6)} unread`;
}

export function hitLine(h: SearchHit, color: boolean): string {
  let snippet = '';
  let at = 0;
  for (const [s, e] of h.highlights) {
    snippet +=
      h.snippet.slice(at, s) +
      (color ? `\x1b[1m${h.snippet.slice(s, e)}\x1b[0m` : `[${h.snippet.slice(s, e)}]`);
    at = e;
  }
  snippet += h.snippet.slice(at);
  return `${messageLine(h.message)}\n${' '.repeat(18)}${h.message.mailbox}: ${snippet.replace(/\s+/g, ' ')}`;
}

export function messageText(d: MessageDetail): string {
  const m = d.message;
  const addr = (l: MessageSummary['from']) =>
    l.map((a) => (a.name ? `${a.name} <${a.address}>` : a.address)).join(', ');
  const lines = [
    `From:    ${addr(m.from)}`,
    `To:      ${addr(m.to)}`,
    ...(m.cc.length ? [`Cc:      ${addr(m.cc)}`] : []),
    `Date:    ${m.date}`,
    `Subject: ${m.subject}`,
    `Folder:  ${m.mailbox}   Flags: ${m.flags.join(' ') || '-'}`,
    '',
  ];
  if (d.parseError) lines.push(`[This message could not be read completely: ${d.parseError}]`, '');
  lines.push(
    d.text ??
      (d.html
        ? '[HTML only: open it in the app to read it]'
        : m.bodyState === 'pending'
          ? '[Body not downloaded yet]'
          : ''),
  );
  if (d.attachments.length) {
    lines.push('', 'Attachments (save one with `maildock attachment save ID`):');
    for (const a of d.attachments) {
      lines.push(
        `  [${a.id}] ${a.filename ?? '(unnamed)'}  ${a.contentType}  ${formatBytes(a.size)}${a.inline ? '  inline' : ''}`,
      );
    }
  }
  return lines.join('\n') + '\n';
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

/** A single self-rewriting line on a terminal; nothing at all when output is piped. */
export function progressReporter(out: Out): { update(p: SyncProgress): void; done(): void } {
  let last = 0;
  let shown = false;
  return {
    update(p) {
      if (!out.isTTY || out.json) return;
      const now = Date.now();
      if (now - last < 100 && p.done !== p.total) return;
      last = now;
      const width = 24;
      const ratio = p.total > 0 ? Math.min(1, p.done / p.total) : 0;
      const bar = '█'.repeat(Math.round(ratio * width)).padEnd(width, '░');
      const where = p.mailbox ? ` ${p.mailbox}` : '';
      out.err(`\r\x1b[K${p.phase.padEnd(9)} ${bar} ${p.done}/${p.total}${where}`);
      shown = true;
    },
    done() {
      if (shown) out.err('\r\x1b[K');
    },
  };
}

const STATE_TEXT: Record<OutboxEntry['state'], string> = {
  queued: 'queued',
  sending: 'sending',
  retrying: 'waiting to retry',
  failed: 'failed',
  'maybe-sent': 'may have been sent',
  sent: 'sent',
  cancelled: 'cancelled',
};

export function outboxLine(e: OutboxEntry): string {
  const when =
    e.state === 'sent' && e.sentAt
      ? `sent ${shortDate(e.sentAt)}`
      : e.state === 'retrying' && e.nextAttempt
        ? `next try ${shortDate(e.nextAttempt)}`
        : e.state === 'queued'
          ? `leaves ${shortDate(e.sendAt)}`
          : '';
  const head = `${String(e.id).padStart(5)}  ${pad(STATE_TEXT[e.state], 18)} ${pad(when, 24)} ${pad(e.recipients.join(', '), 30)}  ${e.subject || '(no subject)'}`;
  return e.lastError && e.state !== 'sent'
    ? `${head}\n${' '.repeat(7)}${e.lastError.message}`
    : head;
}

export function outboxEntryText(e: OutboxEntry): string {
  const lines = [
    `Outbox ${e.id}: ${STATE_TEXT[e.state]}`,
    `Message-ID: ${e.messageId}`,
    `To: ${e.recipients.join(', ')}`,
    `Subject: ${e.subject}`,
  ];
  if (e.state === 'queued') {
    lines.push(
      `Leaves at ${e.sendAt} with the next \`maildock sync\` (a running \`sync --watch\` sends it by itself); \`maildock outbox cancel ${e.id}\` takes it back.`,
    );
  }
  if (e.lastError) lines.push(`Last error: ${e.lastError.message} (${e.lastError.code})`);
  return lines.join('\n') + '\n';
}

export function draftLine(d: Draft): string {
  const id = d.id === null ? `msg ${d.storedMessageId}` : String(d.id);
  return `${id.padStart(9)}  ${pad(d.origin, 7)} ${shortDate(d.updatedAt)}  ${pad(d.to.join(', ') || '(no recipient)', 30)}  ${d.subject || '(no subject)'}`;
}
