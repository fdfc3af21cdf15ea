// One block per account: offline or not (why, which server, when it is tried again), how far
// its sync is (a bar during the initial sync), when it last finished, and the errors of its
// last pass as sentences, with Retry running it again; an OAuth2 account whose sign-in
// ended, with "Sign in again" (Retry would only be refused until then).
import { useState } from 'react';
import type { ErrorData } from '../../../common/errors.js';
import type { Account, AccountSyncState } from '../../../common/types.js';
import { errorDataOf } from '../client/client.js';
import { useClient } from '../client/context.js';
import { ErrorLine } from './ErrorLine.js';
import { needsSignIn } from './oauth2-model.js';
import { SignInAgain } from './SignInAgain.js';
import { lastSyncWords, offlineReason, progressFraction } from './sync-words.js';
import { useNow, useSyncStates } from './use-sync-states.js';
import { useTranslation } from '../i18n/index.js';

function AccountSync(props: {
  account: Account;
  state: AccountSyncState | undefined;
  /** Whether the states were read: an account without one then has never synced. */
  loaded: boolean;
  now: Date;
  onSignedIn?(): void;
}) {
  const { t } = useTranslation();
  const client = useClient();
  const { account, state, now } = props;
  const [retrying, setRetrying] = useState(false);
  const [failure, setFailure] = useState<ErrorData | null>(null);
  const retry = () => {
    setRetrying(true);
    setFailure(null);
    client
      .call('sync.run', { accountId: account.id })
      .catch((err: unknown) => setFailure(errorDataOf(err)))
      .finally(() => setRetrying(false));
  };
  const fraction = state ? progressFraction(state) : null;
  const running = (state?.running ?? false) || retrying;
  const signIn = needsSignIn(account, state);
  return (
    <section className="sync-account" aria-label={t('sync.of', { account: account.email })}>
      <header className="sync-account-head">
        <h3>{account.name ? `${account.name} <${account.email}>` : account.email}</h3>
        <button type="button" disabled={running || signIn} onClick={retry}>
          {running ? t('sync.running') : state?.errors.length ? t('sync.retry') : t('sync.now')}
        </button>
      </header>
      <p className="sync-account-line">
        {state ? lastSyncWords(state, now) : props.loaded ? t('sync.never') : t('sync.unknown')}
        {state?.running && state.progress?.mailbox ? ` (${state.progress.mailbox})` : ''}
      </p>
      {state?.offline ? (
        <p className="sync-offline" role="status">
          {offlineReason(state.offline)}
        </p>
      ) : null}
      {state?.running ? (
        <progress
          className="sync-progress"
          aria-label={t('sync.progressOf', { account: account.email })}
          {...(fraction === null ? {} : { value: fraction, max: 1 })}
        />
      ) : null}
      {signIn ? <SignInAgain account={account} onSignedIn={props.onSignedIn} /> : null}
      {failure ? <ErrorLine error={failure} /> : null}
      {state && state.errors.length > 0 ? (
        <ul className="sync-errors">
          {state.errors.map((e, i) => (
            <li key={i}>
              {e.mailbox ? <span className="sync-error-mailbox">{e.mailbox}: </span> : null}
              <ErrorLine error={e} />
            </li>
          ))}
        </ul>
      ) : null}
    </section>
  );
}

export function SyncPanel(props: {
  accounts: readonly Account[];
  /** An account signed in again: the accounts are read again. */
  onAccountsChanged?(): void;
}) {
  const { t } = useTranslation();
  const client = useClient();
  const { states, error, loaded } = useSyncStates(
    client,
    props.accounts.map((a) => a.id).join(','),
  );
  const now = useNow(5000);
  if (props.accounts.length === 0) {
    return <p className="settings-empty">{t('sync.noAccounts')}</p>;
  }
  return (
    <div className="sync-panel">
      {error ? <ErrorLine error={error} /> : null}
      {props.accounts.map((a) => (
        <AccountSync
          key={a.id}
          account={a}
          state={states.find((s) => s.accountId === a.id)}
          loaded={loaded}
          now={now}
          {...(props.onAccountsChanged ? { onSignedIn: props.onAccountsChanged } : {})}
        />
      ))}
    </div>
  );
}
