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
  ['Escape or Backspace', 'Back to the list (where the message took its place)'],
  ['[ / ]', 'Previous / next folder'],
  ['↑ / ↓', 'Move between folders (in the folder list)'],
  ['g then i', 'Go to the Inbox'],
  ['g then t', 'Go to Sent'],
  ['g then d', 'Go to Drafts'],
  ['g then a', 'Go to the Archive (or All mail)'],
  ['g then s', 'Go to starred (flagged) mail'],
  ['g then #', 'Go to the Trash'],
  ['t', 'Conversations on or off'],
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
