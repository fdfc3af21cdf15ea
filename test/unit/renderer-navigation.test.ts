// Getting around without the mouse and in any window: `g` then a letter goes to a folder
// (and is forgotten when the letter comes too late), [ and ] walk the sidebar's order, t
// switches conversations, Escape goes back (Backspace too, where it does not delete); every key is in the `?` list; the
// panes' layout for a width, and how far a divider may go so the reader keeps its minimum.
import { describe, expect, it } from 'vitest';
import { UI_ACTIONS, type Account, type Mailbox } from '../../common/types.js';
import {
  goPlace,
  sidebarPlaces,
  stepPlace,
  type Place,
} from '../../renderer/src/state/folder-order.js';
import { layoutFor, paneMax, READER_MIN } from '../../renderer/src/state/layout.js';
import {
  freshKeys,
  GO_KEYS,
  handleKey,
  PREFIX_MS,
  SHIFT_KEYS,
  SINGLE_KEYS,
  LIST_KEY_ACTIONS,
  type KeyActions,
  type KeyState,
} from '../../renderer/src/state/use-keys.js';
import { SHORTCUTS } from '../../renderer/src/ui/ShortcutsDialog.js';
import { en } from '../../renderer/src/i18n/en.js';

function typist() {
  const log: string[] = [];
  const actions = Object.fromEntries(
    [...UI_ACTIONS, ...LIST_KEY_ACTIONS].map((n) => [n, () => log.push(n)]),
  ) as KeyActions;
  const state: KeyState = freshKeys();
  const press = (key: string, at: number, init: Partial<KeyboardEvent> = {}, target?: unknown) =>
    handleKey(
      {
        key,
        ctrlKey: false,
        metaKey: false,
        altKey: false,
        shiftKey: false,
        target: target ?? null,
        ...init,
      } as KeyboardEvent,
      actions,
      state,
      at,
    );
  return { log, press };
}

describe('the keys for getting around', () => {
  it('takes g then a letter as a folder to go to, Gmail’s letters and # for the Trash', () => {
    const t = typist();
    for (const [letter, shift] of [
      ['i', false],
      ['t', false],
      ['d', false],
      ['a', false],
      ['s', false],
      ['#', true],
    ] as const) {
      expect(t.press('g', 1000)).toBe(true);
      // Shift on its own (for #) does not break the sequence.
      if (shift) expect(t.press('Shift', 1100, { shiftKey: true })).toBe(false);
      expect(t.press(letter, 1200, { shiftKey: shift })).toBe(true);
    }
    expect(t.log).toEqual(['goInbox', 'goSent', 'goDrafts', 'goArchive', 'goFlagged', 'goTrash']);
  });

  it('forgets a g whose letter comes too late, and lets another key after g be itself', () => {
    const t = typist();
    t.press('g', 1000);
    t.press('a', 1000 + PREFIX_MS + 1);
    t.press('g', 5000);
    t.press('j', 5100);
    // After j the g is spent: this i is not "go to the Inbox".
    t.press('i', 5200);
    expect(t.log).toEqual(['replyAll', 'next']);
  });

  it('maps [ ] t Escape Backspace, also [ ] typed with AltGr, and leaves fields alone', () => {
    const t = typist();
    for (const key of ['[', ']', 't', 'Escape', 'Backspace']) t.press(key, 0);
    // Backspace goes back from a narrow reader, else deletes: the app decides (`erase`).
    expect(t.log).toEqual(['previousFolder', 'nextFolder', 'threads', 'back', 'erase']);
    const altGr = {
      ctrlKey: true,
      altKey: true,
      getModifierState: (k: string) => k === 'AltGraph',
    };
    expect(t.press(']', 0, altGr)).toBe(true);
    expect(t.press(']', 0, { ctrlKey: true })).toBe(false);
    const field = { closest: (sel: string) => (sel.startsWith('input') ? {} : null) };
    expect(t.press('Backspace', 0, {}, field)).toBe(false);
    expect(t.press('g', 0, {}, field)).toBe(false);
    expect(t.log.slice(5)).toEqual(['nextFolder']);
  });

  it('lists every key in the ? dialog, and every action has a key', () => {
    const rows: string[] = SHORTCUTS.map((row) => en.shortcuts.rows[row].keys);
    const sequences = rows.filter((k) => k.startsWith('g then ')).map((k) => k.slice(7));
    const singles = new Set(
      rows.filter((k) => !k.startsWith('g then ')).flatMap((k) => k.split(/ or | \/ |, /)),
    );
    expect(Object.keys(SINGLE_KEYS).filter((k) => !singles.has(k))).toEqual([]);
    expect(Object.keys(SHIFT_KEYS).filter((k) => !singles.has(`Shift+${k}`))).toEqual([]);
    expect(sequences.sort()).toEqual(Object.keys(GO_KEYS).sort());
    const bound = new Set<string>([
      ...Object.values(SINGLE_KEYS),
      ...Object.values(SHIFT_KEYS),
      ...Object.values(GO_KEYS),
      'open',
      'selectAll',
    ]);
    expect([...UI_ACTIONS, ...LIST_KEY_ACTIONS].filter((a) => !bound.has(a))).toEqual([]);
  });
});

