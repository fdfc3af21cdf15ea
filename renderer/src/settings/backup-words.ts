// Backup progress, sizes and a restore's outcome in the UI's language; the command line
// says the same in English through common/backup-words.ts, whose arithmetic this shares.
import { progressFraction } from '../../../common/backup-words.js';
import type { BackupProgressEvent, RestoreResult } from '../../../common/types.js';
import { longDate } from '../format.js';
import { i18n, locale } from '../i18n/index.js';

export { progressFraction };

const MB = 1024 * 1024;
const decimals = (v: number, digits: number) =>
  v.toLocaleString(locale(), { minimumFractionDigits: digits, maximumFractionDigits: digits });

export function sizeText(bytes: number): string {
  if (bytes < 1024) return `${decimals(Math.round(bytes), 0)} B`;
  if (bytes < MB) return `${decimals(bytes / 1024, 1)} KB`;
  if (bytes < 1024 * MB) return `${decimals(bytes / MB, 1)} MB`;
  return `${decimals(bytes / 1024 / MB, 2)} GB`;
}

export function progressText(p: BackupProgressEvent): string {
  const phase = i18n.t(`settings.backup.phase.${p.phase}`);
  // A part whose size is known only once it is written (the stack's dumps).
  if (p.totalBytes === 0 && p.phase !== 'done')
    return i18n.t('settings.backup.progressSoFar', { phase, size: sizeText(p.bytes) });
  const words = {
    phase,
    percent: (Math.round(progressFraction(p) * 100) / 100).toLocaleString(locale(), {
      style: 'percent',
    }),
    size: sizeText(p.bytes),
    total: sizeText(p.totalBytes),
    rate: sizeText(p.rate),
  };
  return p.etaSeconds === null
    ? i18n.t('settings.backup.progressText', words)
    : i18n.t('settings.backup.progressLeft', { ...words, seconds: Math.ceil(p.etaSeconds) });
}

function stackWords(r: RestoreResult): string | null {
  const problem = r.stackProblem;
  switch (r.stack) {
    case 'none':
      return null;
    case 'restored':
      return i18n.t('settings.backup.stackRestored');
    case 'restarted':
      return i18n.t('settings.backup.stackRestarted');
    case 'pending':
      return problem
        ? i18n.t('settings.backup.stackPendingWhy', { problem })
        : i18n.t('settings.backup.stackPending');
    case 'stopped':
      return problem
        ? i18n.t('settings.backup.stackStoppedWhy', { problem })
        : i18n.t('settings.backup.stackStopped');
  }
}

/** What a restore did, as a paragraph of whole sentences. */
export function restoredText(r: RestoreResult): string {
  const head = i18n.t('settings.backup.restored', {
    count: r.files,
    date: longDate(r.createdAt),
    version: r.app,
  });
  const sentences = [
    r.secrets === null
      ? i18n.t('settings.backup.plain', { head })
      : i18n.t('settings.backup.withPasswords', { head, count: r.secrets }),
    stackWords(r),
    r.withoutPassword > 0 ? i18n.t('settings.backup.accounts', { count: r.withoutPassword }) : null,
    r.relayWithoutPassword ? i18n.t('settings.backup.relay') : null,
  ];
  return sentences.filter((s) => s !== null).join(' ');
}
