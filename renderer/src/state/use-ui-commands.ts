// What the desktop shell asks of the page (the `ui.command` event): a menu item's action,
// a new message from a mailto: link, the settings, the folder of a clicked notification. The served UI never receives one.
import { useEffect, useRef } from 'react';
import type { UiCommand } from '../../../common/types.js';
import type { MaildockClient } from '../client/client.js';
import type { KeyActions } from './use-keys.js';

export interface UiCommandHandlers {
  actions: KeyActions;
  compose(fields: Omit<Extract<UiCommand, { command: 'compose' }>, 'command'>): void;
  settings(): void;
  openMailbox(mailboxId: number): void;
}

export function runUiCommand(command: UiCommand, h: UiCommandHandlers): void {
  switch (command.command) {
    case 'action':
      h.actions[command.action]();
      return;
    case 'compose': {
      const { command: _, ...fields } = command;
      h.compose(fields);
      return;
    }
    case 'settings':
      h.settings();
      return;
    case 'open-mailbox':
      h.openMailbox(command.mailboxId);
      return;
  }
}

export function useUiCommands(client: MaildockClient, handlers: UiCommandHandlers): void {
  const latest = useRef(handlers);
  latest.current = handlers;
  useEffect(() => client.on('ui.command', (c) => runUiCommand(c, latest.current)), [client]);
}
