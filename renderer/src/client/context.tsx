// The one client, handed down through React context so components never pick a transport.
import { createContext, useContext, type ReactNode } from 'react';
import type { MaildockClient } from './client.js';

const ClientContext = createContext<MaildockClient | null>(null);

export function ClientProvider(props: { client: MaildockClient; children: ReactNode }) {
  return <ClientContext.Provider value={props.client}>{props.children}</ClientContext.Provider>;
}

export function useClient(): MaildockClient {
  const client = useContext(ClientContext);
  if (!client) throw new Error('useClient outside ClientProvider');
  return client;
}
