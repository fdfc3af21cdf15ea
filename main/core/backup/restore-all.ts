// A whole restore: the data folder swapped in (restore.ts), the passwords put back into the
// secret store, the bundled stack stopped before the swap and its data put back after it
// (or at its next start, when Docker is away). One path for `maildock backup restore` and
// for backup.restore in a running app, which closes its store in `release` and opens the
// restored one in `afterSwap`.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { MaildockError, toErrorData } from '../../../common/errors.js';
import type { StackProgress } from '../../../common/stack.js';
import type { BackupProgressEvent, RestoreResult } from '../../../common/types.js';
import { getLogger } from '../log.js';
import type { SecretStore } from '../secrets/secret-store.js';
import type { StackController } from '../stack/controller.js';
import { STACK_PENDING } from '../stack/data.js';
import { StackFiles } from '../stack/files.js';
import type { StackOptions } from '../stack/stack-methods.js';
import { restoreBackup } from './restore.js';

const log = getLogger('backup');

export interface RestoreAllOptions {
  onProgress?: (p: BackupProgressEvent) => void;
  onStackProgress?: (p: StackProgress) => void;
  /** Opens the backup's passwords, which then go to `secretStore`. */
  passphrase?: string;
  secretStore: () => Promise<SecretStore>;
  stack?: StackOptions;
  /** After verifying and staging, before the swap: this process closes its store. */
  release?: () => Promise<void>;
  /** Right after the swap, before the stack starts again. */
  afterSwap?: () => Promise<void>;
}

export async function restoreAll(
  dataDir: string,
  file: string,
  opts: RestoreAllOptions,
): Promise<RestoreResult> {
  // The stack is driven by the data folder's own files: one controller before and after.
  const stackFiles = new StackFiles(dataDir);
  let controller: StackController | null = null;
  const stack = async () => {
    if (!controller) {
      const { StackController } = await import('../stack/controller.js');
      controller = new StackController({
        dataDir,
        ...(opts.stack?.composeFile ? { composeFile: opts.stack.composeFile } : {}),
        ...(opts.stack?.docker ? { docker: opts.stack.docker } : {}),
        ...(opts.onStackProgress ? { onProgress: opts.onStackProgress } : {}),
      });
    }
    return controller;
  };
  let stackWasRunning = false;
  const { manifest, secrets } = await restoreBackup({
    dataDir,
    file,
    ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
    ...(opts.passphrase !== undefined ? { passphrase: opts.passphrase } : {}),
    checkDump: async (dump) => (await stack()).listDump(dump),
    ...(opts.release ? { release: opts.release } : {}),
    // The stack's services read the data folder's files: nothing runs while they change.
    // (Only once the store is known to be free: a refused restore leaves the stack alone.)
    beforeSwap: async () => {
      if (!stackFiles.started()) return;
      try {
        const before = await (await stack()).status();
        stackWasRunning = before.services.some((s) => s.state === 'running');
        if (stackWasRunning) await (await stack()).stop();
      } catch (err) {
        // No Docker: nothing of the stack runs.
        if (!(err instanceof MaildockError && err.code.startsWith('DOCKER_'))) throw err;
      }
    },
  });
  await opts.afterSwap?.();
  if (secrets) {
    const store = await opts.secretStore();
    for (const [key, value] of Object.entries(secrets)) await store.set(key, value);
  }
  log.info({ files: manifest.files.length, createdAt: manifest.createdAt }, 'backup restored');

  // The stack's data goes back into it now, or at its next start when Docker is away.
  let state: RestoreResult['stack'] = 'none';
  let stackProblem: string | null = null;
  const pending = existsSync(join(dataDir, STACK_PENDING));
  if (pending || (stackWasRunning && stackFiles.started())) {
    try {
      await (await stack()).up();
      state = pending ? 'restored' : 'restarted';
    } catch (err) {
      state = pending ? 'pending' : 'stopped';
      stackProblem = toErrorData(err).message;
      log.warn({ error: toErrorData(err) }, 'the stack did not start after the restore');
    }
  }
  return {
    files: manifest.files.length,
    createdAt: manifest.createdAt,
    app: manifest.app,
    secrets: secrets ? Object.keys(secrets).length : null,
    stack: state,
    stackProblem,
  };
}
