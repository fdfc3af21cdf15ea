// An account's identities, under its edit form: the addresses it sends from (its own first,
// which stays), each with its name and signature; an alias added, edited, or removed after
// asking. Each is saved on its own (identity.save, identity.remove), and the account the
// core answers with is the one shown.
import { useEffect, useId, useRef, useState } from 'react';
import type { ErrorData } from '../../../common/errors.js';
import { MAX_IDENTITIES, primaryIdentity } from '../../../common/identities.js';
import type { Account, Identity } from '../../../common/types.js';
import { errorDataOf } from '../client/client.js';
import { useClient } from '../client/context.js';
import { useTranslation } from '../i18n/index.js';
import { ErrorLine } from './ErrorLine.js';
import { IdentityEditor } from './IdentityEditor.js';
import { identityFormOf, newIdentityForm } from './identity-form.js';

const label = (i: Pick<Identity, 'name' | 'email'>) =>
  i.name ? `${i.name} <${i.email}>` : i.email;
const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/** What the list says of a signature. */
function signatureWords(i: Identity): 'signatureBoth' | 'signatureText' | 'noSignature' {
  if (!i.signature) return 'noSignature';
  return i.signature.html !== null ? 'signatureBoth' : 'signatureText';
}

export function IdentitiesSection(props: {
  account: Account;
  /** An identity was saved or removed: the account as it is now. */
  onChanged(account: Account): void;
}) {
  const { t } = useTranslation();
  const client = useClient();
  const titleId = useId();
  const [account, setAccount] = useState(props.account);
  /** The address whose form is open, or 'new' for an alias being added. */
  const [editing, setEditing] = useState<string | null>(null);
  const [confirming, setConfirming] = useState<string | null>(null);
  const [removing, setRemoving] = useState(false);
  const [error, setError] = useState<ErrorData | null>(null);
  const [done, setDone] = useState('');
  /** The address whose Edit button takes the focus back. */
  const [focus, setFocus] = useState<string | null>(null);
  const addButton = useRef<HTMLButtonElement>(null);
  const [focusAdd, setFocusAdd] = useState(0);
  // Back from adding, or an alias removed: the focus goes to Add, not to the page.
  useEffect(() => {
    if (focusAdd) addButton.current?.focus();
  }, [focusAdd]);
  const identities = account.identities.length ? account.identities : [primaryIdentity(account)];
  const full = identities.length >= MAX_IDENTITIES;

  const changed = (saved: Account, message: string) => {
    setAccount(saved);
    setDone(message);
    props.onChanged(saved);
  };
  const closeForm = (email: string) => {
    setEditing(null);
    setFocus(email);
  };
  const remove = (email: string) => {
    setRemoving(true);
    setError(null);
    client
      .call('identity.remove', { accountId: account.id, email })
      .then((saved) => {
        changed(saved, t('settings.identities.removed', { email }));
        setConfirming(null);
        setFocusAdd((n) => n + 1);
      })
      .catch((err: unknown) => {
        setError(errorDataOf(err));
        setConfirming(null);
      })
      .finally(() => setRemoving(false));
  };

  const item = (i: Identity) => {
    if (editing !== null && same(editing, i.email)) {
      return (
        <IdentityEditor
          account={account}
          initial={identityFormOf(i)}
          onSaved={(saved) => {
            changed(saved, t('settings.identities.saved', { email: i.email }));
            closeForm(i.email);
          }}
          onCancel={() => closeForm(i.email)}
        />
      );
    }
    const asking = confirming !== null && same(confirming, i.email);
    return (
      <>
        <div className="identity-item-main">
          <p className="identity-item-name">
            {label(i)}
            {i.primary ? (
              <span className="identity-primary">{t('settings.identities.primary')}</span>
            ) : null}
          </p>
          <p className="identity-item-signature">{t(`settings.identities.${signatureWords(i)}`)}</p>
        </div>
        {asking ? (
          <div
            className="account-confirm"
            role="group"
            aria-label={t('settings.identities.removeQuestion', { email: i.email })}
          >
            <p>{t('settings.identities.removeText', { email: i.email })}</p>
            <button
              type="button"
              className="danger"
              disabled={removing}
              onClick={() => remove(i.email)}
            >
              {removing ? t('settings.identities.removing') : t('settings.identities.remove')}
            </button>
            <button
              type="button"
              autoFocus
              disabled={removing}
              onClick={() => {
                setConfirming(null);
                setFocus(i.email);
              }}
            >
              {t('settings.identities.keep')}
            </button>
          </div>
        ) : (
          <div className="account-item-buttons">
            <button
              type="button"
              aria-label={t('settings.identities.editIdentity', { email: i.email })}
              autoFocus={focus !== null && same(focus, i.email)}
              disabled={editing !== null}
              onClick={() => {
                setEditing(i.email);
                setDone('');
                setError(null);
              }}
            >
              {t('settings.identities.edit')}
            </button>
            {i.primary ? null : (
              <button
                type="button"
                aria-label={t('settings.identities.removeIdentity', { email: i.email })}
                disabled={editing !== null}
                onClick={() => {
                  setConfirming(i.email);
                  setDone('');
                }}
              >
                {t('settings.identities.remove')}
              </button>
            )}
          </div>
        )}
      </>
    );
  };

  return (
    <section className="identities" aria-labelledby={titleId}>
      <h3 id={titleId}>{t('settings.identities.title')}</h3>
      <p className="form-hint">{t('settings.identities.intro')}</p>
      <ul className="identity-items">
        {identities.map((i) => (
          <li
            key={i.email}
            className={`identity-item${editing !== null && same(editing, i.email) ? ' identity-item-editing' : ''}`}
          >
            {item(i)}
          </li>
        ))}
      </ul>
      {editing === 'new' ? (
        <IdentityEditor
          account={account}
          initial={newIdentityForm()}
          onSaved={(saved, email) => {
            changed(saved, t('settings.identities.added', { email }));
            closeForm(email);
          }}
          onCancel={() => {
            setEditing(null);
            setFocusAdd((n) => n + 1);
          }}
        />
      ) : (
        <>
          <button
            ref={addButton}
            type="button"
            disabled={editing !== null || full}
            aria-describedby={full ? `${titleId}-full` : undefined}
            onClick={() => {
              setEditing('new');
              setDone('');
              setError(null);
            }}
          >
            {t('settings.identities.add')}
          </button>
          {full ? (
            <p id={`${titleId}-full`} className="form-hint">
              {t('settings.identities.full', { max: MAX_IDENTITIES })}
            </p>
          ) : null}
        </>
      )}
      {error ? <ErrorLine error={error} /> : null}
      <p className="identity-done" role="status">
        {done}
      </p>
    </section>
  );
}
