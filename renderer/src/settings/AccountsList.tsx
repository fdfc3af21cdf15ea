// The accounts, each with its servers and the other addresses it sends from, an Edit that
// opens the form, and a Remove that asks first: removing deletes the account's local copy of
// its mail and its stored password (the server keeps the mail). An OAuth2 account whose
// sign-in ended says so, with "Sign in again".
import { useState } from 'react';
import type { ErrorData } from '../../../common/errors.js';
import type { Account, AccountSyncState } from '../../../common/types.js';
import { errorDataOf } from '../client/client.js';
import { useClient } from '../client/context.js';
import { i18n, useTranslation } from '../i18n/index.js';
import { ErrorLine } from './ErrorLine.js';
import { needsSignIn, providerName } from './oauth2-model.js';
import { SignInAgain } from './SignInAgain.js';
import { useSyncStates } from './use-sync-states.js';

const where = (s: { host: string; port: number; security: string }) =>
  i18n.t('settings.accounts.server', {
    host: s.host,
    port: s.port,
    security:
      s.security === 'none' ? i18n.t('settings.accounts.unencrypted') : s.security.toUpperCase(),
  });

function AccountItem(props: {
  account: Account;
  syncState: AccountSyncState | undefined;
  onRemoved(): void;
  onSignedIn(): void;
  onEdit(): void;
  /** Back from its edit form: the focus returns to its Edit button. */
  focusEdit: boolean;
}) {
  const { t } = useTranslation();
  const client = useClient();
  const { account } = props;
  const [confirming, setConfirming] = useState(false);
  const [removing, setRemoving] = useState(false);
  const [error, setError] = useState<ErrorData | null>(null);
  const aliases = account.identities.filter((i) => !i.primary).map((i) => i.email);
  const remove = () => {
    setRemoving(true);
    setError(null);
    client
      .call('account.remove', { id: account.id })
      .then(() => props.onRemoved())
      .catch((err: unknown) => {
        setError(errorDataOf(err));
        setRemoving(false);
        setConfirming(false);
      });
  };
  return (
    <li className="account-item">
      <div className="account-item-main">
        <p className="account-item-name">
          {account.name ? `${account.name} <${account.email}>` : account.email}
        </p>
        <p className="account-item-servers">
          {account.smtp
            ? t('settings.accounts.servers', {
                imap: where(account.imap),
                smtp: where(account.smtp),
              })
            : t('settings.accounts.serversNoSmtp', { imap: where(account.imap) })}
        </p>
        {aliases.length ? (
          <p className="account-item-servers">
            {t('settings.accounts.alsoFrom', { list: aliases.join(', ') })}
          </p>
        ) : null}
        {account.oauth2 ? (
          <p className="account-item-servers">
            {t('settings.oauth2.signsInWith', { provider: providerName(account.oauth2.provider) })}
          </p>
        ) : null}
        {needsSignIn(account, props.syncState) ? (
          <SignInAgain account={account} onSignedIn={props.onSignedIn} />
        ) : null}
        {error ? <ErrorLine error={error} /> : null}
      </div>
      {confirming ? (
        <div
          className="account-confirm"
          role="group"
          aria-label={t('settings.accounts.removeQuestion', { email: account.email })}
        >
          <p>{t('settings.accounts.removeText', { email: account.email })}</p>
          <button type="button" className="danger" disabled={removing} onClick={remove}>
            {removing ? t('settings.accounts.removing') : t('settings.accounts.remove')}
          </button>
          <button type="button" disabled={removing} onClick={() => setConfirming(false)}>
            {t('settings.accounts.keep')}
          </button>
        </div>
      ) : (
        <div className="account-item-buttons">
          <button
            type="button"
            aria-label={t('settings.accounts.editAccount', { email: account.email })}
            autoFocus={props.focusEdit}
            onClick={props.onEdit}
          >
            {t('settings.accounts.edit')}
          </button>
          <button
            type="button"
            aria-label={t('settings.accounts.removeAccount', { email: account.email })}
            onClick={() => setConfirming(true)}
          >
            {t('settings.accounts.remove')}
          </button>
        </div>
      )}
    </li>
  );
}

export function AccountsList(props: {
  accounts: readonly Account[];
  onAdd(): void;
  onEdit(account: Account): void;
  onChanged(): void;
  /** The account whose edit form just closed. */
  edited?: number | null;
}) {
  const { t } = useTranslation();
  const client = useClient();
  const { states } = useSyncStates(client, props.accounts.map((a) => a.id).join(','));
  return (
    <div className="accounts-settings">
      {props.accounts.length === 0 ? (
        <p className="settings-empty">{t('settings.accounts.none')}</p>
      ) : (
        <ul className="account-items">
          {props.accounts.map((a) => (
            <AccountItem
              key={a.id}
              account={a}
              syncState={states.find((s) => s.accountId === a.id)}
              onRemoved={props.onChanged}
              onSignedIn={props.onChanged}
              onEdit={() => props.onEdit(a)}
              focusEdit={props.edited === a.id}
            />
          ))}
        </ul>
      )}
      <button type="button" className="primary" onClick={props.onAdd}>
        {t('settings.accounts.add')}
      </button>
    </div>
  );
}
