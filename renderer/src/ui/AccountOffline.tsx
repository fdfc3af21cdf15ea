// Under an account's name in the sidebar, while its server cannot be reached: "Offline",
// and when Maildock tries again; the reason is in the tooltip and in Settings → Sync.
import { useClient } from '../client/context.js';
import { offlineReason, retryWords } from '../settings/sync-words.js';
import { useNow, useSyncStates } from '../settings/use-sync-states.js';
import { useTranslation } from '../i18n/index.js';

export function AccountOffline(props: { accountId: number }) {
  const { t } = useTranslation();
  const client = useClient();
  const { states } = useSyncStates(client, String(props.accountId));
  const now = useNow(5000);
  const offline = states.find((s) => s.accountId === props.accountId)?.offline;
  if (!offline) return null;
  return (
    <p className="account-offline" role="status" title={offlineReason(offline)}>
      {t('sync.accountOffline', { retry: retryWords(offline, now) })}
    </p>
  );
}
