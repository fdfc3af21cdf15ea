// Account setup: the form (defaults from the address, checked with the contract's schema
// field by field), Find settings (account.discover: the servers filled in, with where they
// came from), Test connection, and Add account, which tests again, adds the account and
// starts its initial sync. The password goes to the core and nowhere else. Where the servers
// take OAuth2, "Sign in with …" signs in at the provider instead (found by discovery, or
// chosen by hand) and adds the account with that sign-in, without a password.
import { useCallback, useId, useRef, useState } from 'react';
import type { ErrorData } from '../../../common/errors.js';
import type { Account, Discovery } from '../../../common/types.js';
import { errorDataOf } from '../client/client.js';
import { useClient } from '../client/context.js';
import {
  editField,
  domainOf,
  emptyAccountForm,
  validateAccountForm,
  withDiscovery,
  type AccountForm,
  type AccountSecret,
  type FieldErrors,
  type FieldPath,
} from './account-form.js';
import { useAccountFields } from './AccountFields.js';
import { ErrorLine } from './ErrorLine.js';
import { OAuth2SignIn } from './OAuth2SignIn.js';
import {
  providerName,
  providerOfChoice,
  providerOfDiscovery,
  type ProviderChoice,
} from './oauth2-model.js';
import { Trans, useTranslation } from '../i18n/index.js';

type Found =
  | { kind: 'finding'; domain: string }
  | { kind: 'found'; discovery: Discovery; email: string }
  | { kind: 'none'; error: ErrorData };

/** Stands for the sign-in while the form is checked before it starts. */
const SIGNIN_PENDING: AccountSecret = { oauth2: { flowId: 'pending' } };
const PROVIDER_CHOICES: ProviderChoice[] = ['google', 'microsoft', 'other'];

type Outcome =
  | { kind: 'tested'; capabilities: string[] }
  | { kind: 'failed'; error: ErrorData }
  | { kind: 'added'; account: Account; sync: 'running' | 'done' | ErrorData };

