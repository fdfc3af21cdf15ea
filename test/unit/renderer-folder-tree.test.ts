// The sidebar's folder editing as data: the folders of a role offer only "New subfolder",
// import and export; a folder moves to the top or under any folder of its account but
// itself, its subfolders and the parent it is in; a delete counts the messages of the
// folder and its subfolders. Local folders are a tree of their own beside the server's (a
// server folder called "Local Folders" included): neither moves into the other, and the
// sidebar shows them last.
import { describe, expect, it } from 'vitest';
import type { Mailbox } from '../../common/types.js';
import {
  deletedWith,
  folderActions,
  moveTargets,
  parentOf,
  subfoldersOf,
} from '../../renderer/src/state/folder-tree.js';
import { orderedMailboxes } from '../../renderer/src/state/folder-order.js';

let nextId = 1;
function box(path: string, more: Partial<Mailbox> = {}): Mailbox {
  return {
    id: nextId++,
    accountId: 1,
    path,
    name: path.split('/').at(-1)!,
    delimiter: '/',
    role: null,
    uidValidity: null,
    uidNext: null,
    highestModseq: null,
    total: 0,
    unread: 0,
    local: path.startsWith('Local Folders/'),
    ...more,
  };
}

const inbox = box('INBOX', { role: 'inbox', total: 4 });
const sent = box('Sent', { role: 'sent' });
const projects = box('Projects', { total: 3 });
const y2026 = box('Projects/2026', { total: 5 });
const deep = box('Projects/2026/Q1', { total: 2 });
const projects2 = box('Projects2', { total: 7 });
const other = box('Projects', { accountId: 2, total: 11 });
const all = [inbox, sent, projects, y2026, deep, projects2, other];
const paths = (list: (Mailbox | null)[]) => list.map((m) => m?.path ?? null);

describe('folder actions', () => {
  it('offers the folders of a role only a subfolder, import and export', () => {
    expect(folderActions(inbox)).toEqual(['newSubfolder', 'import', 'export']);
    expect(folderActions(sent)).toEqual(['newSubfolder', 'import', 'export']);
    expect(folderActions(projects)).toEqual([
      'newSubfolder',
      'rename',
      'move',
      'import',
      'export',
      'delete',
    ]);
  });

  it('finds subfolders at any depth, in the same account, not by a shared prefix', () => {
    expect(paths(subfoldersOf(all, projects))).toEqual(['Projects/2026', 'Projects/2026/Q1']);
    expect(subfoldersOf(all, deep)).toEqual([]);
  });

  it('finds the parent, or null at the top', () => {
    expect(parentOf(all, deep)).toBe(y2026);
    expect(parentOf(all, projects)).toBeNull();
  });

  it('counts what a delete takes with it', () => {
    expect(deletedWith(all, projects)).toEqual({ messages: 10, subfolders: 2 });
    expect(deletedWith(all, projects2)).toEqual({ messages: 7, subfolders: 0 });
  });

  it('moves a folder anywhere in its account but into itself or where it is', () => {
    // At the top already: the top is not offered; itself and its subfolders are not either.
    expect(paths(moveTargets(all, projects))).toEqual(['INBOX', 'Projects2', 'Sent']);
    // Under Projects: the top is offered, Projects (its parent) is not.
    expect(paths(moveTargets(all, y2026))).toEqual([null, 'INBOX', 'Projects2', 'Sent']);
    expect(paths(moveTargets(all, deep))).toEqual([null, 'INBOX', 'Projects', 'Projects2', 'Sent']);
  });

  it('has nowhere to move a folder on a server that keeps its folders flat', () => {
    const flat = box('Notes', { delimiter: null });
    expect(moveTargets([flat, box('Other', { delimiter: null })], flat)).toEqual([]);
  });
});

describe('local folders', () => {
  // A server folder that happens to be called "Local Folders", with a subfolder, beside the
  // account's local folders (whose paths start the same).
  const serverLocal = box('Local Folders', { total: 1 });
  const serverLocalSub = box('Local Folders/Notes', { total: 1, local: false });
  const old = box('Local Folders/Old', { total: 4 });
  const y2019 = box('Local Folders/Old/2019', { total: 6 });
  const keep = box('Local Folders/Keep', { total: 2 });
  const otherAccount = box('Local Folders/Elsewhere', { accountId: 2 });
  const tree = [
    inbox,
    projects,
    y2026,
    serverLocal,
    serverLocalSub,
    old,
    y2019,
    keep,
    otherAccount,
  ];

  it('offers a local folder every action, as any folder without a role', () => {
    expect(folderActions(old)).toEqual([
      'newSubfolder',
      'rename',
      'move',
      'import',
      'export',
      'delete',
    ]);
  });

  it('has the Local Folders root (null) above a local folder, not a server folder of that path', () => {
    expect(parentOf(tree, old)).toBeNull();
    expect(parentOf(tree, y2019)).toBe(old);
    expect(parentOf(tree, serverLocalSub)).toBe(serverLocal);
  });

  it('counts only local subfolders in a local delete, and no local one in a server delete', () => {
    expect(paths(subfoldersOf(tree, old))).toEqual(['Local Folders/Old/2019']);
    expect(deletedWith(tree, old)).toEqual({ messages: 10, subfolders: 1 });
    expect(paths(subfoldersOf(tree, serverLocal))).toEqual(['Local Folders/Notes']);
    expect(deletedWith(tree, serverLocal)).toEqual({ messages: 2, subfolders: 1 });
  });

  it('moves a local folder only among the local folders of its account', () => {
    // At the root already: no root offered, and neither itself nor its subfolder.
    expect(paths(moveTargets(tree, old))).toEqual(['Local Folders/Keep']);
    // Under Old: the root is offered, Old (where it is) is not.
    expect(paths(moveTargets(tree, y2019))).toEqual([null, 'Local Folders/Keep']);
    expect(paths(moveTargets(tree, keep))).toEqual(['Local Folders/Old', 'Local Folders/Old/2019']);
  });

  it('never offers a local folder as the new parent of a server folder', () => {
    expect(paths(moveTargets(tree, y2026))).toEqual([
      null,
      'INBOX',
      'Local Folders',
      'Local Folders/Notes',
    ]);
    expect(paths(moveTargets(tree, serverLocalSub))).toEqual([
      null,
      'INBOX',
      'Projects',
      'Projects/2026',
    ]);
  });

  it('shows the local folders after all the server folders, by path', () => {
    const zed = box('Zed');
    expect(paths(orderedMailboxes([keep, zed, y2019, serverLocal, old, inbox]))).toEqual([
      'INBOX',
      'Local Folders',
      'Zed',
      'Local Folders/Keep',
      'Local Folders/Old',
      'Local Folders/Old/2019',
    ]);
  });
});
