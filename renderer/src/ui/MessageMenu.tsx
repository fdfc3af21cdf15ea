// A message row's context menu: the menu (Menu.tsx) with what can be done to the messages
// it acts on (the row, or the selection the row is in).
import type { MessageSummary } from '../../../common/types.js';
import { useTranslation } from '../i18n/index.js';
import { rowMenuKeys, type RowMenuKey } from '../state/row-menu.js';
import { Menu, type MenuAt } from './Menu.js';

export function MessageMenu(props: {
  messages: readonly MessageSummary[];
  at: MenuAt;
  onPick(key: RowMenuKey): void;
  onClose(): void;
}) {
  const { t } = useTranslation();
  return (
    <Menu
      label={t('list.menu', { count: props.messages.length })}
      items={rowMenuKeys(props.messages).map((key) => ({
        key,
        label: key === 'export' ? t('transfer.exportMenu') : t(`list.menuItems.${key}`),
        danger: key === 'delete',
      }))}
      at={props.at}
      onPick={props.onPick}
      onClose={props.onClose}
    />
  );
}
