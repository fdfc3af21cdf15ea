// The account form's fields, shared by adding an account and editing one: a labelled field
// with its error or hint, and an incoming or outgoing server's host, security, port and user.
import { useId, type ReactNode } from 'react';
import type { Security } from '../../../common/types.js';
import { useTranslation } from '../i18n/index.js';
import type { AccountForm, FieldErrors, FieldPath } from './account-form.js';

// TLS and STARTTLS are names, the same in every language.
const SECURITY: { value: Security; label: string | null }[] = [
  { value: 'tls', label: 'TLS' },
  { value: 'starttls', label: 'STARTTLS' },
  { value: 'none', label: null },
];

export function Field(props: {
  label: string;
  error: string | undefined;
  hint?: string | undefined;
  children: (id: string, describedBy: string | undefined) => ReactNode;
}) {
  const id = useId();
  const errorId = `${id}-error`;
  const hintId = `${id}-hint`;
  return (
    <div className={`form-field${props.error ? ' form-field-invalid' : ''}`}>
      <label htmlFor={id}>{props.label}</label>
      {props.children(id, props.error ? errorId : props.hint ? hintId : undefined)}
      {props.error ? (
        <p id={errorId} className="form-error">
          {props.error}
        </p>
      ) : props.hint ? (
        <p id={hintId} className="form-hint">
          {props.hint}
        </p>
      ) : null}
    </div>
  );
}

/** Renders the form's fields from its state; `set` is the one way a field changes. */
export function useAccountFields(
  form: AccountForm,
  errors: FieldErrors,
  set: (path: FieldPath, value: string | boolean) => void,
) {
  const { t } = useTranslation();
  const text = (
    path: FieldPath,
    value: string,
    label: string,
    type = 'text',
    more: Record<string, unknown> = {},
    hint?: string,
  ) => (
    <Field label={label} error={errors[path]} hint={hint}>
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
      {text(
        `${which}.host`,
        form[which].host,
        t('settings.setup.host', { server: title }),
        'text',
        { autoComplete: 'off', spellCheck: false },
      )}
      <div className="form-row">
        <Field
          label={t('settings.setup.security', { server: title })}
          error={errors[`${which}.security`]}
        >
          {(id) => (
            <select
              id={id}
              value={form[which].security}
              onChange={(e) => set(`${which}.security`, e.target.value)}
            >
              {SECURITY.map((s) => (
                <option key={s.value} value={s.value}>
                  {s.label ?? t('settings.setup.none')}
                </option>
              ))}
            </select>
          )}
        </Field>
        {text(
          `${which}.port`,
          form[which].port,
          t('settings.setup.port', { server: title }),
          'text',
          { inputMode: 'numeric', autoComplete: 'off', className: 'form-port' },
        )}
      </div>
      {text(
        `${which}.user`,
        form[which].user,
        t('settings.setup.user', { server: title }),
        'text',
        { autoComplete: 'off', spellCheck: false },
      )}
    </>
  );
  return { text, server };
}
