// The one client, handed down through React context so components never pick a transport;
// beside it the person's sign-in, on the server of many people only.
import { createContext, useContext, type ReactNode } from 'react';
import type { MaildockClient } from './client.js';
import type { PasswordSession } from './session.js';

const ClientContext = createContext<MaildockClient | null>(null);
const SessionContext = createContext<PasswordSession | null>(null);

export function ClientProvider(props: {
  client: MaildockClient;
  /** Signed in with a password; none on the desktop and on the server of one person. */
  session?: PasswordSession | null;
  children: ReactNode;
}) {
  return (
    <ClientContext.Provider value={props.client}>
      <SessionContext.Provider value={props.session ?? null}>
        {props.children}
      </SessionContext.Provider>
    </ClientContext.Provider>
  );
}

export function useClient(): MaildockClient {
  const client = useContext(ClientContext);
  if (!client) throw new Error('useClient outside ClientProvider');
  return client;
}

/** The password sign-in, when the page is signed in with one. */
export function useSession(): PasswordSession | null {
  return useContext(SessionContext);
}
