// Account setup: the form (defaults from the address, checked with the contract's schema
// field by field), Test connection, and Add account, which tests again, adds the account
// and starts its initial sync. The password goes to the core and nowhere else.
import { useId, useState, type ReactNode } from 'react';
import type { ErrorData } from '../../../common/errors.js';
import type { Account, Security } from '../../../common/types.js';
import { errorDataOf } from '../client/client.js';
import { useClient } from '../client/context.js';
import {
  editField,
  emptyAccountForm,
  validateAccountForm,
  type AccountForm,
  type FieldErrors,
  type FieldPath,
} from './account-form.js';
import { ErrorLine } from './ErrorLine.js';

const SECURITY: { value: Security; label: string }[] = [
  { value: 'tls', label: 'TLS' },
  { value: 'starttls', label: 'STARTTLS' },
  { value: 'none', label: 'None (unencrypted)' },
];

type Outcome =
  | { kind: 'tested'; capabilities: string[] }
  | { kind: 'failed'; error: ErrorData }
  | { kind: 'added'; account: Account; sync: 'running' | 'done' | ErrorData };

function Field(props: {
  label: string;
  error: string | undefined;
  hint?: string;
  children: (id: string, describedBy: string | undefined) => ReactNode;
}) {
  const id = useId();
  const errorId = `${id}-error`;
  return (
    <div className={`form-field${props.error ? ' form-field-invalid' : ''}`}>
      <label htmlFor={id}>{props.label}</label>
      {props.children(id, props.error ? errorId : undefined)}
      {props.error ? (
        <p id={errorId} className="form-error">
          {props.error}
        </p>
      ) : props.hint ? (
        <p className="form-hint">{props.hint}</p>
      ) : null}
    </div>
  );
}

