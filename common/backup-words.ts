// Backup progress and sizes as people read them, the same in the terminal and in the app.
import type { BackupProgressEvent, RestoreResult } from './types.js';

const MB = 1024 * 1024;

/** "1 file", "3 files", "1 password". */
export const counted = (n: number, one: string) => `${n} ${one}${n === 1 ? '' : 's'}`;

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

const STACK_AFTER: Record<RestoreResult['stack'], string> = {
  none: '',
  restored: ' The local mail server’s data is back and it is running.',
  restarted: ' The local mail server is running again.',
  pending: ' The local mail server’s data goes back at its next start',
  stopped: ' The local mail server did not start again',
};

/** What a restore did, in one paragraph; `where` names the data folder (the command line). */
export function restoredText(r: RestoreResult, where?: string): string {
  const head =
    `Restored ${counted(r.files, 'file')} from the backup of ${r.createdAt} (Maildock ${r.app})` +
    (where ? ` into ${where}` : '') +
    (r.secrets === null ? '.' : `, with ${counted(r.secrets, 'password')}.`);
  const stack = STACK_AFTER[r.stack];
  const after =
    !stack || stack.endsWith('.')
      ? head + stack
      : `${head}${stack}${r.stackProblem ? `: ${r.stackProblem}` : '.'}`;
  const accounts =
    r.withoutPassword === 0
      ? ''
      : r.withoutPassword === 1
        ? ' One account needs its password again (the backup held none for it).'
        : ` ${r.withoutPassword} accounts need their passwords again (the backup held none for them).`;
  const relay = r.relayWithoutPassword
    ? ' The local mail server’s relay needs its password again (maildock stack config --relay-password-stdin).'
    : '';
  return after + accounts + relay;
}
