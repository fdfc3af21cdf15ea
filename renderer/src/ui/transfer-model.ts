// Import and export as the dialogs say them, decided without React: the progress line, the
// summary at the end, which transfer's events are the dialog's own, and which native
// pickers fit a format. Paths are on the machine that runs the core: the desktop's own
// disk over IPC, the server's over HTTP.
import type { PickKind } from '../../../common/ipc.js';
import type { ExportResult, ImportResult, TransferProgress } from '../../../common/types.js';
import type { TransportKind } from '../client/transport.js';
import { count } from '../format.js';
import { i18n, locale } from '../i18n/index.js';
import { sizeText } from '../settings/backup-words.js';

export type ImportFormat = 'auto' | 'mbox' | 'eml' | 'maildir';
export type ExportFormat = 'mbox' | 'eml';
/** What an export writes out: a folder, some messages, or what a search finds. */
export type ExportWhat = { mailboxId: number } | { ids: number[] } | { query: string };
type Skipped = ImportResult['skipped'][number];

/** Skipped messages listed one by one; the rest are counted ("and 12 more"). */
export const SKIPPED_SHOWN = 10;

/** Where a typed path is read: the desktop's own disk, or the server's. */
export const placeOf = (transport: TransportKind): 'computer' | 'server' =>
  transport === 'ipc' ? 'computer' : 'server';

const rateText = (rate: number) =>
  rate.toLocaleString(locale(), { maximumFractionDigits: rate < 10 ? 1 : 0 });

/** Done of total as 0..1, or null while the total is not known (an indeterminate bar). */
export function progressFraction(p: TransferProgress): number | null {
  if (p.total === null || p.total === 0) return null;
  return Math.min(1, p.done / p.total);
}

export function progressText(p: TransferProgress): string {
  // `count` picks the plural form; the numbers shown are formatted for the locale.
  const words = { done: count(p.done), rate: rateText(p.rate) };
  return p.total === null
    ? i18n.t('transfer.progressSoFar', { ...words, count: p.done })
    : i18n.t('transfer.progressOf', { ...words, total: count(p.total), count: p.total });
}

/**
 * Whether a progress event starts the transfer a dialog is waiting for: events carry only
 * an id, and the call answers with it only at the end, so the dialog takes the first of
 * its kind that begins at nothing (a transfer already under way elsewhere is not its own).
 */
export const startsTransfer = (p: TransferProgress, kind: TransferProgress['kind']): boolean =>
  p.kind === kind && p.done === 0;

/** The skipped messages shown, and how many more there are. */
export function skippedShown(
  skipped: readonly Skipped[],
  cap = SKIPPED_SHOWN,
): { shown: Skipped[]; more: number } {
  return { shown: skipped.slice(0, cap), more: Math.max(0, skipped.length - cap) };
}

/** What an import did, as sentences; the skipped messages are listed apart. */
export function importSummary(r: ImportResult, folder: string): string[] {
  const lines: string[] = r.cancelled
    ? [
        i18n.t('transfer.cancelledImport'),
        i18n.t('transfer.importedSoFar', { count: r.imported, folder }),
      ]
    : [i18n.t('transfer.imported', { count: r.imported, folder })];
  if (r.duplicates > 0) lines.push(i18n.t('transfer.duplicates', { count: r.duplicates }));
  if (r.skipped.length > 0) lines.push(i18n.t('transfer.skipped', { count: r.skipped.length }));
  return lines;
}

export const skippedText = (s: Skipped): string =>
  i18n.t('transfer.skippedItem', { source: s.source, reason: s.reason });

/** What an export did, in one sentence. */
export function exportSummary(r: ExportResult): string {
  return r.cancelled
    ? i18n.t('transfer.cancelledExport')
    : i18n.t('transfer.exported', { count: r.messages, size: sizeText(r.bytes), path: r.path });
}

/**
 * The native pickers that fit: an mbox is a file, .eml files and a Maildir are a folder,
 * and Detect may be either (no platform opens both in one dialog).
 */
export function pickKinds(
  direction: 'import' | 'export',
  format: ImportFormat | ExportFormat,
): PickKind[] {
  if (direction === 'export') return format === 'mbox' ? ['save-file'] : ['open-folder'];
  if (format === 'mbox') return ['open-file'];
  if (format === 'auto') return ['open-file', 'open-folder'];
  return ['open-folder'];
}