const account = (id: number): Account =>
  ({ id, email: `u${id}@example.test`, name: '' }) as unknown as Account;
const box = (id: number, accountId: number, path: string, role: Mailbox['role']): Mailbox =>
  ({ id, accountId, path, name: path, role, delimiter: '/', unread: 0 }) as unknown as Mailbox;

describe('the folders’ order and where g goes', () => {
  const accounts = [account(1), account(2)];
  const mailboxes = [
    box(10, 1, 'Trash', 'trash'),
    box(11, 1, 'INBOX', 'inbox'),
    box(12, 1, 'Sent', 'sent'),
    box(13, 1, 'Projects', null),
    box(20, 2, 'INBOX', 'inbox'),
    box(21, 2, '[Gmail]/All Mail', 'all'),
    box(22, 2, '[Gmail]/Starred', 'flagged'),
  ];
  const places = sidebarPlaces(accounts, mailboxes);
  const ids = (ps: (Place | null)[]) =>
    ps.map((p) =>
      !p ? null : p.kind === 'mailbox' ? p.mailboxId : p.kind === 'sending' ? p.view : p.kind,
    );

  it('walks the sidebar top to bottom and stops at either end', () => {
    expect(ids(places)).toEqual(['outbox', 'drafts', 'unified', 11, 12, 10, 13, 20, 22, 21]);
    const last = places[places.length - 1]!;
    expect(ids([stepPlace(places, last, 1), stepPlace(places, places[0]!, -1)])).toEqual([
      21,
      'outbox',
    ]);
    expect(ids([stepPlace(places, { kind: 'mailbox', mailboxId: 12 }, 1)])).toEqual([10]);
    expect(ids([stepPlace(places, null, 1), stepPlace([], null, 1)])).toEqual(['outbox', null]);
  });

  it('goes to the role’s folder in the account being read', () => {
    const ctx = (current: Place | null, openAccountId: number | null = null) => ({
      accounts,
      mailboxes,
      current,
      openAccountId,
    });
    const inSent = ctx({ kind: 'mailbox', mailboxId: 12 });
    expect(goPlace('inbox', inSent)).toEqual({ kind: 'mailbox', mailboxId: 11 });
    expect(goPlace('trash', inSent)).toEqual({ kind: 'mailbox', mailboxId: 10 });
    // The unified Inbox outside one account's folder.
    expect(goPlace('inbox', ctx(null))).toEqual({ kind: 'unified', mailboxIds: [11, 20] });
    // The open message's account, when the list is not one account's.
    expect(goPlace('sent', ctx({ kind: 'unified', mailboxIds: [11, 20] }, 1))).toEqual({
      kind: 'mailbox',
      mailboxId: 12,
    });
    const gmail = ctx({ kind: 'mailbox', mailboxId: 20 });
    expect(goPlace('archive', gmail)).toEqual({ kind: 'mailbox', mailboxId: 21 });
    expect(goPlace('flagged', gmail)).toEqual({ kind: 'mailbox', mailboxId: 22 });
    // No Starred folder: a search for flagged mail; no Drafts: nowhere.
    expect(goPlace('flagged', inSent)).toEqual({ kind: 'search', query: 'is:flagged' });
    expect(goPlace('drafts', gmail)).toBeNull();
  });
});

describe('the panes for a width', () => {
  it('keeps the folders beside the list only when wide, and one pane at a time when narrow', () => {
    expect([1440, 1100, 1099, 800, 760, 759, 500].map(layoutFor)).toEqual([
      'wide',
      'wide',
      'medium',
      'medium',
      'medium',
      'narrow',
      'narrow',
    ]);
  });

  it('stops a divider where the reader would get less than its minimum', () => {
    // 1440 wide, folders 220 (+ divider): the list may reach 1440 - 225 - 360 - 10.
    expect(paneMax(1440, 225, 1000)).toBe(1440 - 225 - READER_MIN - 10);
    expect(paneMax(3000, 225, 1000)).toBe(1000);
    expect(paneMax(500, 425, 480)).toBe(0);
  });
});
