// Where the list pane is: a folder, the unified Inbox, a search, or the Outbox or Drafts.
// The unified Inbox until the user picks something else. When accounts come or go, the
// unified Inbox follows, and a folder that went with its account gives way to it.
import { useCallback, useEffect, useMemo, useState } from 'react';
import type { Mailbox } from '../../../common/types.js';
import type { SendingViewName } from '../compose/SendingNav.js';
import type { Place } from './folder-order.js';
import type { Folders } from './use-folders.js';
import type { FolderSource, ListSource } from './use-list.js';

export type Destination = Place | { kind: 'search'; query: string };

export interface PlaceState {
  /** The folder (or unified Inbox) a search or the sending views sit over. */
  folder: FolderSource | null;
  query: string | null;
  sendingView: SendingViewName | null;
  /** The sidebar's entry being shown; null during a search. */
  place: Place | null;
  /** What the message list shows (the folder, or the search). */
  source: ListSource | null;
  goTo(destination: Destination): void;
  setQuery(query: string | null): void;
}

/** Where the app opens: the unified Inbox, else the first folder there is. */
export function openingFolder(mailboxes: readonly Mailbox[]): FolderSource | null {
  const inboxes = mailboxes.filter((m) => m.role === 'inbox').map((m) => m.id);
  if (inboxes.length) return { kind: 'unified', mailboxIds: inboxes };
  return mailboxes[0] ? { kind: 'mailbox', mailboxId: mailboxes[0].id } : null;
}

export function usePlace(folders: Folders): PlaceState {
  const [picked, setFolder] = useState<FolderSource | null>(null);
  const [query, setQuery] = useState<string | null>(null);
  const [sendingView, setSendingView] = useState<SendingViewName | null>(null);
  // Where the app opens, known in the render that has the folders: the list asks for its
  // rows in that render's commit, not one render later.
  const opening = useMemo(
    () => (folders.loaded ? openingFolder(folders.mailboxes) : null),
    [folders.loaded, folders.mailboxes],
  );
  const folder = picked ?? opening;

  useEffect(() => {
    if (!folders.loaded) return;
    const inboxes = folders.mailboxes.filter((m) => m.role === 'inbox').map((m) => m.id);
    if (picked?.kind === 'unified' && inboxes.join() !== picked.mailboxIds.join()) {
      setFolder(inboxes.length ? { kind: 'unified', mailboxIds: inboxes } : null);
      return;
    }
    if (picked?.kind === 'mailbox' && !folders.mailboxes.some((m) => m.id === picked.mailboxId)) {
      setFolder(null);
      return;
    }
    if (!picked && opening) setFolder(opening);
  }, [picked, opening, folders.loaded, folders.mailboxes]);

  const goTo = useCallback((d: Destination) => {
    if (d.kind === 'search') {
      setSendingView(null);
      setQuery(d.query);
      return;
    }
    setQuery(null);
    if (d.kind === 'sending') {
      setSendingView(d.view);
      return;
    }
    setSendingView(null);
    setFolder(d);
  }, []);

  const place: Place | null = sendingView
    ? { kind: 'sending', view: sendingView }
    : query !== null
      ? null
      : folder;
  const source: ListSource | null = query !== null ? { kind: 'search', query } : folder;
  return { folder, query, sendingView, place, source, goTo, setQuery };
}
