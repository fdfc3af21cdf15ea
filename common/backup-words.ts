// Backup progress and sizes as people read them, the same in the terminal and in the app.
import type { BackupProgressEvent } from './types.js';

const MB = 1024 * 1024;

export function sizeText(bytes: number): string {
  if (bytes < 1024) return `${Math.round(bytes)} B`;
  if (bytes < MB) return `${(bytes / 1024).toFixed(1)} KB`;
  if (bytes < 1024 * MB) return `${(bytes / MB).toFixed(1)} MB`;
  return `${(bytes / 1024 / MB).toFixed(2)} GB`;
}

const PHASE: Record<BackupProgressEvent['phase'], string> = {
  snapshot: 'Copying the store',
  stack: 'Saving the local mail server’s data',
  archive: 'Writing the archive',
  verify: 'Verifying',
  restore: 'Restoring',
  done: 'Done',
};

export const progressFraction = (p: BackupProgressEvent) =>
  p.totalBytes > 0 ? Math.min(1, p.bytes / p.totalBytes) : 0;

export function progressText(p: BackupProgressEvent): string {
  // A part whose size is known only once it is written (the stack's dumps).
  if (p.totalBytes === 0 && p.phase !== 'done') return `${PHASE[p.phase]}: ${sizeText(p.bytes)}`;
  const done = Math.round(progressFraction(p) * 100);
  const left = p.etaSeconds === null ? '' : `, ${Math.ceil(p.etaSeconds)} s left`;
  return `${PHASE[p.phase]}: ${done}%, ${sizeText(p.bytes)} of ${sizeText(p.totalBytes)} at ${sizeText(p.rate)}/s${left}`;
}
