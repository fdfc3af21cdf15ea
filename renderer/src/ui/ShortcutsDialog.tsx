// "?": every key of the app, in one place.
import { Dialog } from './Dialog.js';

export const SHORTCUTS: [string, string][] = [
  ['j / k', 'Next / previous message'],
  ['Enter', 'Open the message'],
  ['/', 'Search'],
  ['c', 'Compose'],
  ['r', 'Reply'],
  ['a', 'Reply all'],
  ['f', 'Forward'],
  ['s', 'Flag or unflag'],
  ['u', 'Mark read or unread'],
  ['e', 'Archive'],
  ['#', 'Delete'],
  ['v', 'Move to a folder'],
  ['z or Ctrl+Z', 'Undo'],
  ['Shift+click, Ctrl+click', 'Select a range, add one'],
  ['?', 'This list'],
];

export function ShortcutsDialog(props: { onClose(): void }) {
  return (
    <Dialog title="Keyboard shortcuts" onClose={props.onClose} className="shortcuts-dialog">
      <table className="shortcuts">
        <tbody>
          {SHORTCUTS.map(([keys, what]) => (
            <tr key={keys}>
              <th scope="row">
                <kbd>{keys}</kbd>
              </th>
              <td>{what}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </Dialog>
  );
}