export function AccountSetup(props: {
  /** The account is stored: the sidebar reads the accounts again. */
  onAdded(account: Account): void;
  /** Its initial sync ended: the folders are there now. */
  onSynced(account: Account): void;
  onShowSync(): void;
  onCancel(): void;
}) {
  const client = useClient();
  const [form, setForm] = useState<AccountForm>(emptyAccountForm);
  const [checked, setChecked] = useState(false);
  const [busy, setBusy] = useState<'test' | 'add' | null>(null);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const validated = validateAccountForm(form);
  const errors: FieldErrors = checked && !validated.ok ? validated.errors : {};

  const set = (path: FieldPath, value: string | boolean) => {
    setForm((f) => editField(f, path, value));
    if (outcome?.kind !== 'added') setOutcome(null);
  };
  const text = (path: FieldPath, value: string, label: string, type = 'text', more = {}) => (
    <Field label={label} error={errors[path]}>
      {(id, describedBy) => (
        <input
          id={id}
          type={type}
          // React copies a controlled input's value into its markup: the password stays
          // uncontrolled so it is never written into the page.
          {...(type === 'password' ? { defaultValue: '' } : { value })}
          aria-invalid={errors[path] ? true : undefined}
          aria-describedby={describedBy}
          onChange={(e) => set(path, e.target.value)}
          {...more}
        />
      )}
    </Field>
  );
  const server = (which: 'imap' | 'smtp', title: string) => (
    <>
      {text(`${which}.host`, form[which].host, `${title} host`, 'text', {
        autoComplete: 'off',
        spellCheck: false,
      })}
      <div className="form-row">
        <Field label={`${title} security`} error={errors[`${which}.security`]}>
          {(id) => (
            <select
              id={id}
              value={form[which].security}
              onChange={(e) => set(`${which}.security`, e.target.value)}
            >
              {SECURITY.map((s) => (
                <option key={s.value} value={s.value}>
                  {s.label}
                </option>
              ))}
            </select>
          )}
        </Field>
        {text(`${which}.port`, form[which].port, `${title} port`, 'text', {
          inputMode: 'numeric',
          autoComplete: 'off',
          className: 'form-port',
        })}
      </div>
      {text(`${which}.user`, form[which].user, `${title} user name`, 'text', {
        autoComplete: 'off',
        spellCheck: false,
      })}
    </>
  );

  const test = async () => {
    setChecked(true);
    if (!validated.ok) return;
    setBusy('test');
    setOutcome(null);
    try {
      const r = await client.call('account.test', validated.input);
      setOutcome({ kind: 'tested', capabilities: r.capabilities });
    } catch (err) {
      setOutcome({ kind: 'failed', error: errorDataOf(err) });
    } finally {
      setBusy(null);
    }
  };

  const add = async () => {
    setChecked(true);
    if (!validated.ok) return;
    setBusy('add');
    setOutcome(null);
    let account: Account;
    try {
      account = await client.call('account.add', validated.input);
    } catch (err) {
      setOutcome({ kind: 'failed', error: errorDataOf(err) });
      setBusy(null);
      return;
    }
    // Stored in the core's secret store now: the page keeps no copy.
    setForm((f) => ({ ...f, password: '' }));
    setBusy(null);
    setOutcome({ kind: 'added', account, sync: 'running' });
    props.onAdded(account);
    client
      .call('sync.run', { accountId: account.id })
      .then(() => setOutcome({ kind: 'added', account, sync: 'done' }))
      .catch((err: unknown) => setOutcome({ kind: 'added', account, sync: errorDataOf(err) }))
      .finally(() => props.onSynced(account));
  };

  if (outcome?.kind === 'added') {
    const { account, sync } = outcome;
    return (
      <div className="account-added" role="status">
        <p className="account-added-title">Added {account.email}.</p>
        {sync === 'running' ? (
          <p>
            <span className="spinner" aria-hidden="true" /> The initial sync has started: its
            folders and messages appear as they arrive.
          </p>
        ) : sync === 'done' ? (
          <p>The initial sync has finished.</p>
        ) : (
          <ErrorLine error={sync} />
        )}
        <div className="form-buttons">
          <button type="button" onClick={props.onShowSync}>
            Show sync progress
          </button>
          <button type="button" onClick={props.onCancel}>
            Done
          </button>
        </div>
      </div>
    );
  }

  return (
    <form
      className="account-form"
      aria-label="Add an account"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        void add();
      }}
    >
      <fieldset disabled={busy !== null}>
        <legend>Account</legend>
        {text('email', form.email, 'Email address', 'email', {
          autoComplete: 'email',
          spellCheck: false,
        })}
        {text('name', form.name, 'Your name (shown to recipients)', 'text', {
          autoComplete: 'name',
        })}
        {text('password', form.password, 'Password', 'password', {
          autoComplete: 'current-password',
        })}
      </fieldset>
      <fieldset disabled={busy !== null}>
        <legend>Incoming mail (IMAP)</legend>
        {server('imap', 'IMAP')}
      </fieldset>
      <fieldset disabled={busy !== null}>
        <legend>
          <label className="form-check">
            <input
              type="checkbox"
              checked={form.smtpEnabled}
              onChange={(e) => set('smtpEnabled', e.target.checked)}
            />
            Outgoing mail (SMTP)
          </label>
        </legend>
        {form.smtpEnabled ? (
          server('smtp', 'SMTP')
        ) : (
          <p className="form-hint">Without it this account reads mail but cannot send.</p>
        )}
      </fieldset>
      {outcome?.kind === 'failed' ? <ErrorLine error={outcome.error} /> : null}
      {outcome?.kind === 'tested' ? (
        <div className="account-tested" role="status">
          <p className="account-tested-title">Connection works: the server accepted the login.</p>
          <p className="account-caps">
            Capabilities: <span>{outcome.capabilities.join(' ')}</span>
          </p>
        </div>
      ) : null}
      {checked && !validated.ok ? (
        <p className="form-error" role="alert">
          Some fields need a look (marked above).
        </p>
      ) : null}
      <div className="form-buttons">
        <button type="button" onClick={props.onCancel} disabled={busy !== null}>
          Cancel
        </button>
        <button type="button" onClick={() => void test()} disabled={busy !== null}>
          {busy === 'test' ? 'Testing…' : 'Test connection'}
        </button>
        <button type="submit" className="primary" disabled={busy !== null}>
          {busy === 'add' ? 'Adding…' : 'Add account'}
        </button>
      </div>
    </form>
  );
}
