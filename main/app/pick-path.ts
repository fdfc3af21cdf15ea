// The native file picker as plain data (no electron import, so it is tested without the
// binary): what the page asked for, turned into the options of Electron's open or save
// dialog, and the dialog's answer turned into one path or none.
import { isPickKind, type PickKind } from '../../common/ipc.js';

/** A window title is a line of text, not a page's essay. */
const TITLE_MAX = 200;

/** The part of Electron's OpenDialogOptions used here. */
export interface OpenOptions {
  title: string;
  properties: ('openFile' | 'openDirectory' | 'createDirectory' | 'promptToCreate')[];
}

/** The part of Electron's SaveDialogOptions used here. */
export interface SaveOptions {
  title: string;
  properties: ('createDirectory' | 'showOverwriteConfirmation')[];
}

export type PickerOptions =
  { dialog: 'open'; options: OpenOptions } | { dialog: 'save'; options: SaveOptions };

/** What Electron's showOpenDialog or showSaveDialog resolves to. */
export interface PickerAnswer {
  canceled: boolean;
  filePaths?: string[];
  filePath?: string;
}

/** The page's request checked: a known kind and a title of one short line, or null. */
export function pickRequest(
  kind: unknown,
  title: unknown,
): { kind: PickKind; title: string } | null {
  if (!isPickKind(kind) || typeof title !== 'string') return null;
  return { kind, title: title.replace(/[\r\n\t]+/g, ' ').slice(0, TITLE_MAX) };
}

export function pickerOptions(kind: PickKind, title: string): PickerOptions {
  switch (kind) {
    case 'open-file':
      return { dialog: 'open', options: { title, properties: ['openFile'] } };
    case 'open-folder':
      // An export's folder of .eml files may not exist yet: it can be made from the picker.
      return {
        dialog: 'open',
        options: { title, properties: ['openDirectory', 'createDirectory', 'promptToCreate'] },
      };
    case 'save-file':
      // The core refuses to write over a file unless asked, and the app asks then: the
      // platform's own "replace?" would be a second question about the same thing.
      return { dialog: 'save', options: { title, properties: ['createDirectory'] } };
  }
}

/** The one path picked, or null when the dialog was cancelled or gave none. */
export function pickedPath(answer: PickerAnswer): string | null {
  if (answer.canceled) return null;
  const path = answer.filePath ?? answer.filePaths?.[0];
  return typeof path === 'string' && path !== '' ? path : null;
}
