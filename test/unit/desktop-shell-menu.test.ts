// The application menu's model (main/app/menu-model.ts), tested without the Electron binary.
import { describe, expect, it } from 'vitest';
import { UI_ACTIONS } from '../../common/types.js';
import { menuModel } from '../../main/app/menu-model.js';

describe('the application menu', () => {
  it('offers every mailbox action with its key, shown but left to the page', () => {
    for (const platform of ['linux', 'darwin', 'win32'] as const) {
      const items = menuModel(platform).flatMap((s) => s.items);
      const actions = items.flatMap((i) =>
        i.type === 'command' && i.command.command === 'action' ? [i.command.action] : [],
      );
      expect(new Set(actions)).toEqual(new Set(UI_ACTIONS));
      for (const i of items) {
        if (i.type !== 'command' || !i.accelerator) continue;
        const modifier = /CmdOrCtrl|Cmd|Ctrl|Alt/.test(i.accelerator);
        // A bare key registered by the menu would be taken from every text field.
        if (!modifier) expect(i.registerAccelerator, i.label).toBe(false);
      }
    }
    expect(menuModel('darwin')[0]!.label).toBe('Maildock');
    expect(menuModel('linux')[0]!.label).toBe('&File');
  });

  it('selects a field’s text with the role’s Select All, and the list’s messages from its own item', () => {
    for (const platform of ['linux', 'darwin', 'win32'] as const) {
      const sections = menuModel(platform);
      const edit = sections.find((s) => s.label.replace('&', '') === 'Edit')!.items;
      // Ctrl/⌘+A stays the role's: in a field it selects the text, as everywhere.
      expect(edit).toContainEqual({ type: 'role', role: 'selectAll' });
      const all = edit.find((i) => i.type === 'command' && i.label === 'Select All Messages');
      expect(all).toMatchObject({
        command: { command: 'action', action: 'selectAll' },
        registerAccelerator: false,
      });
      // No second Ctrl/⌘+A, which on macOS would take the key from the role.
      expect(all && 'accelerator' in all ? all.accelerator : undefined).toBeUndefined();

      const message = sections.find((s) => s.label.replace('&', '') === 'Message')!.items;
      const byAction = (a: string) =>
        message.find(
          (i) => i.type === 'command' && i.command.command === 'action' && i.command.action === a,
        );
      expect(byAction('trash')).toMatchObject({ label: 'Delete', registerAccelerator: false });
      expect(byAction('junk')).toMatchObject({
        label: 'Junk / Not Junk',
        accelerator: 'Shift+J',
        registerAccelerator: false,
      });
    }
  });
});
