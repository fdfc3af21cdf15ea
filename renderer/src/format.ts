// How dates, sizes and addresses read in the list and the reader, in the locale of the
// chosen language (i18n/locale.ts).
import type { Address } from '../../common/types.js';
import { i18n } from './i18n/index.js';
import { locale } from './i18n/locale.js';

const sameDay = (a: Date, b: Date) => a.toDateString() === b.toDateString();

const DATE_FORMATS = {
  time: { hour: '2-digit', minute: '2-digit' },
  day: { month: 'short', day: 'numeric' },
  date: { year: 'numeric', month: 'short', day: 'numeric' },
  long: { dateStyle: 'full', timeStyle: 'short' },
} as const satisfies Record<string, Intl.DateTimeFormatOptions>;

// A list of 100,000 rows formats dates as it scrolls: one formatter per format and locale,
// made once.
const formatters = new Map<string, Intl.DateTimeFormat>();
function dateFormat(name: keyof typeof DATE_FORMATS): Intl.DateTimeFormat {
  const key = `${locale()}\n${name}`;
  let f = formatters.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(locale(), DATE_FORMATS[name]);
    formatters.set(key, f);
  }
  return f;
}

const numberFormats = new Map<string, Intl.NumberFormat>();
function numberFormat(): Intl.NumberFormat {
  let f = numberFormats.get(locale());
  if (!f) {
    f = new Intl.NumberFormat(locale());
    numberFormats.set(locale(), f);
  }
  return f;
}

/**
 * Makes the list's formatters ahead of the rows. The browser's first formatter of a kind
 * costs milliseconds (its locale data is loaded then): the page does it while it waits for
 * its first answers, not while the first rows are drawn.
 */
export function prepareFormats(): void {
  numberFormat();
  dateFormat('time');
  dateFormat('day');
  dateFormat('date');
}

export function shortDate(iso: string, now = new Date()): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  if (sameDay(d, now)) return dateFormat('time').format(d);
  if (d.getFullYear() === now.getFullYear()) return dateFormat('day').format(d);
  return dateFormat('date').format(d);
}

export function longDate(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : dateFormat('long').format(d);
}

/** A count as the locale writes it: 1,234 or 1.234. */
export const count = (n: number): string => numberFormat().format(n);

export function fileSize(bytes: number): string {
  const number = (v: number, digits: number) =>
    v.toLocaleString(locale(), { minimumFractionDigits: digits, maximumFractionDigits: digits });
  if (bytes < 1024) return `${number(bytes, 0)} B`;
  const units = ['KB', 'MB', 'GB'];
  let v = bytes / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v < 10 ? number(v, 1) : number(Math.round(v), 0)} ${units[i]}`;
}

export const addressName = (a: Address) => a.name || a.address;

export const addressFull = (a: Address) => (a.name ? `${a.name} <${a.address}>` : a.address);

export function senders(from: readonly Address[]): string {
  return from.map(addressName).join(', ') || i18n.t('list.noSender');
}
