// What `maildock admin` reads besides its options: a password, never from the command line
// (it would sit in the shell's history and in `ps`), and a point in time for the audit log.
import { MaildockError } from '../../common/errors.js';
import { readStdin } from './run.js';

/** Asks on the terminal without echoing what is typed. */
function promptHidden(question: string): Promise<string> {
  const input = process.stdin;
  return new Promise((resolve, reject) => {
    let typed = '';
    // No echo before the question shows: what is typed at once must not appear either.
    input.setRawMode(true);
    input.resume();
    input.setEncoding('utf8');
    process.stderr.write(question);
    const done = (err?: Error) => {
      input.setRawMode(false);
      input.pause();
      input.off('data', onData);
      process.stderr.write('\n');
      if (err) reject(err);
      else resolve(typed);
    };
    const onData = (chunk: string) => {
      for (const char of chunk) {
        if (char === '\r' || char === '\n') return done();
        if (char === '\u0003' || char === '\u0004')
          return done(new MaildockError('CANCELLED', 'No password was given.'));
        if (char === '\u007f' || char === '\b') typed = [...typed].slice(0, -1).join('');
        else if (char >= ' ') typed += char;
      }
    };
    input.on('data', onData);
  });
}

/** The new password: from stdin with --password-stdin, else asked twice on a terminal. */
export async function readNewPassword(fromStdin: boolean): Promise<string> {
  if (fromStdin) return readStdin();
  if (!process.stdin.isTTY || !process.stderr.isTTY) {
    throw new MaildockError(
      'INVALID_INPUT',
      'Give the password on standard input with --password-stdin, or run this on a terminal to be asked.',
      { field: 'password' },
    );
  }
  const first = await promptHidden('Password: ');
  const second = await promptHidden('Again: ');
  if (first !== second) {
    throw new MaildockError('INVALID_INPUT', 'The two passwords differ.', { field: 'password' });
  }
  return first;
}

const UNIT_MS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** `--since`: an ISO date or time, or a span back from now (30m, 1h, 7d, 2w). */
export function parseSince(text: string, now = Date.now()): Date {
  const span = /^(\d{1,6})([mhdw])$/.exec(text.trim());
  if (span) return new Date(now - Number(span[1]) * UNIT_MS[span[2]!]!);
  const at = /^\d{4}-\d{2}-\d{2}/.test(text) ? new Date(text) : new Date(NaN);
  if (Number.isNaN(at.getTime())) {
    throw new MaildockError(
      'INVALID_INPUT',
      `--since takes an ISO date (2026-12-01, 2026-12-01T08:00Z) or a span like 30m, 1h, 7d, 2w; not "${text}".`,
      { option: 'since' },
    );
  }
  return at;
}
