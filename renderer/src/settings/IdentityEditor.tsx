// One identity's form: a new alias's address, the name recipients see (the account's own
// for its primary address), and its signature: plain text, and a formatted one for HTML mail
// written in the compose editor. Saved with identity.save, which answers with the account.
import { useState } from 'react';
import type { ErrorData } from '../../../common/errors.js';
import type { Account } from '../../../common/types.js';
import { errorDataOf } from '../client/client.js';
import { useClient } from '../client/context.js';
import { Editor } from '../compose/Editor.js';
import { useTranslation } from '../i18n/index.js';
import { Field } from './AccountFields.js';
import { ErrorLine } from './ErrorLine.js';
import {
  validateIdentity,
  withHtmlOn,
  type IdentityErrors,
  type IdentityForm,
} from './identity-form.js';

export function IdentityEditor(props: {
  account: Account;
  initial: IdentityForm;
  onSaved(account: Account, email: string): void;
  onCancel(): void;
}) {
  const { t } = useTranslation();
  const client = useClient();
  const { account } = props;
  const [form, setForm] = useState<IdentityForm>(props.initial);
  const [checked, setChecked] = useState(false);
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<ErrorData | null>(null);
  const validated = validateIdentity(form, account);
  const errors: IdentityErrors = checked && !validated.ok ? validated.errors : {};
  const set = (patch: Partial<IdentityForm>) => {
    setForm((f) => ({ ...f, ...patch }));
    setError(null);
  };

  const save = async () => {
    setChecked(true);
    if (!validated.ok) return;
    setSaving(true);
    setError(null);
    try {
      const saved = await client.call('identity.save', validated.input);
      props.onSaved(saved, validated.input.email);
    } catch (err) {
      setError(errorDataOf(err));
      setSaving(false);
    }
  };

  return (
    <form
      className="identity-form"
      aria-label={
        form.adding
          ? t('settings.identities.addForm')
          : t('settings.identities.editForm', { email: form.email })
      }
      aria-busy={saving || undefined}
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
    >
      <fieldset disabled={saving}>
        {form.adding ? (
          <Field label={t('settings.identities.email')} error={errors.email}>
            {(id, describedBy) => (
              <input
                id={id}
                type="email"
                value={form.email}
                autoFocus
                autoComplete="off"
                spellCheck={false}
                aria-invalid={errors.email ? true : undefined}
                aria-describedby={describedBy}
                onChange={(e) => set({ email: e.target.value })}
              />
            )}
          </Field>
        ) : null}
        {form.primary ? (
          <p className="form-hint">
            {t('settings.identities.primaryName', { name: account.name ?? account.email })}
          </p>
        ) : (
          <Field
            label={t('settings.identities.name')}
            error={errors.name}
            hint={t('settings.identities.nameHint')}
          >
            {(id, describedBy) => (
              <input
                id={id}
                type="text"
                value={form.name}
                autoFocus={!form.adding}
                autoComplete="off"
                aria-invalid={errors.name ? true : undefined}
                aria-describedby={describedBy}
                onChange={(e) => set({ name: e.target.value })}
              />
            )}
          </Field>
        )}
        <Field
          label={t('settings.identities.textSignature')}
          error={errors.text}
          hint={t('settings.identities.textHint')}
        >
          {(id, describedBy) => (
            <textarea
              id={id}
              rows={4}
              value={form.text}
              autoFocus={form.primary}
              spellCheck={false}
              aria-invalid={errors.text ? true : undefined}
              aria-describedby={describedBy}
              onChange={(e) => set({ text: e.target.value })}
            />
          )}
        </Field>
        <label className="form-check">
          <input
            type="checkbox"
            checked={form.htmlOn}
            onChange={(e) => set(withHtmlOn(form, e.target.checked))}
          />
          {t('settings.identities.htmlOn')}
        </label>
        {form.htmlOn ? (
          <div className={`form-field identity-html${errors.html ? ' form-field-invalid' : ''}`}>
            <span className="identity-html-label" aria-hidden="true">
              {t('settings.identities.htmlSignature')}
            </span>
            <Editor
              className="signature-editor"
              label={t('settings.identities.htmlSignature')}
              initialHtml={form.html}
              onChange={(html) => set({ html })}
            />
            {errors.html ? <p className="form-error">{errors.html}</p> : null}
          </div>
        ) : (
          <p className="form-hint">{t('settings.identities.htmlOff')}</p>
        )}
      </fieldset>
      {error ? <ErrorLine error={error} /> : null}
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
          {saving
            ? t('settings.identities.saving')
            : form.adding
              ? t('settings.identities.addSave')
              : t('settings.identities.save')}
        </button>
      </div>
    </form>
  );
}
