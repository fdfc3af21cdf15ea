// A folder's context menu: the menu (Menu.tsx) with the folder's actions; the focus goes
// back to the folder unless a dialog takes it.
import { useTranslation } from '../i18n/index.js';
import type { FolderAction } from '../state/folder-tree.js';
import { Menu, type MenuAt } from './Menu.js';

export type { MenuAt } from './Menu.js';

export function FolderMenu(props: {
  folder: string;
  actions: FolderAction[];
  at: MenuAt;
  onPick(action: FolderAction): void;
  /** Closed without a pick: the focus goes back to the folder. */
  onClose(): void;
}) {
  const { t } = useTranslation();
  const label = (action: FolderAction) =>
    action === 'import'
      ? t('transfer.importMessages')
      : action === 'export'
        ? t('transfer.exportMenu')
        : t(`folders.${action}`);
  return (
    <Menu
      label={t('folders.menu', { folder: props.folder })}
      items={props.actions.map((action) => ({
        key: action,
        label: label(action),
        danger: action === 'delete',
      }))}
      at={props.at}
      onPick={props.onPick}
      onClose={props.onClose}
    />
  );
}
