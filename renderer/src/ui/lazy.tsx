// What the first rows do not need, loaded apart from the page's start: Settings, the
// dialogs, the Outbox and Drafts views, and the reader's views of a message (with the HTML
// sanitizer and the print code). A new browser then fetches and compiles only the list's
// code before its first rows. Once they are painted and the page is idle, all but Settings
// (which brings the editor along) are fetched, so that they open as at once as before.
import { Component, lazy, Suspense, useState, type ComponentType, type ReactNode } from 'react';
import type { ErrorData } from '../../../common/errors.js';
import { whenIdle } from '../idle.js';
import { ErrorState, Loading } from './States.js';
import { useTranslation } from '../i18n/index.js';

/** A view's code that did not arrive (the server went away, or has a newer build). */
class LoadFailed extends Error {
  readonly data: ErrorData;
  constructor(cause: unknown) {
    super(cause instanceof Error ? cause.message : String(cause));
    this.data = { code: 'CONNECTION_LOST', message: this.message };
  }
}

interface LoadState {
  failed: LoadFailed | null;
  other: { error: unknown } | null;
}

/** Says so where the view would be, with Try again; anything else goes up as before. */
class LoadBoundary extends Component<{ children: ReactNode; onRetry(): void }, LoadState> {
  override state: LoadState = { failed: null, other: null };
  static getDerivedStateFromError(error: unknown): Partial<LoadState> {
    return error instanceof LoadFailed ? { failed: error } : { other: { error } };
  }
  override render() {
    // Not ours: on to whatever handled it before this boundary was here.
    if (this.state.other) throw this.state.other.error;
    if (!this.state.failed) return this.props.children;
    return <ErrorState error={this.state.failed.data} onRetry={this.props.onRetry} />;
  }
}

/** What React.lazy calls `then` on; nothing more is asked of it. */
interface Thenable<T> {
  then(ok: (value: T) => void, fail: (err: unknown) => void): void;
}

/** One module's import: started once (again after a failure), kept once it is here. */
export function loader<M>(load: () => Promise<M>) {
  let loaded: { module: M } | null = null;
  let loading: Promise<M> | null = null;
  const start = () =>
    (loading ??= load().then(
      (module) => {
        loaded = { module };
        return module;
      },
      (err: unknown) => {
        loading = null;
        throw err;
      },
    ));
  return {
    preload: () => void start().catch(() => undefined),
    /**
     * What React.lazy reads: a thenable that settles at once when the module is here, so
     * a view of a module already loaded renders in the same pass, never a frame later.
     */
    read<T>(pick: (module: M) => T): Thenable<{ default: T }> {
      return {
        then(ok, fail) {
          if (loaded) ok({ default: pick(loaded.module) });
          else
            start().then(
              (module) => ok({ default: pick(module) }),
              (err: unknown) => fail(new LoadFailed(err)),
            );
        },
      };
    },
  };
}

/**
 * A component of a module behind a Suspense of its own, showing `fallback` meanwhile; if
 * its code does not arrive, an error with Try again in its place.
 */
export function later<M, P extends object>(
  from: ReturnType<typeof loader<M>>,
  pick: (module: M) => ComponentType<P>,
  fallback: ReactNode = null,
): ComponentType<P> {
  // React keeps a lazy component's failure: a retry needs a new one.
  const make = () =>
    lazy(
      () => from.read(pick) as unknown as Promise<{ default: ComponentType<P> }>,
    ) as unknown as ComponentType<P>;
  let Lazy = make();
  return function Later(props: P) {
    // A new boundary for each try: it starts with no failure.
    const [attempt, setAttempt] = useState(0);
    return (
      <LoadBoundary
        key={attempt}
        onRetry={() => {
          Lazy = make();
          setAttempt((n) => n + 1);
        }}
      >
        <Suspense fallback={fallback}>
          <Lazy {...props} />
        </Suspense>
      </LoadBoundary>
    );
  };
}

/** What the reader shows while a message opens: the same as while its body is fetched. */
function Opening() {
  const { t } = useTranslation();
  return <Loading what={t('reader.opening')} />;
}
const opening = <Opening />;

const settings = loader(() => import('../settings/SettingsDialog.js'));
const shortcuts = loader(() => import('./ShortcutsDialog.js'));
const move = loader(() => import('./MoveDialog.js'));
const folderDialogs = loader(() => import('./FolderDialogs.js'));
const transferDialogs = loader(() => import('./TransferDialogs.js'));
const sending = loader(() => import('../compose/SendingPane.js'));
const messageView = loader(() => import('./MessageView.js'));
const conversation = loader(() => import('./Conversation.js'));
const messageTools = loader(() => import('./MessageTools.js'));

export const SettingsDialog = later(settings, (m) => m.SettingsDialog);
export const ShortcutsDialog = later(shortcuts, (m) => m.ShortcutsDialog);
export const MoveDialog = later(move, (m) => m.MoveDialog);
export const FolderNameDialog = later(folderDialogs, (m) => m.FolderNameDialog);
export const FolderMoveDialog = later(folderDialogs, (m) => m.FolderMoveDialog);
export const FolderDeleteDialog = later(folderDialogs, (m) => m.FolderDeleteDialog);
export const ImportDialog = later(transferDialogs, (m) => m.ImportDialog);
export const ExportDialog = later(transferDialogs, (m) => m.ExportDialog);
export const SendingPane = later(sending, (m) => m.SendingPane);
export const MessageView = later(messageView, (m) => m.MessageView, opening);
export const Conversation = later(conversation, (m) => m.Conversation, opening);
export const MessageTools = later(messageTools, (m) => m.MessageTools);

/** Once the first rows are painted: the rest, when the page has nothing else to do. */
export function preloadLater(): void {
  whenIdle(() => {
    for (const view of [messageView, conversation, messageTools]) view.preload();
    whenIdle(() => {
      for (const view of [shortcuts, move, folderDialogs, transferDialogs, sending]) view.preload();
    });
  });
}
