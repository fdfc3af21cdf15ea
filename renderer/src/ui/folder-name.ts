// A folder's name as the sidebar, titles and notices say it: a folder with a role (Inbox,
// Sent, Trash…) by the role's name in the UI's language, as mail clients do; any other by
// its own name. Where folders are listed by path (the Move dialogs), a local folder's path
// starts with "Local Folders" in the UI's language.
import { localName } from '../../../common/local-folders.js';
import type { Mailbox } from '../../../common/types.js';
import { i18n } from '../i18n/index.js';

export const folderName = (m: Pick<Mailbox, 'role' | 'name'>): string =>
  m.role ? i18n.t(`folders.roles.${m.role}`) : m.name;

/** A local folder's path under Local Folders: "Local Folders/Old/2019". */
export const localFolderLabel = (m: Pick<Mailbox, 'path'>): string =>
  i18n.t('localFolders.path', { path: localName(m.path) });

/** A folder as a list of targets names it: by its role's name, else by its path. */
export const folderPathLabel = (m: Pick<Mailbox, 'role' | 'name' | 'path' | 'local'>): string =>
  m.local ? localFolderLabel(m) : m.role ? folderName(m) : m.path;
