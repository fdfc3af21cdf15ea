// One message as an mbox file keeps it (mboxrd): a From line with the sender and the date it
// arrived, the message with LF line ends and every line matching ^>*From  quoted with one more
// ">", then one LF. mbox-read.ts takes exactly that back off, so a message comes back byte for
// byte (its CRLF line ends aside, which the import puts back).
import { firstField, headerBlock, headerFields, toLf } from './message-bytes.js';

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

const two = (n: number) => String(n).padStart(2, '0');

/** asctime in UTC: "Thu Jan  1 00:00:00 2024". */
export function asctime(date: Date): string {
  const d = date;
  return `${DAYS[d.getUTCDay()]} ${MONTHS[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2, ' ')} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())} ${d.getUTCFullYear()}`;
}

/** The envelope sender for a From line: Return-Path, else the From address; never a space. */
export function senderOf(raw: Buffer): string {
  const fields = headerFields(headerBlock(raw));
  for (const name of ['return-path', 'from', 'sender']) {
    const value = firstField(fields, name);
    const address =
      value && (/<([^<>\s]+@[^<>\s]+)>/.exec(value)?.[1] ?? /[^\s<>"]+@[^\s<>"]+/.exec(value)?.[0]);
    if (address) return address.replace(/[^\x21-\x7e]/g, '');
  }
  return 'MAILER-DAEMON';
}

export function fromLine(raw: Buffer, date: Date): string {
  return `From ${senderOf(raw)} ${asctime(date)}\n`;
}

const QUOTE = /^>*From /;
const GT = Buffer.from('>');

/** The message's bytes as they go in the file: LF line ends, From lines quoted, one LF after. */
export function mboxBody(raw: Buffer): Buffer[] {
  const lf = toLf(raw);
  const parts: Buffer[] = [];
  let start = 0;
  // Only lines that start with ">" or "F" can need a quote: look for those line starts alone.
  for (let i = 0; i <= lf.length;) {
    const nl = lf.indexOf(10, i);
    const end = nl < 0 ? lf.length : nl + 1;
    const c = lf[i];
    if ((c === 62 || c === 70) && QUOTE.test(lf.toString('latin1', i, Math.min(end, i + 200)))) {
      if (i > start) parts.push(lf.subarray(start, i));
      parts.push(GT);
      start = i;
    }
    if (nl < 0) break;
    i = end;
  }
  parts.push(lf.subarray(start), Buffer.from('\n'));
  return parts;
}
