// The accounts, each with its servers and a Remove that asks first: removing deletes the
// account's local copy of its mail and its stored password (the server keeps the mail).
import { useState } from 'react';
import type { ErrorData } from '../../../common/errors.js';
import type { Account } from '../../../common/types.js';
import { errorDataOf } from '../client/client.js';
import { useClient } from '../client/context.js';
import { ErrorLine } from './ErrorLine.js';

const where = (s: { host: string; port: number; security: string }) =>
  `${s.host}:${s.port} (${s.security === 'none' ? 'unencrypted' : s.security.toUpperCase()})`;

function AccountItem(props: { account: Account; onRemoved(): void }) {
  const client = useClient();
  const { account } = props;
  const [confirming, setConfirming] = useState(false);
  const [removing, setRemoving] = useState(false);
  const [error, setError] = useState<ErrorData | null>(null);
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
          IMAP {where(account.imap)}
          {account.smtp ? ` · SMTP ${where(account.smtp)}` : ' · no outgoing server'}
        </p>
        {error ? <ErrorLine error={error} /> : null}
      </div>
      {confirming ? (
        <div className="account-confirm" role="group" aria-label={`Remove ${account.email}?`}>
          <p>Remove {account.email} and its mail from this computer? The server keeps it.</p>
          <button type="button" className="danger" disabled={removing} onClick={remove}>
            {removing ? 'Removing…' : 'Remove'}
          </button>
          <button type="button" disabled={removing} onClick={() => setConfirming(false)}>
            Keep
          </button>
        </div>
      ) : (
        <button
          type="button"
          aria-label={`Remove ${account.email}`}
          onClick={() => setConfirming(true)}
        >
          Remove
        </button>
      )}
    </li>
  );
}

export function AccountsList(props: {
  accounts: readonly Account[];
  onAdd(): void;
  onChanged(): void;
}) {
  return (
    <div className="accounts-settings">
      {props.accounts.length === 0 ? (
        <p className="settings-empty">No accounts yet.</p>
      ) : (
        <ul className="account-items">
          {props.accounts.map((a) => (
            <AccountItem key={a.id} account={a} onRemoved={props.onChanged} />
          ))}
        </ul>
      )}
      <button type="button" className="primary" onClick={props.onAdd}>
        Add account
      </button>
    </div>
  );
}
