// The application menu as data: the mail actions with the keys the mailbox already answers
// to. Single keys are shown, not registered (registerAccelerator: false), so typing in
// compose or search is never taken by the menu; a click sends the same action to the page.
import type { UiAction, UiCommand } from '../../common/types.js';
import type { TrayPlatform } from './tray-model.js';

export type MenuCommand = UiCommand | { command: 'sync' } | { command: 'quit' };

export type MenuModelItem =
  | { type: 'separator' }
  | { type: 'role'; role: string }
  | {
      type: 'command';
      label: string;
      command: MenuCommand;
      accelerator?: string;
      /** false: the key is the page's own; the menu only shows it. */
      registerAccelerator: boolean;
    };

export interface MenuModelSection {
  label: string;
  items: MenuModelItem[];
}

const action = (label: string, a: UiAction, key: string): MenuModelItem => ({
  type: 'command',
  label,
  command: { command: 'action', action: a },
  accelerator: key,
  registerAccelerator: false,
});

/** A key sequence (g then a letter) has no accelerator: the label says it. */
const goTo = (label: string, a: UiAction, key: string): MenuModelItem => ({
  type: 'command',
  label: `${label} (g then ${key})`,
  command: { command: 'action', action: a },
  registerAccelerator: false,
});

const SETTINGS: MenuModelItem = {
  type: 'command',
  label: 'Settings…',
  command: { command: 'settings' },
  accelerator: 'CmdOrCtrl+,',
  registerAccelerator: true,
};

export function menuModel(platform: TrayPlatform): MenuModelSection[] {
  const mac = platform === 'darwin';
  const sections: MenuModelSection[] = [];
  if (mac) {
    sections.push({
      label: 'Maildock',
      items: [
        { type: 'role', role: 'about' },
        { type: 'separator' },
        SETTINGS,
        { type: 'separator' },
        { type: 'role', role: 'hide' },
        { type: 'role', role: 'hideOthers' },
        { type: 'separator' },
        { type: 'role', role: 'quit' },
      ],
    });
  }
  sections.push(
    {
      label: mac ? 'File' : '&File',
      items: [
        action('New Message', 'compose', 'C'),
        {
          type: 'command',
          label: 'Sync Now',
          command: { command: 'sync' },
          accelerator: 'CmdOrCtrl+Shift+R',
          registerAccelerator: true,
        },
        ...(mac
          ? []
          : ([
              { type: 'separator' },
              SETTINGS,
              { type: 'separator' },
              {
                type: 'command',
                label: 'Quit',
                command: { command: 'quit' },
                accelerator: 'CmdOrCtrl+Q',
                registerAccelerator: true,
              },
            ] satisfies MenuModelItem[])),
      ],
    },
    {
      label: mac ? 'Edit' : '&Edit',
      items: [
        { type: 'role', role: 'undo' },
        { type: 'role', role: 'redo' },
        { type: 'separator' },
        { type: 'role', role: 'cut' },
        { type: 'role', role: 'copy' },
        { type: 'role', role: 'paste' },
        // Ctrl/⌘+A is the role's: a field's text where the focus is in one; in the list the
        // page takes the key first and selects its messages.
        { type: 'role', role: 'selectAll' },
        // No key of its own: a second Ctrl/⌘+A would take the role's on macOS.
        {
          type: 'command',
          label: 'Select All Messages',
          command: { command: 'action', action: 'selectAll' },
          registerAccelerator: false,
        },
        { type: 'separator' },
        action('Find in Mail', 'search', '/'),
      ],
    },
    {
      label: mac ? 'Message' : '&Message',
      items: [
        action('Next', 'next', 'J'),
        action('Previous', 'previous', 'K'),
        action('Open', 'open', 'Enter'),
        { type: 'separator' },
        action('Reply', 'reply', 'R'),
        action('Reply All', 'replyAll', 'A'),
        action('Forward', 'forward', 'F'),
        { type: 'separator' },
        action('Flag', 'flag', 'S'),
        action('Mark Read / Unread', 'read', 'U'),
        action('Archive', 'archive', 'E'),
        action('Delete', 'trash', 'Shift+3'),
        action('Junk / Not Junk', 'junk', 'Shift+J'),
        action('Move to…', 'move', 'V'),
        action('Undo Last Action', 'undo', 'Z'),
      ],
    },
    {
      label: mac ? 'View' : '&View',
      items: [
        action('Conversations', 'threads', 'T'),
        action('Back to List', 'back', 'Escape'),
        { type: 'separator' },
        { type: 'role', role: 'resetZoom' },
        { type: 'role', role: 'zoomIn' },
        { type: 'role', role: 'zoomOut' },
        { type: 'separator' },
        { type: 'role', role: 'togglefullscreen' },
      ],
    },
    {
      label: mac ? 'Go' : '&Go',
      items: [
        goTo('Inbox', 'goInbox', 'i'),
        goTo('Sent', 'goSent', 't'),
        goTo('Drafts', 'goDrafts', 'd'),
        goTo('Archive', 'goArchive', 'a'),
        goTo('Starred', 'goFlagged', 's'),
        goTo('Trash', 'goTrash', '#'),
        { type: 'separator' },
        action('Next Folder', 'nextFolder', ']'),
        action('Previous Folder', 'previousFolder', '['),
      ],
    },
    {
      label: mac ? 'Window' : '&Window',
      items: [
        { type: 'role', role: 'minimize' },
        { type: 'role', role: 'close' },
      ],
    },
    { label: mac ? 'Help' : '&Help', items: [action('Keyboard Shortcuts', 'help', '?')] },
  );
  return sections;
}
