// The sign-in screen of the server of many people: an email address and a password, the
// server's answer when it refuses, and the focus where typing should go next (the first
// empty field; the password again after a refusal).
import { useEffect, useId, useRef, useState, type ComponentProps, type FormEvent } from 'react';
import type { PasswordSession } from '../client/session.js';
import { signInErrorText } from './signin-words.js';
import { useTranslation } from '../i18n/index.js';
import '../settings/settings.css';
import './signin.css';

type FieldName = 'email' | 'password';

export function SignIn(props: {
  session: PasswordSession;
  /** The session ran out under the person (not a sign-out of their own). */
  ended: boolean;
  /** The address of the one who was signed in, to sign in again quickly. */
  email: string | null;
  /** Signed out by their own hand: said once, above the form. */
  signedOut: boolean;
}) {
  const { t } = useTranslation();
  const id = useId();
  const [email, setEmail] = useState(props.email ?? '');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [missing, setMissing] = useState<Partial<Record<FieldName, string>>>({});
  const emailRef = useRef<HTMLInputElement>(null);
  // Uncontrolled: React would copy a controlled value into the page's markup.
  const passwordRef = useRef<HTMLInputElement>(null);

  useEffect(() => {
    (props.email ? passwordRef : emailRef).current?.focus();
    // Where the focus starts is decided once, when the screen appears.
  }, []);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (busy) return;
    const address = email.trim();
    const password = passwordRef.current?.value ?? '';
    const empty: Partial<Record<FieldName, string>> = {};
    if (!address) empty.email = t('signin.missingEmail');
    if (!password) empty.password = t('signin.missingPassword');
    setMissing(empty);
    setError(null);
    if (empty.email || empty.password) {
      (empty.email ? emailRef : passwordRef).current?.focus();
      return;
    }
    setBusy(true);
    void props.session.signIn(address, password).then((refused) => {
      // Signed in: this screen is gone.
      if (!refused) return;
      setBusy(false);
      setError(signInErrorText(refused));
      const field = passwordRef.current;
      if (field) {
        field.value = '';
        field.focus();
      }
    });
  };

  const notice = props.ended ? t('signin.ended') : props.signedOut ? t('signin.signedOut') : null;
  const field = (name: FieldName, label: string, input: ComponentProps<'input'>) => {
    const fieldId = `${id}-${name}`;
    const problem = missing[name];
    return (
      <div className={`form-field${problem ? ' form-field-invalid' : ''}`}>
        <label htmlFor={fieldId}>{label}</label>
        <input
          id={fieldId}
          name={name}
          required
          aria-invalid={problem ? true : undefined}
          aria-describedby={problem ? `${fieldId}-problem` : undefined}
          {...input}
        />
        {problem ? (
          <p id={`${fieldId}-problem`} className="form-error">
            {problem}
          </p>
        ) : null}
      </div>
    );
  };

  return (
    <main className="signin">
      <form
        className="signin-card"
        aria-labelledby={`${id}-title`}
        aria-busy={busy}
        noValidate
        onSubmit={submit}
      >
        <p className="signin-brand" aria-hidden="true">
          {t('app.name')}
        </p>
        <h1 id={`${id}-title`}>{t('signin.title')}</h1>
        {notice ? (
          <p className="signin-notice" role="status">
            {notice}
          </p>
        ) : null}
        {field('email', t('signin.email'), {
          ref: emailRef,
          type: 'email',
          autoComplete: 'username',
          spellCheck: false,
          value: email,
          onChange: (e) => setEmail(e.target.value),
        })}
        {field('password', t('signin.password'), {
          ref: passwordRef,
          type: 'password',
          autoComplete: 'current-password',
          defaultValue: '',
        })}
        {error ? (
          <p className="signin-error" role="alert">
            {error}
          </p>
        ) : null}
        <button type="submit" className="primary signin-submit" aria-disabled={busy || undefined}>
          {busy ? (
            <>
              <span className="spinner" aria-hidden="true" /> {t('signin.submitting')}
            </>
          ) : (
            t('signin.submit')
          )}
        </button>
      </form>
    </main>
  );
}
