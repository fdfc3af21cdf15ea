// The sidebar's folder editing as data: the folders of a role offer only "New subfolder";
// a folder moves to the top or under any folder of its account but itself, its subfolders
// and the parent it is in; a delete counts the messages of the folder and its subfolders.
import { describe, expect, it } from 'vitest';
import type { Mailbox } from '../../common/types.js';
import {
  deletedWith,
  folderActions,
  moveTargets,
  parentOf,
  subfoldersOf,
} from '../../renderer/src/state/folder-tree.js';

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
  it('offers the folders of a role only a subfolder', () => {
    expect(folderActions(inbox)).toEqual(['newSubfolder']);
    expect(folderActions(sent)).toEqual(['newSubfolder']);
    expect(folderActions(projects)).toEqual(['newSubfolder', 'rename', 'move', 'delete']);
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
