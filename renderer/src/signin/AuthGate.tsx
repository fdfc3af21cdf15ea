// What the page shows first. On the desktop and on the server of one person: the app, as
// always. On the server of many people: the app once someone is signed in (a reload signs
// them in again from the refresh cookie), else the sign-in screen, and the sign-in screen
// again when the session ends or they sign out.
import { useEffect, useRef, useState, useSyncExternalStore, type ReactNode } from 'react';
import type { ErrorData } from '../../../common/errors.js';
import type { MaildockClient } from '../client/client.js';
import { ClientProvider } from '../client/context.js';
import type { PasswordSession, SessionState } from '../client/session.js';
import { ErrorState, Loading } from '../ui/States.js';
import { SignIn } from './SignIn.js';
import { useTranslation } from '../i18n/index.js';

export type Start = 'checking' | 'token' | 'password' | { unreachable: ErrorData };

/** How this server signs people in, and the session's start where it uses passwords. */
export async function startOf(session: PasswordSession): Promise<Start> {
  const mode = await session.mode();
  if (!mode.ok) return { unreachable: mode.error };
  if (mode.value === 'token') return 'token';
  const failed = await session.start();
  return failed ? { unreachable: failed } : 'password';
}

export function AuthGate(props: {
  client: MaildockClient;
  /** The password sign-in the HTTP transport uses; null on the desktop. */
  session: PasswordSession | null;
  /** startOf(session), begun before the first render (main.tsx); a retry begins anew. */
  started?: Promise<Start> | undefined;
  /** What `started` came to, when it came before the first render. */
  known?: Start | undefined;
  children: ReactNode;
}) {
  const { t } = useTranslation();
  const { client, session, started: first } = props;
  const [start, setStart] = useState<Start>(session ? (props.known ?? 'checking') : 'token');
  const [attempt, setAttempt] = useState(0);
  // One start per attempt, however often React runs the effect (StrictMode runs it twice):
  // two refreshes at once would spend one refresh cookie twice and end the session.
  const started = useRef(-1);
  useEffect(() => {
    if (!session || started.current === attempt) return;
    started.current = attempt;
    void (attempt === 0 && first ? first : startOf(session)).then(setStart);
  }, [session, attempt, first]);

  if (start === 'checking') {
    return (
      <main className="signin">
        <Loading what={t('signin.checking')} />
      </main>
    );
  }
  if (typeof start === 'object') {
    return (
      <main className="signin">
        <ErrorState
          error={start.unreachable}
          onRetry={() => {
            setStart('checking');
            setAttempt((n) => n + 1);
          }}
        />
      </main>
    );
  }
  if (start === 'token' || !session) {
    return <ClientProvider client={client}>{props.children}</ClientProvider>;
  }
  return (
    <SignedInOnly client={client} session={session}>
      {props.children}
    </SignedInOnly>
  );
}

const subscribeTo = (session: PasswordSession) => (fn: () => void) => session.subscribe(fn);

function SignedInOnly(props: {
  client: MaildockClient;
  session: PasswordSession;
  children: ReactNode;
}) {
  const { session } = props;
  const subscribe = useRef(subscribeTo(session)).current;
  const state: SessionState = useSyncExternalStore(subscribe, () => session.state);
  // "You have signed out" only after signing out here, not on a first visit.
  const wasSignedIn = useRef(false);
  if (state.status === 'signed-in') {
    wasSignedIn.current = true;
    return (
      // A new person gets a new app: nothing of the one before stays on screen.
      <ClientProvider
        key={`${state.user.tenant}\n${state.user.email}`}
        client={props.client}
        session={session}
      >
        {props.children}
      </ClientProvider>
    );
  }
  return (
    <SignIn
      session={session}
      ended={state.ended}
      email={state.email}
      signedOut={wasSignedIn.current && !state.ended}
    />
  );
}
