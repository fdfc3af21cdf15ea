// Account setup: the form (defaults from the address, checked with the contract's schema
// field by field), Find settings (account.discover: the servers filled in, with where they
// came from), Test connection, and Add account, which tests again, adds the account and
// starts its initial sync. The password goes to the core and nowhere else.
import { useRef, useState } from 'react';
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
  type FieldErrors,
  type FieldPath,
} from './account-form.js';
import { useAccountFields } from './AccountFields.js';
import { ErrorLine } from './ErrorLine.js';
import { Trans, useTranslation } from '../i18n/index.js';

type Found =
  | { kind: 'finding'; domain: string }
  | { kind: 'found'; discovery: Discovery }
  | { kind: 'none'; error: ErrorData };

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
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const validated = validateAccountForm(form);
  const errors: FieldErrors = checked && !validated.ok ? validated.errors : {};

  const set = (path: FieldPath, value: string | boolean) => {
    setForm((f) => editField(f, path, value));
    if (outcome?.kind !== 'added') setOutcome(null);
  };
  const { text, server } = useAccountFields(form, errors, set);
  const [found, setFound] = useState<Found | null>(null);
  const asked = useRef(0);

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
      setFound({ kind: 'found', discovery });
    } catch (err) {
      if (ask === asked.current) setFound({ kind: 'none', error: errorDataOf(err) });
    }
  };
  const oauth2Only =
    found?.kind === 'found' &&
    [found.discovery.imap, found.discovery.smtp].some((s) => s && !s.auth.includes('password'));

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
      <fieldset disabled={busy !== null}>
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
      <fieldset disabled={busy !== null}>
        <legend>{t('settings.setup.incoming')}</legend>
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
        <button type="button" onClick={props.onCancel} disabled={busy !== null}>
          {t('settings.setup.cancel')}
        </button>
        <button type="button" onClick={() => void test()} disabled={busy !== null}>
          {busy === 'test' ? t('settings.setup.testing') : t('settings.setup.test')}
        </button>
        <button type="submit" className="primary" disabled={busy !== null}>
          {busy === 'add' ? t('settings.setup.adding') : t('settings.setup.add')}
        </button>
      </div>
    </form>
  );
}
