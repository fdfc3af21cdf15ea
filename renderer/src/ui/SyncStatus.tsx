// What sync is doing, in the top bar: offline (until when), syncing (which account, which
// phase, how far), synced how long ago, an account to sign in again, or how many errors. A click opens the sync panel.
// When the state cannot be read, it says so rather than keep an old "Synced" standing.
import type { Account } from '../../../common/types.js';
import { useClient } from '../client/context.js';
import { offlineReason, syncStatusWords } from '../settings/sync-words.js';
import { useNow, useSyncStates } from '../settings/use-sync-states.js';
import { useTranslation } from '../i18n/index.js';
import '../settings/settings.css';

export function SyncStatus(props: { accounts: readonly Account[]; onOpen(): void }) {
  const { t } = useTranslation();
  const client = useClient();
  const { states, error } = useSyncStates(client, props.accounts.map((a) => a.id).join(','));
  const now = useNow(5000);
  const words = error
    ? { kind: 'error' as const, text: t('sync.unknown') }
    : syncStatusWords(states, props.accounts, now);
  const offline = states.find((s) => s.offline)?.offline;
  return (
    <span className="sync-status" role="status">
      {words.kind === 'none' ? null : (
        <button
          type="button"
          className={`sync-button sync-${words.kind}`}
          title={offline ? offlineReason(offline) : t('sync.details')}
          onClick={props.onOpen}
        >
          {words.kind === 'syncing' ? <span className="spinner" aria-hidden="true" /> : null}
          {words.kind === 'offline' ? (
            <span className="sync-offline-icon" aria-hidden="true" />
          ) : null}
          {words.kind === 'error' || words.kind === 'signin' ? (
            <span className="sync-error-icon" aria-hidden="true" />
          ) : null}
          <span className="sync-text">{words.text}</span>
        </button>
      )}
    </span>
  );
}
