// The app: three panes over the contract's client. Which list is shown (a folder, the
// unified Inbox, a search), what is selected, which pane a narrow window shows and what the
// keyboard does live here; the panes only display.
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { Mailbox } from '../../../common/types.js';
import { useClient } from '../client/context.js';
import {
  emptySelection,
  nextAfter,
  select,
  selectAll,
  single,
  step,
  type ClickMode,
  type Selection,
} from '../state/selection.js';
import type { MailAction } from '../state/actions.js';
import { leavesList, marksJunk } from '../state/actions.js';
import { useActions } from '../state/use-actions.js';
import { messagesOfRows } from '../state/conversations.js';
import { notifyNewMail } from '../state/notify.js';
import { useDensity, useThreadsSetting } from '../state/settings.js';
import type { RowMenuKey } from '../state/row-menu.js';
import { goActions, goPlace, sidebarPlaces, stepPlace } from '../state/folder-order.js';
import { usePaneLayout } from '../state/layout.js';
import { useFolders } from '../state/use-folders.js';
import { useKeys, type KeyActions } from '../state/use-keys.js';
import { usePlace, type Destination } from '../state/use-place.js';
import { useUiCommands } from '../state/use-ui-commands.js';
import { sourceKey, useMessageList, type ListSource } from '../state/use-list.js';
import { ActionBar } from './ActionBar.js';
import { ActionNotice } from './ActionNotice.js';
import { ListPane } from './ListPane.js';
import { MessageMenu } from './MessageMenu.js';
import { dropChoice, moveChoices, type MoveTarget } from './move-choices.js';
import {
  MessageTools,
  MoveDialog,
  preloadLater,
  SendingPane,
  SettingsDialog,
  ShortcutsDialog,
} from './lazy.js';
import { Panes } from './Panes.js';
import { Reader } from './Reader.js';
import { Sidebar } from './Sidebar.js';
import { EmptyState, ErrorState, Loading } from './States.js';
import { TopBar } from './TopBar.js';
import { useExportFromList } from './TransferLayer.js';
import type { SettingsTab } from '../settings/SettingsDialog.js';
import { ComposeLayer } from '../compose/ComposeLayer.js';
import { ReplyBar } from '../compose/ReplyBar.js';
import { SendingNav } from '../compose/SendingNav.js';
import { useComposer } from '../compose/use-composer.js';
import { i18n, useTranslation } from '../i18n/index.js';
import { folderName } from './folder-name.js';
import './layout.css';

function titleOf(source: ListSource | null, mailboxes: Mailbox[]): string {
  if (!source) return i18n.t('places.messages');
  if (source.kind === 'search') return i18n.t('places.search', { query: source.query });
  if (source.kind === 'unified') return i18n.t('places.allInboxes');
  const m = mailboxes.find((x) => x.id === source.mailboxId);
  return m ? folderName(m) : i18n.t('places.messages');
}

