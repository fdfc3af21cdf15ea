// Where the list pane is: a folder, the unified Inbox, a search, or the Outbox or Drafts.
// The unified Inbox until the user picks something else. When accounts come or go, the
// unified Inbox follows, and a folder that went with its account gives way to it.
import { useCallback, useEffect, useState } from 'react';
import type { SendingViewName } from '../compose/SendingNav.js';
import type { Place } from './folder-order.js';
import type { Folders } from './use-folders.js';
import type { ListSource } from './use-list.js';

export type Destination = Place | { kind: 'search'; query: string };
type FolderSource = Exclude<ListSource, { kind: 'search' }>;

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

export function usePlace(folders: Folders): PlaceState {
  const [folder, setFolder] = useState<FolderSource | null>(null);
  const [query, setQuery] = useState<string | null>(null);
  const [sendingView, setSendingView] = useState<SendingViewName | null>(null);

  useEffect(() => {
    if (!folders.loaded) return;
    const inboxes = folders.mailboxes.filter((m) => m.role === 'inbox').map((m) => m.id);
    if (folder?.kind === 'unified' && inboxes.join() !== folder.mailboxIds.join()) {
      setFolder(inboxes.length ? { kind: 'unified', mailboxIds: inboxes } : null);
      return;
    }
    if (folder?.kind === 'mailbox' && !folders.mailboxes.some((m) => m.id === folder.mailboxId)) {
      setFolder(null);
      return;
    }
    if (folder) return;
    if (inboxes.length) setFolder({ kind: 'unified', mailboxIds: inboxes });
    else if (folders.mailboxes[0])
      setFolder({ kind: 'mailbox', mailboxId: folders.mailboxes[0].id });
  }, [folder, folders.loaded, folders.mailboxes]);

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
