// The top bar: the folders' button (when the folders are in a drawer), Compose, search, what
// sync is doing, and the app's switches. It wraps in a narrow window rather than dropping
// anything (layout.css).
import type { Ref } from 'react';
import type { Account } from '../../../common/types.js';
import { ComposeButton } from '../compose/ComposeLayer.js';
import type { Composer } from '../compose/use-composer.js';
import { SettingsButton } from '../settings/SettingsButton.js';
import { NotifyButton } from './NotifyButton.js';
import { SearchBox } from './SearchBox.js';
import { SyncStatus } from './SyncStatus.js';
import { ThemeSwitch } from './ThemeSwitch.js';
import { useTranslation } from '../i18n/index.js';

export function TopBar(props: {
  /** Shown when the folders are in a drawer: opens it. */
  onFolders: (() => void) | null;
  foldersOpen: boolean;
  composer: Composer;
  searchRef: Ref<HTMLInputElement>;
  query: string | null;
  onSearch(query: string): void;
  onClearSearch(): void;
  accounts: readonly Account[];
  onSync(): void;
  onSettings(): void;
}) {
  const { t } = useTranslation();
  return (
    <header className="topbar">
      {props.onFolders ? (
        <button
          type="button"
          className="folders-button"
          aria-label={t('topbar.folders')}
          aria-expanded={props.foldersOpen}
          title={t('topbar.foldersTitle')}
          onClick={props.onFolders}
        >
          <span aria-hidden="true">☰</span>
        </button>
      ) : null}
      <span className="brand">{t('app.name')}</span>
      <ComposeButton composer={props.composer} />
      <SearchBox
        inputRef={props.searchRef}
        active={props.query}
        onSearch={props.onSearch}
        onClear={props.onClearSearch}
      />
      <SyncStatus accounts={props.accounts} onOpen={props.onSync} />
      <NotifyButton />
      <ThemeSwitch />
      <SettingsButton onOpen={props.onSettings} />
    </header>
  );
}