export function App() {
  const { t } = useTranslation();
  const client = useClient();
  const folders = useFolders(client);
  const here = usePlace(folders);
  const { folder, query, sendingView, source, setQuery } = here;
  const [threads, setThreads] = useThreadsSetting();
  const [density] = useDensity();
  const list = useMessageList(client, source, { threads: threads && source?.kind !== 'search' });
  const [dialog, setDialog] = useState<'help' | null>(null);
  const [settings, setSettings] = useState<SettingsTab | null>(null);
  const closeSettings = useCallback(() => setSettings(null), []);
  const [listVersion, setListVersion] = useState(0);
  const [selection, setSelection] = useState<Selection>(emptySelection);
  // j/k move the cursor through the list without opening (and so marking read) anything;
  // a click, Enter or o opens the cursor's message.
  const [stepping, setStepping] = useState(false);
  const [rowMenu, setRowMenu] = useState<{ at: { x: number; y: number } } | null>(null);
  const searchInput = useRef<HTMLInputElement>(null);
  const reader = useRef<HTMLDivElement>(null);
  const composer = useComposer(client, folders.accounts);
  const mainRef = useRef<HTMLElement>(null);
  const { layout, width } = usePaneLayout(mainRef);
  const [drawerOpen, setDrawerOpen] = useState(false);
  // Narrow: the reader has the list's place from a click (or Enter) until Back.
  const [reading, setReading] = useState(false);
  const focusReader = useRef(false);
  // A drawer left open while the window widened would pop up again when it narrows.
  useEffect(() => {
    if (layout === 'wide') setDrawerOpen(false);
  }, [layout]);

  const key = source ? sourceKey(source, threads) : '';
  useEffect(() => {
    setSelection(emptySelection);
    setReading(false);
  }, [key]);
  const { goTo } = here;
  const go = useCallback(
    (d: Destination | null) => {
      if (d) goTo(d);
      setDrawerOpen(false);
    },
    [goTo],
  );

  const { reload } = list;
  const mailboxes = folders.mailboxes;
  useEffect(
    () =>
      client.on('mail.new', (e) => {
        if (query === null) reload();
        // The desktop app notifies from its main process.
        if (client.transport === 'ipc') return;
        notifyNewMail(
          e.count,
          mailboxes.find((m) => m.id === e.mailboxId),
          () => go({ kind: 'mailbox', mailboxId: e.mailboxId }),
        );
      }),
    [client, query, reload, mailboxes, go],
  );

  // What is loaded apart from the page's start (ui/lazy.tsx) comes once the first rows are in.
  useEffect(() => {
    if (list.ready) preloadLater();
  }, [list.ready]);

  const order = useMemo(() => list.items.map((i) => i.message.id), [list.items]);
  const onPick = useCallback(
    (id: number, mode: ClickMode) => {
      setSelection((s) => select(s, id, mode, order));
      setStepping(false);
      if (mode === 'single') setReading(true);
    },
    [order],
  );
  const onOpen = useCallback((id: number) => {
    setSelection((s) => (s.ids.has(id) && s.ids.size === 1 ? s : select(s, id, 'single', [])));
    setStepping(false);
    setReading(true);
    // The reader may only now come into view (narrow): it takes the focus once shown.
    focusReader.current = true;
  }, []);
  const narrowList = layout === 'narrow' && !reading;
  useEffect(() => {
    if (!focusReader.current || narrowList) return;
    focusReader.current = false;
    reader.current?.focus();
  });
  const back = () => {
    if (layout !== 'narrow' || !reading) return;
    setReading(false);
    // The list comes back with the keyboard in it, on the message that was open.
    requestAnimationFrame(() =>
      document.querySelector<HTMLElement>('.pane-list [role="listbox"]')?.focus(),
    );
  };

  // After any change the list and the folder counts are read again from the core.
  const folderReload = folders.reload;
  const changed = useCallback(() => {
    reload();
    folderReload();
    setListVersion((v) => v + 1);
  }, [reload, folderReload]);
  const actions = useActions(client, changed);
  const exporting = useExportFromList();
  const selected = useMemo(
    () => list.items.map((i) => i.message).filter((m) => selection.ids.has(m.id)),
    [list.items, selection.ids],
  );
  // "Move to…" keeps the rows it was opened for: a reload of the list meanwhile (a change,
  // new mail) must neither close the dialog nor change what it moves.
  const [moving, setMoving] = useState<typeof selected | null>(null);
  const openMove = () => {
    if (selected.length > 0) setMoving(selected);
  };
  const closeMove = useCallback(() => setMoving(null), []);
  // The folders of the list: what a conversation row's action changes.
  const listFolders = useMemo(
    () =>
      query !== null
        ? null
        : folder?.kind === 'mailbox'
          ? [folder.mailboxId]
          : folder?.kind === 'unified'
            ? folder.mailboxIds
            : null,
    [folder, query],
  );
  const targets = (rows = selected) =>
    threads && listFolders ? messagesOfRows(client, rows, listFolders) : Promise.resolve(undefined);
  // Messages leave the list (archived, deleted, moved): the next one below (else above)
  // takes the selection's place, opened if a message was open, else as the cursor. Moved
  // rows outside the selection (a drag) leave it alone.
  const leave = (gone: Iterable<number>) => {
    const ids = new Set(gone);
    if (![...ids].some((id) => selection.ids.has(id))) return;
    const next = nextAfter(order, new Set([...ids, ...selection.ids]));
    setSelection(next === null ? emptySelection : select(emptySelection, next, 'single', order));
    if (opened === null) setStepping(true);
  };
  const act = (action: MailAction) => {
    if (selected.length === 0) return;
    if (leavesList(action)) leave(selection.ids);
    const rows = selected;
    void targets().then((ms) =>
      actions.run(
        action,
        rows,
        ms?.map((m) => m.id),
      ),
    );
  };
  const moveTo = (target: MoveTarget, label: string, rows = moving ?? []) => {
    setMoving(null);
    if (rows.length === 0) return;
    leave(rows.map((m) => m.id));
    void targets(rows).then((ms) =>
      actions.move(
        target,
        label,
        rows,
        ms?.map((m) => m.id),
      ),
    );
  };

  // The message in the reader counts as read once opened (once per opening: a later `u`
  // that marks it unread again is not undone behind the user's back). A narrow window's
  // list hides the reader: moving through it opens nothing.
  const opened = narrowList || stepping ? null : single(selection);
  const openedMessage = opened === null ? undefined : selected[0];
  const markedOpen = useRef<number | null>(null);
  const { markRead } = actions;
  useEffect(() => {
    if (opened === null) markedOpen.current = null;
    if (!openedMessage || markedOpen.current === openedMessage.id) return;
    markedOpen.current = openedMessage.id;
    // A conversation row opens the whole conversation: all of it here counts as read.
    if (threads && listFolders && (openedMessage.threadUnread ?? 0) > 0) {
      void messagesOfRows(client, [openedMessage], listFolders).then(markRead);
    } else markRead([openedMessage]);
  }, [opened, openedMessage, markRead, threads, listFolders, client]);

  // Junk or not junk from the reader: the message leaves this list, like an archive.
  const junkFolders = useMemo(
    () => new Set(folders.mailboxes.filter((m) => m.role === 'junk').map((m) => m.id)),
    [folders.mailboxes],
  );
  const markJunk = (id: number, junk: boolean) => {
    if (opened === id) setSelection(emptySelection);
    void actions.junk(junk, [id]);
  };
  // Shift+J and the list's toolbar: the selection (whole conversations, as the other
  // actions) leaves the list like an archive; in the Junk folder it is not junk.
  const inJunkFolder =
    query === null && folder?.kind === 'mailbox' && junkFolders.has(folder.mailboxId);
  const junkNext = selected.length > 0 ? marksJunk(selected, junkFolders) : !inJunkFolder;
  const junkSelection = () => {
    if (selected.length === 0) return;
    const junk = junkNext;
    const rows = selected;
    leave(selection.ids);
    void targets().then((ms) =>
      actions.junk(
        junk,
        (ms ?? rows).map((m) => m.id),
      ),
    );
  };

  const places = sidebarPlaces(folders.accounts, folders.mailboxes);
  const goKeys = goActions((target) =>
    go(
      goPlace(target, {
        accounts: folders.accounts,
        mailboxes: folders.mailboxes,
        current: here.place,
        openAccountId: openedMessage?.accountId ?? null,
      }),
    ),
  );
  const keyActions: KeyActions = {
    flag: () => act('flag'),
    read: () => act('read'),
    archive: () => act('archive'),
    trash: () => act('trash'),
    junk: junkSelection,
    undo: () => void actions.undo(),
    next: () => {
      setStepping(true);
      setSelection((s) => step(s, 1, order));
    },
    previous: () => {
      setStepping(true);
      setSelection((s) => step(s, -1, order));
    },
    delete: () => act('trash'),
    erase: () => (layout === 'narrow' && reading ? back() : act('trash')),
    selectAll: () => setSelection((s) => selectAll(s, order)),
    open: () => {
      if (selection.cursor !== null) onOpen(selection.cursor);
    },
    search: () => searchInput.current?.focus(),
    move: openMove,
    help: () => setDialog('help'),
    reply: () => opened !== null && composer.answer(opened, 'reply'),
    replyAll: () => opened !== null && composer.answer(opened, 'reply-all'),
    forward: () => opened !== null && composer.answer(opened, 'forward'),
    compose: composer.compose,
    back,
    nextFolder: () => go(stepPlace(places, here.place, 1)),
    previousFolder: () => go(stepPlace(places, here.place, -1)),
    threads: () => source?.kind !== 'search' && setThreads(!threads),
    ...goKeys,
  };
  useKeys(keyActions);

  // A row's menu acts on the selection when the row is in it, else on the row alone (which
  // becomes the cursor, not opened). The keyboard comes back to the list when it closes.
  // A click elsewhere that closed the menu keeps the focus where it went.
  const listFocus = () =>
    requestAnimationFrame(() => {
      const now = document.activeElement;
      if (now && now !== document.body) return;
      document.querySelector<HTMLElement>('.pane-list [role="listbox"]')?.focus();
    });
  const selectionNow = useRef(selection);
  selectionNow.current = selection;
  // Stable, so the list's memoized rows are not drawn again on every render.
  const openRowMenu = useCallback((id: number, at: { x: number; y: number }) => {
    const s = selectionNow.current;
    if (s.ids.has(id)) setSelection({ ...s, cursor: id });
    else {
      setStepping(true);
      setSelection(select(s, id, 'single', []));
    }
    setRowMenu({ at });
  }, []);
  // Dragged rows: the selection when the row is in it, else the row alone. Kept in a ref,
  // since the sidebar asks on every dragover.
  const dragged = useRef<typeof selected>([]);
  const listItems = useRef(list.items);
  listItems.current = list.items;
  const dragRows = useCallback((id: number) => {
    const s = selectionNow.current;
    const ids = s.ids.has(id) ? s.ids : new Set([id]);
    dragged.current = listItems.current.map((i) => i.message).filter((m) => ids.has(m.id));
  }, []);
  const dragEnd = useCallback(() => {
    dragged.current = [];
  }, []);
  const messageDrop = {
    canDrop: (to: Mailbox) =>
      dragged.current.length > 0 && dropChoice(folders.mailboxes, dragged.current, to) !== null,
    drop: (to: Mailbox) => {
      const rows = dragged.current;
      dragged.current = [];
      const choice = dropChoice(folders.mailboxes, rows, to);
      if (!choice) return;
      moveTo(choice.target, choice.label, rows);
    },
  };
  const closeRowMenu = () => {
    setRowMenu(null);
    listFocus();
  };
  const pickRowMenu = (key: RowMenuKey) => {
    setRowMenu(null);
    const id = selected.length === 1 ? selected[0]!.id : null;
    if (key === 'open' && id !== null) return onOpen(id);
    if ((key === 'reply' || key === 'forward') && id !== null) return composer.answer(id, key);
    if (key === 'move') return openMove();
    if (key === 'export') {
      // In the list before the dialog opens, so that the dialog gives it back there.
      document.querySelector<HTMLElement>('.pane-list [role="listbox"]')?.focus();
      const rows = selected;
      void targets().then((ms) => exporting.messages((ms ?? rows).map((m) => m.id)));
      return;
    }
    if (key === 'markRead' || key === 'markUnread') act('read');
    else if (key === 'flag' || key === 'unflag') act('flag');
    else if (key === 'archive') act('archive');
    else if (key === 'delete') act('trash');
    listFocus();
  };
  // The desktop menu's items and mailto: links (the served UI never gets these).
  useUiCommands(client, {
    actions: keyActions,
    compose: composer.composeWith,
    settings: () => setSettings('accounts'),
    openMailbox: (mailboxId) => go({ kind: 'mailbox', mailboxId }),
  });

  let main;
  const panes = !folders.error && folders.loaded && folders.accounts.length > 0;
  if (folders.error) {
    main = <ErrorState error={folders.error} onRetry={folders.reload} />;
  } else if (!folders.loaded) {
    main = <Loading what={t('app.opening')} />;
  } else if (folders.accounts.length === 0) {
    main = (
      <EmptyState title={t('app.noAccounts')}>
        <button type="button" onClick={() => setSettings('add-account')}>
          {t('app.addAccount')}
        </button>
      </EmptyState>
    );
  } else {
    main = (
      <Panes
        layout={layout}
        width={width}
        reading={reading && opened !== null}
        backLabel={
          sendingView
            ? t('app.backToList')
            : t('app.backTo', { place: titleOf(source, folders.mailboxes) })
        }
        onBack={back}
        drawerOpen={drawerOpen}
        onDrawerClose={() => setDrawerOpen(false)}
        folders={
          <Sidebar
            accounts={folders.accounts}
            mailboxes={folders.mailboxes}
            source={query === null && sendingView === null ? folder : null}
            onSelect={go}
            onFoldersChanged={folders.reload}
            onMessagesImported={changed}
            messageDrop={messageDrop}
            top={
              <SendingNav
                waiting={composer.outbox.waiting}
                view={sendingView}
                onOpen={(view) => go({ kind: 'sending', view })}
              />
            }
          />
        }
        list={
          sendingView ? (
            <SendingPane view={sendingView} composer={composer} />
          ) : (
            <ListPane
              title={titleOf(source, folders.mailboxes)}
              source={source}
              list={list}
              selection={selection}
              onPick={onPick}
              onOpen={onOpen}
              onMenu={openRowMenu}
              onDragRow={dragRows}
              onDragEnd={dragEnd}
              density={density}
              onExportResults={
                source?.kind === 'search' ? () => exporting.search(source.query) : undefined
              }
              toolbar={
                <ActionBar
                  disabled={selected.length === 0}
                  onAction={act}
                  junk={junkNext}
                  onJunk={junkSelection}
                  onMove={openMove}
                  onUndo={() => void actions.undo()}
                  undo={actions.undoable}
                />
              }
              options={
                source?.kind !== 'search' ? (
                  <label className="threads-switch" title={t('app.conversationsTitle')}>
                    <input
                      type="checkbox"
                      checked={threads}
                      onChange={(e) => setThreads(e.target.checked)}
                    />
                    {t('app.conversations')}
                  </label>
                ) : null
              }
            />
          )
        }
        reader={
          <Reader
            id={opened}
            selected={selection.ids.size}
            readerRef={reader}
            version={listVersion}
            actions={(d) => (
              <>
                <ReplyBar message={d.message} composer={composer} />
                <MessageTools
                  detail={d}
                  inJunk={junkFolders.has(d.message.mailboxId)}
                  onJunk={(junk) => markJunk(d.message.id, junk)}
                />
              </>
            )}
          />
        }
      />
    );
  }

  return (
    <div className="app" data-layout={layout}>
      <TopBar
        onFolders={layout !== 'wide' && panes ? () => setDrawerOpen(true) : null}
        foldersOpen={drawerOpen}
        composer={composer}
        searchRef={searchInput}
        query={query}
        onSearch={setQuery}
        onClearSearch={() => setQuery(null)}
        accounts={folders.accounts}
        onSync={() => setSettings('sync')}
        onSettings={() => setSettings('accounts')}
      />
      <main className="main" ref={mainRef}>
        {main}
      </main>
      <ActionNotice actions={actions} />
      <ComposeLayer composer={composer} />
      {exporting.layer}
      {moving ? (
        <MoveDialog
          count={moving.length}
          choices={moveChoices(
            folders.mailboxes,
            moving.map((m) => m.accountId),
            new Set(moving.map((m) => m.mailboxId)),
          )}
          onMove={moveTo}
          onClose={closeMove}
        />
      ) : null}
      {rowMenu && selected.length > 0 ? (
        <MessageMenu
          messages={selected}
          at={rowMenu.at}
          onPick={pickRowMenu}
          onClose={closeRowMenu}
        />
      ) : null}
      {dialog === 'help' ? <ShortcutsDialog onClose={() => setDialog(null)} /> : null}
      {settings ? (
        <SettingsDialog
          open={settings}
          accounts={folders.accounts}
          onAccountsChanged={folders.reload}
          onClose={closeSettings}
        />
      ) : null}
    </div>
  );
}
