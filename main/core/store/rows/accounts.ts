// An account's row as both engines return it, and the account the contract shows.
import type { Account } from '../../../../common/types.js';

export interface AccountRow {
  id: number;
  email: string;
  name: string | null;
  imap_host: string;
  imap_port: number;
  imap_security: Account['imap']['security'];
  imap_user: string;
  smtp_host: string | null;
  smtp_port: number | null;
  smtp_security: Account['imap']['security'] | null;
  smtp_user: string | null;
  imap_tls_cert: string | null;
  smtp_tls_cert: string | null;
  created_at: string;
}

export function toAccount(r: AccountRow): Account {
  return {
    id: r.id,
    email: r.email,
    name: r.name,
    imap: {
      host: r.imap_host,
      port: r.imap_port,
      security: r.imap_security,
      user: r.imap_user,
      ...(r.imap_tls_cert ? { tlsCert: r.imap_tls_cert } : {}),
    },
    smtp:
      r.smtp_host && r.smtp_port && r.smtp_security
        ? {
            host: r.smtp_host,
            port: r.smtp_port,
            security: r.smtp_security,
            ...(r.smtp_user ? { user: r.smtp_user } : {}),
            ...(r.smtp_tls_cert ? { tlsCert: r.smtp_tls_cert } : {}),
          }
        : null,
    createdAt: r.created_at,
  };
}
