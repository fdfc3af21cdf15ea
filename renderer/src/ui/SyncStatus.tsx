// What sync is doing, in the top bar: syncing (which account, which phase, how far),
// synced how long ago, or how many errors. A click opens the sync panel in settings.
import type { Account } from '../../../common/types.js';
import { useClient } from '../client/context.js';
import { syncStatusWords } from '../settings/sync-words.js';
import { useNow, useSyncStates } from '../settings/use-sync-states.js';
import '../settings/settings.css';

export function SyncStatus(props: { accounts: readonly Account[]; onOpen(): void }) {
  const client = useClient();
  const { states } = useSyncStates(client, props.accounts.map((a) => a.id).join(','));
  const now = useNow();
  const words = syncStatusWords(states, props.accounts, now);
  return (
    <span className="sync-status" role="status">
      {words.kind === 'none' ? null : (
        <button
          type="button"
          className={`sync-button sync-${words.kind}`}
          title="Sync details"
          onClick={props.onOpen}
        >
          {words.kind === 'syncing' ? <span className="spinner" aria-hidden="true" /> : null}
          {words.kind === 'error' ? <span className="sync-error-icon" aria-hidden="true" /> : null}
          <span className="sync-text">{words.text}</span>
        </button>
      )}
    </span>
  );
}