export function AccountSetup(props: {
  /** The account is stored: the sidebar reads the accounts again. */
  onAdded(account: Account): void;
  /** Its initial sync ended: the folders are there now. */
  onSynced(account: Account): void;
  onShowSync(): void;
  onCancel(): void;
}) {
  const { t } = useTranslation();
  const client = useClient();
  const [form, setForm] = useState<AccountForm>(emptyAccountForm);
  const [checked, setChecked] = useState(false);
  const [busy, setBusy] = useState<'test' | 'add' | null>(null);
  const [signingIn, setSigningIn] = useState(false);
  // The way the user last chose to sign in: the password is not asked for with OAuth2.
  const [via, setVia] = useState<'password' | 'oauth2'>('password');
  const [byHand, setByHand] = useState<{ on: boolean; choice: ProviderChoice; issuer: string }>({
    on: false,
    choice: 'google',
    issuer: '',
  });
  const ids = useId();
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const validated = validateAccountForm(form, via === 'oauth2' ? SIGNIN_PENDING : undefined);
  const held = busy !== null || signingIn;
  const errors: FieldErrors = checked && !validated.ok ? validated.errors : {};

  const [found, setFound] = useState<Found | null>(null);
  const asked = useRef(0);
  const set = (path: FieldPath, value: string | boolean) => {
    setForm((f) => editField(f, path, value));
    if (outcome?.kind !== 'added') setOutcome(null);
    // Another address: what was found (or is being looked for) was for the last one.
    if (path === 'email' && found) {
      asked.current++;
      setFound(null);
    }
  };
  const { text, server } = useAccountFields(form, errors, set);

  // The servers of the address typed, found as Thunderbird finds them; a newer ask wins.
  const find = async () => {
    const email = form.email.trim();
    const domain = domainOf(email);
    if (!domain) {
      setChecked(true);
      return;
    }
    const ask = ++asked.current;
    setFound({ kind: 'finding', domain });
    try {
      const discovery = await client.call('account.discover', { email });
      if (ask !== asked.current) return;
      setForm((f) => withDiscovery(f, email, discovery));
      setFound({ kind: 'found', discovery, email });
    } catch (err) {
      if (ask === asked.current) setFound({ kind: 'none', error: errorDataOf(err) });
    }
  };
  const oauth2Only =
    found?.kind === 'found' &&
    [found.discovery.imap, found.discovery.smtp].some((s) => s && !s.auth.includes('password'));

  // The provider discovery named for the address typed, else the one chosen by hand.
  const foundProvider =
    found?.kind === 'found' && found.email.trim().toLowerCase() === form.email.trim().toLowerCase()
      ? providerOfDiscovery(found.discovery)
      : null;
  const provider =
    foundProvider ?? (byHand.on ? providerOfChoice(byHand.choice, byHand.issuer) : null);
  const onBusy = useCallback((b: boolean) => setSigningIn(b), []);

  const test = async () => {
    setVia('password');
    setChecked(true);
    const input = validateAccountForm(form);
    if (!input.ok) return;
    setBusy('test');
    setOutcome(null);
    try {
      const r = await client.call('account.test', input.input);
      setOutcome({ kind: 'tested', capabilities: r.capabilities });
    } catch (err) {
      setOutcome({ kind: 'failed', error: errorDataOf(err) });
    } finally {
      setBusy(null);
    }
  };

  const add = async () => {
    setVia('password');
    setChecked(true);
    const input = validateAccountForm(form);
    if (!input.ok) return;
    setBusy('add');
    setOutcome(null);
    let account: Account;
    try {
      account = await client.call('account.add', input.input);
    } catch (err) {
      setOutcome({ kind: 'failed', error: errorDataOf(err) });
      setBusy(null);
      return;
    }
    // Stored in the core's secret store now: the page keeps no copy.
    setForm((f) => ({ ...f, password: '' }));
    setBusy(null);
    added(account);
  };

  // The form is checked as it will be added, before the user goes to the provider.
  const readyForSignIn = () => {
    setVia('oauth2');
    setChecked(true);
    setOutcome(null);
    return validateAccountForm(form, SIGNIN_PENDING).ok;
  };

  // A refusal (the server does not take the token, say) is thrown for the sign-in to show.
  const addSignedIn = async (flowId: string) => {
    const input = validateAccountForm(form, { oauth2: { flowId } });
    if (!input.ok) return;
    added(await client.call('account.add', input.input));
  };

  const added = (account: Account) => {
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
        <p className="account-added-title">{t('settings.setup.added', { email: account.email })}</p>
        {sync === 'running' ? (
          <p>
            <span className="spinner" aria-hidden="true" /> {t('settings.setup.syncStarted')}
          </p>
        ) : sync === 'done' ? (
          <p>{t('settings.setup.syncDone')}</p>
        ) : (
          <ErrorLine error={sync} />
        )}
        <div className="form-buttons">
          <button type="button" onClick={props.onShowSync}>
            {t('settings.setup.showSync')}
          </button>
          <button type="button" onClick={props.onCancel}>
            {t('settings.setup.done')}
          </button>
        </div>
      </div>
    );
  }

  return (
    <form
      className="account-form"
      aria-label={t('settings.setup.form')}
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        void add();
      }}
    >
      <fieldset disabled={held}>
        <legend>{t('settings.setup.account')}</legend>
        {text('email', form.email, t('settings.setup.email'), 'email', {
          autoComplete: 'email',
          spellCheck: false,
        })}
        <div className="discovery">
          <button type="button" onClick={() => void find()} disabled={found?.kind === 'finding'}>
            {t('settings.setup.find')}
          </button>
          <p className="form-hint" role="status">
            {found?.kind === 'finding'
              ? t('settings.setup.finding', { domain: found.domain })
              : found?.kind === 'found'
                ? t('settings.setup.found', { origin: found.discovery.origin })
                : found?.kind === 'none'
                  ? t('settings.setup.notFound')
                  : t('settings.setup.findHint')}
          </p>
          {oauth2Only ? <p className="form-hint">{t('settings.setup.oauth2')}</p> : null}
        </div>
        {text('name', form.name, t('settings.setup.name'), 'text', {
          autoComplete: 'name',
        })}
        {text('password', form.password, t('settings.setup.password'), 'password', {
          autoComplete: 'current-password',
        })}
      </fieldset>
      <section className="oauth2-choice" aria-labelledby={`${ids}-oauth2`}>
        <h3 id={`${ids}-oauth2`} className="oauth2-title">
          {t('settings.oauth2.title')}
        </h3>
        {foundProvider ? (
          <p className="form-hint">
            {t('settings.oauth2.offered', { provider: providerName(foundProvider) })}
          </p>
        ) : (
          <>
            <label className="form-check">
              <input
                type="checkbox"
                checked={byHand.on}
                disabled={signingIn}
                onChange={(e) => setByHand((b) => ({ ...b, on: e.target.checked }))}
              />
              {t('settings.oauth2.byHand')}
            </label>
            {byHand.on ? (
              <div className="oauth2-provider-row">
                <div className="form-field">
                  <label htmlFor={`${ids}-provider`}>{t('settings.oauth2.provider')}</label>
                  <select
                    id={`${ids}-provider`}
                    value={byHand.choice}
                    disabled={signingIn}
                    onChange={(e) =>
                      setByHand((b) => ({ ...b, choice: e.target.value as ProviderChoice }))
                    }
                  >
                    {PROVIDER_CHOICES.map((c) => (
                      <option key={c} value={c}>
                        {t(`settings.oauth2.${c}`)}
                      </option>
                    ))}
                  </select>
                </div>
                {byHand.choice === 'other' ? (
                  <div className="form-field">
                    <label htmlFor={`${ids}-issuer`}>{t('settings.oauth2.issuer')}</label>
                    <input
                      id={`${ids}-issuer`}
                      type="url"
                      value={byHand.issuer}
                      disabled={signingIn}
                      autoComplete="off"
                      spellCheck={false}
                      aria-describedby={`${ids}-issuer-hint`}
                      onChange={(e) => setByHand((b) => ({ ...b, issuer: e.target.value }))}
                    />
                    <p id={`${ids}-issuer-hint`} className="form-hint">
                      {t('settings.oauth2.issuerHint')}
                    </p>
                  </div>
                ) : null}
              </div>
            ) : null}
          </>
        )}
        {foundProvider || byHand.on ? (
          <OAuth2SignIn
            email={form.email}
            provider={provider}
            label={
              provider
                ? t('settings.oauth2.signInWith', { provider: providerName(provider) })
                : t('settings.oauth2.signIn')
            }
            ready={readyForSignIn}
            onSignedIn={addSignedIn}
            onBusy={onBusy}
          />
        ) : null}
      </section>
      <fieldset disabled={held}>
        <legend>{t('settings.setup.incoming')}</legend>
        {server('imap', 'IMAP')}
      </fieldset>
      <fieldset disabled={held}>
        <legend>
          <label className="form-check">
            <input
              type="checkbox"
              checked={form.smtpEnabled}
              onChange={(e) => set('smtpEnabled', e.target.checked)}
            />
            {t('settings.setup.outgoing')}
          </label>
        </legend>
        {form.smtpEnabled ? (
          server('smtp', 'SMTP')
        ) : (
          <p className="form-hint">{t('settings.setup.noOutgoing')}</p>
        )}
      </fieldset>
      {outcome?.kind === 'failed' ? <ErrorLine error={outcome.error} /> : null}
      {outcome?.kind === 'tested' ? (
        <div className="account-tested" role="status">
          <p className="account-tested-title">{t('settings.setup.works')}</p>
          <p className="account-caps">
            <Trans
              i18nKey="settings.setup.capabilities"
              values={{ list: outcome.capabilities.join(' ') }}
              components={{ caps: <span /> }}
            />
          </p>
        </div>
      ) : null}
      {checked && !validated.ok ? (
        <p className="form-error" role="alert">
          {t('settings.setup.checkFields')}
        </p>
      ) : null}
      <div className="form-buttons">
        <button type="button" onClick={props.onCancel} disabled={held}>
          {t('settings.setup.cancel')}
        </button>
        <button type="button" onClick={() => void test()} disabled={held}>
          {busy === 'test' ? t('settings.setup.testing') : t('settings.setup.test')}
        </button>
        <button type="submit" className="primary" disabled={held}>
          {busy === 'add' ? t('settings.setup.adding') : t('settings.setup.add')}
        </button>
      </div>
    </form>
  );
}
