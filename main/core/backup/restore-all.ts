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
import { getLogger } from '../platform/log.js';
import { accountSecretKey, oauth2SecretKey, type SecretStore } from '../secrets/secret-store.js';
import type { StackController } from '../stack/controller.js';
import { STACK_PENDING } from '../stack/data.js';
import { accountLoginsAt, accountLoginsIn } from '../store/index.js';
import { StackFiles } from '../stack/stack-files.js';
import type { StackOptions } from '../stack/docker.js';
import { restoreBackup, stagedStore } from './restore.js';
import { RELAY_SECRET } from './sealed.js';

const log = getLogger('backup');

/**
 * The accounts whose password the secret store must not keep: removed by the restore, or
 * made someone else's under the same id (their password would go to the restored account's
 * server), unless the backup brings theirs. The same account keeps the password it has.
 */
function stalePasswords(
  before: Map<number, string>,
  after: Map<number, string>,
  secrets: Record<string, string> | null,
): number[] {
  return [...new Set([...before.keys(), ...after.keys()])].filter(
    (id) =>
      secrets?.[accountSecretKey(id)] === undefined &&
      secrets?.[oauth2SecretKey(id)] === undefined &&
      !(after.has(id) && after.get(id) === before.get(id)),
  );
}

export interface RestoreAllOptions {
  /** The Postgres store's URL, when the store is not SQLite's in the data folder. */
  database?: string | undefined;
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
  let accountsBefore = new Map<number, string>();
  let accountsAfter = new Map<number, string>();
  let secretStore: SecretStore | null = null;
  const { database } = opts;
  const { manifest, secrets } = await restoreBackup({
    dataDir,
    file,
    ...(database ? { database } : {}),
    ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
    ...(opts.passphrase !== undefined ? { passphrase: opts.passphrase } : {}),
    checkDump: async (dump) => (await stack()).listDump(dump),
    ...(opts.release ? { release: opts.release } : {}),
    // The stack's services read the data folder's files: nothing runs while they change.
    // (Only once the store is known to be free: a refused restore leaves the stack alone.)
    beforeSwap: async () => {
      // The secret store, if the passwords are to change. When the backup's passwords are to
      // go in, one that cannot open refuses the restore now, with nothing changed; when only
      // stale ones are to go, it does not (there is then nothing here that could read them).
      // A Postgres store's accounts after the restore are known only once it is in: its
      // stale passwords, if any, need the secret store then.
      accountsBefore = database
        ? await accountLoginsAt(database)
        : accountLoginsIn(join(dataDir, 'maildock.db'));
      accountsAfter = database ? new Map() : accountLoginsIn(stagedStore(dataDir));
      if (opts.passphrase !== undefined) secretStore = await opts.secretStore();
      else if (stalePasswords(accountsBefore, accountsAfter, null).length > 0) {
        secretStore = await opts.secretStore().catch((err: unknown) => {
          log.warn({ error: toErrorData(err) }, 'no secret store: stale passwords not removed');
          return null;
        });
      }
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
  if (database) {
    // Unread, every account is taken as the same as before: no password is removed.
    accountsAfter = await accountLoginsAt(database).catch((err: unknown) => {
      log.warn({ error: toErrorData(err) }, 'restored accounts not read: no password removed');
      return accountsBefore;
    });
  }
  // Before anything starts on the restored data: sync reads the passwords as it starts.
  const stale = stalePasswords(accountsBefore, accountsAfter, secrets);
  try {
    const store = secretStore as SecretStore | null;
    if (store) {
      // An OAuth2 account's refresh token is its password: it goes the same way.
      for (const id of stale) {
        await store.delete(accountSecretKey(id));
        await store.delete(oauth2SecretKey(id));
      }
      for (const [key, value] of Object.entries(secrets ?? {}))
        if (key !== RELAY_SECRET) await store.set(key, value);
    }
    // The relay's password goes back where Postfix reads it.
    const relay = secrets?.[RELAY_SECRET];
    if (relay !== undefined) stackFiles.setRelayPasswordFile(relay);
  } finally {
    await opts.afterSwap?.();
  }
  const withoutPassword = stale.filter((id) => accountsAfter.has(id)).length;
  // A relay that logs in, whose password the backup did not hold (it goes only sealed).
  let relayWithoutPassword = false;
  try {
    relayWithoutPassword =
      stackFiles.settings().relay?.user !== undefined && stackFiles.relayPasswordFile() === null;
  } catch {
    // Settings that do not parse: the stack says so when it starts.
  }
  log.info(
    { files: manifest.files.length, createdAt: manifest.createdAt, withoutPassword },
    'backup restored',
  );

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
    withoutPassword,
    relayWithoutPassword,
  };
}
