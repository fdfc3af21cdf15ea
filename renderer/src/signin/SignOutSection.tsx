// Who is signed in, and "Sign out", in the settings' accounts: on the server of many people
// only (the desktop and the one-person server have no one to sign out).
import { useState } from 'react';
import { useSession } from '../client/context.js';
import { useTranslation } from '../i18n/index.js';
import './signin.css';

export function SignOutSection() {
  const { t } = useTranslation();
  const session = useSession();
  const [busy, setBusy] = useState(false);
  const state = session?.state;
  if (!session || state?.status !== 'signed-in') return null;
  return (
    <section className="signout" aria-label={t('signin.yourSignIn')}>
      <p>{t('signin.signedInAs', { email: state.user.email, tenant: state.user.tenant })}</p>
      <button
        type="button"
        aria-disabled={busy || undefined}
        onClick={() => {
          if (busy) return;
          setBusy(true);
          void session.signOut();
        }}
      >
        {busy ? t('signin.signingOut') : t('signin.signOut')}
      </button>
    </section>
  );
}
