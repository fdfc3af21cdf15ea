// Who is signed in, and "Sign out", in the settings' accounts: on the server of many people
// only (the desktop and the one-person server have no one to sign out).
import { useState } from 'react';
import { useSession } from '../client/context.js';
import { SIGN_IN_WORDS as W, signedInAs } from './signin-words.js';
import './signin.css';

export function SignOutSection() {
  const session = useSession();
  const [busy, setBusy] = useState(false);
  const state = session?.state;
  if (!session || state?.status !== 'signed-in') return null;
  return (
    <section className="signout" aria-label={W.yourSignIn}>
      <p>{signedInAs(state.user.email, state.user.tenant)}</p>
      <button
        type="button"
        aria-disabled={busy || undefined}
        onClick={() => {
          if (busy) return;
          setBusy(true);
          void session.signOut();
        }}
      >
        {busy ? W.signingOut : W.signOut}
      </button>
    </section>
  );
}
