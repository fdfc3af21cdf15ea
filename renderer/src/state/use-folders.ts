// Accounts and their folders with unread counts, read again when new mail arrives, a sync
// ends or a folder is created, renamed, moved or deleted, in this window or another (events
// are hints: the numbers always come from the API).
import { useCallback, useEffect, useRef, useState } from 'react';
import type { ErrorData } from '../../../common/errors.js';
import type { Account, Mailbox } from '../../../common/types.js';
import { errorDataOf, type MaildockClient } from '../client/client.js';

export interface Folders {
  accounts: Account[];
  mailboxes: Mailbox[];
  loaded: boolean;
  error: ErrorData | null;
  reload(): void;
}

export function useFolders(client: MaildockClient): Folders {
  // The first render shows the folders when their answers are in hand already.
  const [data, setData] = useState<{ accounts: Account[]; mailboxes: Mailbox[] } | null>(() => {
    const accounts = client.peek?.('account.list', {});
    const mailboxes = client.peek?.('mailbox.list', {});
    return accounts && mailboxes ? { accounts, mailboxes } : null;
  });
  const [error, setError] = useState<ErrorData | null>(null);
  const [tick, setTick] = useState(0);
  const seeded = useRef(data !== null);

  useEffect(() => {
    if (seeded.current) {
      seeded.current = false;
      return;
    }
    let live = true;
    Promise.all([client.call('account.list', {}), client.call('mailbox.list', {})])
      .then(([accounts, mailboxes]) => {
        if (!live) return;
        setData({ accounts, mailboxes });
        setError(null);
      })
      .catch((err: unknown) => live && setError(errorDataOf(err)));
    return () => {
      live = false;
    };
  }, [client, tick]);

  const reload = useCallback(() => setTick((t) => t + 1), []);
  useEffect(() => {
    const offs = [
      client.on('mail.new', reload),
      client.on('sync.progress', (p) => p.phase === 'done' && reload()),
      client.on('mailbox.changed', reload, reload),
    ];
    return () => offs.forEach((off) => off());
  }, [client, reload]);

  return {
    accounts: data?.accounts ?? [],
    mailboxes: data?.mailboxes ?? [],
    loaded: data !== null,
    error,
    reload,
  };
}
