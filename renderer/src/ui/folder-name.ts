// A folder's name as the sidebar, titles and notices say it: a folder with a role (Inbox,
// Sent, Trash…) by the role's name in the UI's language, as mail clients do; any other by
// its own name.
import type { Mailbox } from '../../../common/types.js';
import { i18n } from '../i18n/index.js';

export const folderName = (m: Pick<Mailbox, 'role' | 'name'>): string =>
  m.role ? i18n.t(`folders.roles.${m.role}`) : m.name;
