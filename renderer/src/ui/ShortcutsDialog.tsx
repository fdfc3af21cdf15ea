// "?": every key of the app, in one place.
import { useTranslation } from '../i18n/index.js';
import { Dialog } from './Dialog.js';

// The rows in the order shown; their keys and words are the catalog's (shortcuts.rows).
export const SHORTCUTS = [
  'step',
  'open',
  'search',
  'compose',
  'reply',
  'replyAll',
  'forward',
  'flag',
  'read',
  'archive',
  'trash',
  'junk',
  'move',
  'undo',
  'back',
  'folder',
  'arrows',
  'goInbox',
  'goSent',
  'goDrafts',
  'goArchive',
  'goFlagged',
  'goTrash',
  'threads',
  'select',
  'selectAll',
  'menu',
  'help',
] as const;

export function ShortcutsDialog(props: { onClose(): void }) {
  const { t } = useTranslation();
  return (
    <Dialog title={t('shortcuts.title')} onClose={props.onClose} className="shortcuts-dialog">
      <table className="shortcuts">
        <tbody>
          {SHORTCUTS.map((row) => (
            <tr key={row}>
              <th scope="row">
                <kbd>{t(`shortcuts.rows.${row}.keys`)}</kbd>
              </th>
              <td>{t(`shortcuts.rows.${row}.what`)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </Dialog>
  );
}
