// What Print hands to the browser: the reader's headers and body of each message, the HTML
// sanitized by the reader's own rules with remote content blocked (src/mail/print.ts).
import type { MessageDetail } from '../../../common/types.js';
import type { MaildockClient } from '../client/client.js';
import { addressFull, longDate } from '../format.js';
import { i18n } from '../i18n/index.js';
import { printableDocument, printHtml, type PrintedMessage } from '../mail/print.js';
import { createMailSanitizer, type MailSanitizer } from '../mail/sanitize.js';

let sanitizer: MailSanitizer | undefined;

export function printedMessage(detail: MessageDetail): PrintedMessage {
  const t = i18n.t.bind(i18n);
  const m = detail.message;
  const list = (as: typeof m.from) => as.map(addressFull).join(', ');
  const headers: [string, string][] = [
    [t('reader.from'), list(m.from)],
    [t('reader.to'), list(m.to)],
    ...(m.cc.length ? ([[t('reader.cc'), list(m.cc)]] as [string, string][]) : []),
    [t('reader.date'), longDate(m.date)],
  ];
  const html = detail.html
    ? (sanitizer ??= createMailSanitizer(window))(detail.html, { allowRemote: false }).html
    : null;
  return {
    subject: m.subject || t('list.noSubject'),
    headers,
    html,
    text: html === null ? (detail.text ?? '') : null,
  };
}

/** Prints one message, or every message of a conversation (each fetched whole). */
export async function printMessages(
  client: MaildockClient,
  title: string,
  ids: readonly number[],
): Promise<void> {
  const details = await Promise.all(ids.map((id) => client.call('message.get', { id, raw: true })));
  printHtml(printableDocument(title, details.map(printedMessage)));
}
