// Editing an account: the setup form's fields, prefilled with its settings (the address
// stays; an empty password means "unchanged"), an outgoing server added or removed, and
// "Test and save", which the core answers only after the servers took the new settings.
// Under it, the account's identities, each saved on its own.
import { useState } from 'react';
import type { ErrorData } from '../../../common/errors.js';
import type { Account } from '../../../common/types.js';
import { errorDataOf } from '../client/client.js';
import { useClient } from '../client/context.js';
import { useTranslation } from '../i18n/index.js';
import {
  accountFormOf,
  editField,
  validateAccountEdit,
  type AccountForm,
  type FieldErrors,
  type FieldPath,
} from './account-form.js';
import { useAccountFields } from './AccountFields.js';
import { ErrorLine } from './ErrorLine.js';
import { IdentitiesSection } from './IdentitiesSection.js';

export function AccountEdit(props: {
  account: Account;
  /** Saved: the form closes and the accounts are read again. */
  onSaved(account: Account): void;
  onCancel(): void;
  /** An identity was saved or removed: the accounts are read again, the form stays. */
  onIdentitiesChanged?(account: Account): void;
}) {
  const { t } = useTranslation();
  const client = useClient();
  const { account } = props;
  const [form, setForm] = useState<AccountForm>(() => accountFormOf(account));
  const [checked, setChecked] = useState(false);
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<ErrorData | null>(null);
  const validated = validateAccountEdit(form, account);
  const errors: FieldErrors = checked && !validated.ok ? validated.errors : {};
  const set = (path: FieldPath, value: string | boolean) => {
    setForm((f) => editField(f, path, value));
    setError(null);
  };
  const { text, server } = useAccountFields(form, errors, set);

  const save = async () => {
    setChecked(true);
    if (!validated.ok) return;
    if (!validated.changed) {
      props.onCancel();
      return;
    }
    setSaving(true);
    setError(null);
    try {
      const saved = await client.call('account.update', validated.input);
      props.onSaved(saved);
    } catch (err) {
      setError(errorDataOf(err));
      setSaving(false);
    }
  };

  return (
    <>
      <form
        className="account-form account-edit"
        aria-label={t('settings.edit.form', { email: account.email })}
        aria-busy={saving || undefined}
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          void save();
        }}
      >
        <fieldset disabled={saving}>
          <legend>{t('settings.setup.account')}</legend>
          {text('email', account.email, t('settings.setup.email'), 'email', { readOnly: true })}
          {text('name', form.name, t('settings.setup.name'), 'text', {
            autoComplete: 'name',
            // The list it replaces had the focus: it goes to the first field one can change.
            autoFocus: true,
          })}
          {text(
            'password',
            form.password,
            t('settings.setup.password'),
            'password',
            { autoComplete: 'new-password' },
            // An account signing in with OAuth2 has no password to keep: one given replaces
            // the sign-in (account.update).
            account.auth === 'oauth2'
              ? t('settings.edit.passwordHintOAuth2')
              : t('settings.edit.passwordHint'),
          )}
        </fieldset>
        <fieldset disabled={saving}>
          <legend>{t('settings.setup.incoming')}</legend>
          {server('imap', 'IMAP')}
        </fieldset>
        <fieldset disabled={saving}>
          <legend>{t('settings.setup.outgoing')}</legend>
          {form.smtpEnabled ? (
            <>
              {server('smtp', 'SMTP')}
              <button type="button" onClick={() => set('smtpEnabled', false)}>
                {t('settings.edit.removeOutgoing')}
              </button>
            </>
          ) : (
            <>
              <p className="form-hint">
                {account.smtp ? t('settings.edit.outgoingRemoved') : t('settings.setup.noOutgoing')}
              </p>
              <button type="button" onClick={() => set('smtpEnabled', true)}>
                {t('settings.edit.addOutgoing')}
              </button>
            </>
          )}
        </fieldset>
        {error ? <ErrorLine error={error} /> : null}
        {saving ? (
          <p className="account-saving" role="status">
            <span className="spinner" aria-hidden="true" /> {t('settings.edit.testing')}
          </p>
        ) : null}
        {checked && !validated.ok ? (
          <p className="form-error" role="alert">
            {t('settings.setup.checkFields')}
          </p>
        ) : null}
        <div className="form-buttons">
          <button type="button" onClick={props.onCancel} disabled={saving}>
            {t('settings.setup.cancel')}
          </button>
          <button type="submit" className="primary" disabled={saving}>
            {saving ? t('settings.edit.saving') : t('settings.edit.save')}
          </button>
        </div>
      </form>
      <IdentitiesSection account={account} onChanged={(a) => props.onIdentitiesChanged?.(a)} />
    </>
  );
}
