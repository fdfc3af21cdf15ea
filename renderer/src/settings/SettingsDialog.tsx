// Settings in one dialog: accounts (and adding one), sync, the bundled mail stack, backups,
// and the app itself. Opened from the gear in the top bar, the sync status, or the empty state.
import { useState, type KeyboardEvent } from 'react';
import type { Account } from '../../../common/types.js';
import { useSession } from '../client/context.js';
import { SignOutSection } from '../signin/SignOutSection.js';
import { Dialog } from '../ui/Dialog.js';
import { AccountEdit } from './AccountEdit.js';
import { AccountSetup } from './AccountSetup.js';
import { AccountsList } from './AccountsList.js';
import { AppPanel } from './AppPanel.js';
import { BackupPanel } from './BackupPanel.js';
import { StackPanel } from './StackPanel.js';
import { SyncPanel } from './SyncPanel.js';
import { useTranslation } from '../i18n/index.js';
import './settings.css';

export type SettingsTab = 'accounts' | 'add-account' | 'sync' | 'stack' | 'backups' | 'app';
type Tab = Exclude<SettingsTab, 'add-account'>;

const ALL_TABS: { tab: Tab }[] = [
  { tab: 'accounts' },
  { tab: 'sync' },
  { tab: 'stack' },
  { tab: 'backups' },
  { tab: 'app' },
];

const OPERATOR_TABS: readonly Tab[] = ['stack', 'backups'];

export function SettingsDialog(props: {
  open: SettingsTab;
  accounts: readonly Account[];
  /** Accounts were added or removed, or a first sync brought folders: read them again. */
  onAccountsChanged(): void;
  onClose(): void;
}) {
  const { t } = useTranslation();
  // Signed in to the server of many people: its stack and backups are its operator's.
  const session = useSession();
  const TABS = session ? ALL_TABS.filter((x) => !OPERATOR_TABS.includes(x.tab)) : ALL_TABS;
  const first = props.open === 'add-account' ? 'accounts' : props.open;
  const [tab, setTab] = useState<Tab>(TABS.some((x) => x.tab === first) ? first : 'accounts');
  const [adding, setAdding] = useState(props.open === 'add-account');
  const [editing, setEditing] = useState<Account | null>(null);
  const [edited, setEdited] = useState<number | null>(null);
  const endEdit = () => {
    setEdited(editing?.id ?? null);
    setEditing(null);
  };
  const listed = !adding && editing === null;
  const index = TABS.findIndex((x) => x.tab === tab);
  // Arrow keys move between tabs, as a tab list's keyboard pattern has it.
  const onKey = (e: KeyboardEvent) => {
    const step = e.key === 'ArrowRight' ? 1 : e.key === 'ArrowLeft' ? -1 : 0;
    if (!step) return;
    e.preventDefault();
    const next = TABS[(index + step + TABS.length) % TABS.length]!;
    setTab(next.tab);
    document.getElementById(`settings-tab-${next.tab}`)?.focus();
  };
  return (
    <Dialog title={t('settings.title')} onClose={props.onClose} className="settings-dialog">
      <div
        className="settings-tabs"
        role="tablist"
        aria-label={t('settings.title')}
        onKeyDown={onKey}
      >
        {TABS.map((x) => (
          <button
            key={x.tab}
            id={`settings-tab-${x.tab}`}
            type="button"
            role="tab"
            aria-selected={x.tab === tab}
            aria-controls="settings-panel"
            tabIndex={x.tab === tab ? 0 : -1}
            onClick={() => setTab(x.tab)}
          >
            {t(`settings.tabs.${x.tab}`)}
          </button>
        ))}
      </div>
      <div
        id="settings-panel"
        className="settings-panel"
        role="tabpanel"
        aria-labelledby={`settings-tab-${tab}`}
      >
        {tab === 'accounts' && adding ? (
          <AccountSetup
            onAdded={props.onAccountsChanged}
            onSynced={props.onAccountsChanged}
            onShowSync={() => {
              setAdding(false);
              setTab('sync');
            }}
            onCancel={() => setAdding(false)}
          />
        ) : null}
        {tab === 'accounts' && editing ? (
          <AccountEdit
            key={editing.id}
            account={editing}
            onSaved={() => {
              endEdit();
              props.onAccountsChanged();
            }}
            onCancel={endEdit}
            onIdentitiesChanged={props.onAccountsChanged}
          />
        ) : null}
        {tab === 'accounts' && listed ? <SignOutSection /> : null}
        {tab === 'accounts' && listed ? (
          <AccountsList
            accounts={props.accounts}
            onAdd={() => setAdding(true)}
            onEdit={setEditing}
            edited={edited}
            onChanged={props.onAccountsChanged}
          />
        ) : null}
        {tab === 'sync' ? (
          <SyncPanel accounts={props.accounts} onAccountsChanged={props.onAccountsChanged} />
        ) : null}
        {tab === 'stack' ? <StackPanel /> : null}
        {tab === 'backups' ? <BackupPanel /> : null}
        {tab === 'app' ? <AppPanel /> : null}
      </div>
    </Dialog>
  );
}
