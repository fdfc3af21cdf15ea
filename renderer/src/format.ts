// How dates, sizes and addresses read in the list and the reader.
import type { Address } from '../../common/types.js';

const sameDay = (a: Date, b: Date) => a.toDateString() === b.toDateString();

// A list of 100,000 rows formats dates as it scrolls: one formatter per format, made once.
const TIME = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
const DAY = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric' });
const DATE = new Intl.DateTimeFormat(undefined, {
  year: 'numeric',
  month: 'short',
  day: 'numeric',
});

export function shortDate(iso: string, now = new Date()): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  if (sameDay(d, now)) return TIME.format(d);
  if (d.getFullYear() === now.getFullYear()) return DAY.format(d);
  return DATE.format(d);
}

export function longDate(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime())
    ? iso
    : d.toLocaleString(undefined, { dateStyle: 'full', timeStyle: 'short' });
}

export function fileSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KB', 'MB', 'GB'];
  let v = bytes / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v < 10 ? v.toFixed(1) : Math.round(v)} ${units[i]}`;
}

export const addressName = (a: Address) => a.name || a.address;

export const addressFull = (a: Address) => (a.name ? `${a.name} <${a.address}>` : a.address);

export function senders(from: readonly Address[]): string {
  return from.map(addressName).join(', ') || '(no sender)';
}
