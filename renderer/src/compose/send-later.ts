// "Send later" times: in an hour, tomorrow at 8:00, or a picked local date and time, as
// the ISO string with the local offset that outbox.send takes for sendAt.
import { i18n, locale } from '../i18n/index.js';

const pad = (n: number) => String(Math.abs(n)).padStart(2, '0');

/** 2025-03-04T08:00:00+01:00: the local wall time and its offset, as the writer meant it. */
export function isoWithOffset(d: Date): string {
  const off = -d.getTimezoneOffset();
  const sign = off >= 0 ? '+' : '-';
  return (
    `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}` +
    `T${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}` +
    `${sign}${pad(Math.trunc(off / 60))}:${pad(off % 60)}`
  );
}

export function inOneHour(now: Date): Date {
  const d = new Date(now.getTime() + 60 * 60 * 1000);
  d.setSeconds(0, 0);
  return d;
}

export function tomorrowAtEight(now: Date): Date {
  const d = new Date(now);
  d.setDate(d.getDate() + 1);
  d.setHours(8, 0, 0, 0);
  return d;
}

/** A datetime-local input's value ("2025-03-04T08:00") as a local date; null when not one. */
export function fromLocalInput(value: string): Date | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/.exec(value);
  if (!m) return null;
  const [y, mo, d, h, mi] = m.slice(1).map(Number) as [number, number, number, number, number];
  const date = new Date(y, mo - 1, d, h, mi, 0, 0);
  return date.getMonth() === mo - 1 && date.getDate() === d ? date : null;
}

/** The value a datetime-local input shows for a date. */
export function toLocalInput(d: Date): string {
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

export function laterLabel(d: Date, now = new Date()): string {
  const time = d.toLocaleTimeString(locale(), { hour: '2-digit', minute: '2-digit' });
  if (d.toDateString() === now.toDateString()) return i18n.t('compose.later.today', { time });
  const tomorrow = new Date(now);
  tomorrow.setDate(now.getDate() + 1);
  if (d.toDateString() === tomorrow.toDateString())
    return i18n.t('compose.later.tomorrowAt', { time });
  return d.toLocaleString(locale(), { dateStyle: 'medium', timeStyle: 'short' });
}
