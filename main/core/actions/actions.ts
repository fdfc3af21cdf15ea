// What a user does to mail: done in the local store at once, and recorded in the same
// transaction as operations that the sync engine replays to the server (sync/replay.ts).
// Undo (undo.ts) takes back an action.
import type { ActionResult, Selection } from '../../../common/types.js';
import { MaildockError } from '../../../common/errors.js';
import type { ActionRow, FlagArgs, Store } from '../store/index.js';
import { JUNK, junkFolder, NOT_JUNK } from './junk.js';
import { deleteLocal, localFolders, recordLocalMove, type Copies } from './local.js';
import {
  byMailbox,
  changesFlags,
  moveTarget,
  newOperation,
  plural,
  recordFlags,
  recordMove,
  selectedRows,
  type MoveTarget,
} from './records.js';
import { undoAction, type UndoResult } from './undo.js';

export type { MoveTarget } from './records.js';
export type { UndoResult } from './undo.js';

export interface MarkChange {
  read?: boolean;
  flagged?: boolean;
  /** Set by Maildock itself once a reply has left. */
  answered?: boolean;
}

export interface LocalActionsDeps {
  /** The messages fetched whole from their server, for a move into a local folder. */
  copy?(rows: readonly ActionRow[]): Promise<Copies>;
}

export class LocalActions {
  constructor(
    private readonly store: Store,
    private readonly deps: LocalActionsDeps = {},
  ) {}

  /** `undoable: false` for changes the user did not make by hand: undo passes over them. */
  mark(
    sel: Selection,
    change: MarkChange,
    opts: { undoable?: boolean } = {},
  ): Promise<ActionResult> {
    const add: string[] = [];
    const remove: string[] = [];
    if (change.read !== undefined) (change.read ? add : remove).push('\\Seen');
    if (change.flagged !== undefined) (change.flagged ? add : remove).push('\\Flagged');
    if (change.answered !== undefined) (change.answered ? add : remove).push('\\Answered');
    if (!add.length && !remove.length)
      throw new MaildockError(
        'INVALID_INPUT',
        'Say what to mark: read, unread, flagged or unflagged.',
      );
    const words = [
      change.read === true ? 'read' : change.read === false ? 'unread' : null,
      change.flagged === true ? 'flagged' : change.flagged === false ? 'unflagged' : null,
      change.answered === true ? 'answered' : change.answered === false ? 'not answered' : null,
    ].filter(Boolean);

    return this.store.transaction(async (tx) => {
      const args: FlagArgs = { add, remove };
      const rows = (await selectedRows(tx, sel)).filter((r) => changesFlags(r, args));
      const description = `Marked ${plural(rows.length, 'message')} as ${words.join(' and ')}`;
      if (!rows.length) return { actionId: null, affected: 0, description };
      const actionId = await tx.operations.addAction('flags', description);
      await recordFlags(tx, actionId, rows, args);
      if (opts.undoable === false) await tx.operations.markUndone(actionId);
      return { actionId, affected: rows.length, description };
    });
  }

  /**
   * A reply has left: its original (by Message-ID, in the account it came to) is marked
   * \\Answered and replayed like any change. Not the user's own action: undo skips it.
   */
  async markAnswered(accountId: number, messageId: string): Promise<ActionResult> {
    const ids = await this.store.messages.idsByMessageId(accountId, messageId);
    if (!ids.length) return { actionId: null, affected: 0, description: 'No original here' };
    return this.mark({ ids }, { answered: true }, { undoable: false });
  }

  async move(sel: Selection, t: MoveTarget): Promise<ActionResult> {
    // Fetched before the transaction, which waits on nothing but the store.
    const copies = await this.copies(sel, t);
    return this.store.transaction(async (tx) => {
      const rows = await selectedRows(tx, sel);
      const local = await localFolders(
        tx,
        rows.map((r) => r.mailboxId),
      );
      const accounts = new Set(rows.map((r) => r.accountId));
      let actionId: number | null = null;
      let moved = 0;
      let path = '';
      for (const accountId of accounts) {
        const to = await moveTarget(tx, accountId, t);
        path = to.path;
        const list = rows.filter((r) => r.accountId === accountId && r.mailboxId !== to.id);
        if (!list.length) continue;
        actionId ??= await tx.operations.addAction('move', '');
        // Into or out of a local folder: its own way (local.ts); between the server's, a move.
        const across = (r: ActionRow) => to.local || local.has(r.mailboxId);
        moved += await recordMove(
          tx,
          actionId,
          list.filter((r) => !across(r)),
          to,
        );
        moved += await recordLocalMove(tx, actionId, list.filter(across), to, copies);
      }
      const description = `Moved ${plural(moved, 'message')} to ${path}`;
      if (actionId !== null) await tx.operations.describe(actionId, description);
      return { actionId, affected: moved, description };
    });
  }

  /** The selected messages going from a server's folder into a local one, fetched whole. */
  private async copies(sel: Selection, t: MoveTarget): Promise<Copies> {
    const rows = await selectedRows(this.store, sel);
    const local = await localFolders(
      this.store,
      rows.map((r) => r.mailboxId),
    );
    const wanted: ActionRow[] = [];
    for (const accountId of new Set(rows.map((r) => r.accountId))) {
      if (!(await moveTarget(this.store, accountId, t)).local) continue;
      wanted.push(...rows.filter((r) => r.accountId === accountId && !local.has(r.mailboxId)));
    }
    if (!wanted.length) return new Map();
    if (!this.deps.copy)
      throw new MaildockError(
        'INVALID_INPUT',
        'Messages are moved into a local folder by copying them from their server, which is not reachable from here: export them, then import them into the local folder.',
      );
    return this.deps.copy(wanted);
  }

  /**
   * Junk: to the account's Junk folder (made when it has none), with $Junk and without
   * $NotJunk. Not junk: what is in the Junk folder back to the Inbox, with $NotJunk and
   * without $Junk. One action: the moves, then the keywords in the folder each message ends
   * up in (the replay gives them there the UID the move got).
   */
  junk(sel: Selection, junk: boolean): Promise<ActionResult> {
    const args: FlagArgs = junk
      ? { add: [JUNK], remove: [NOT_JUNK] }
      : { add: [NOT_JUNK], remove: [JUNK] };
    return this.store.transaction(async (tx) => {
      const rows = await selectedRows(tx, sel);
      const local = await localFolders(
        tx,
        rows.map((r) => r.mailboxId),
      );
      const plans = [];
      // Folders first: a Junk folder made here is its own action, before this one.
      for (const accountId of new Set(rows.map((r) => r.accountId))) {
        const mine = rows.filter((r) => r.accountId === accountId);
        // In a local folder junk is the keyword alone: a move would hand the mail to the server.
        const server = mine.filter((r) => !local.has(r.mailboxId));
        const box = server.length ? await junkFolder(tx, accountId, junk) : null;
        const leaving = junk
          ? server.filter((r) => r.mailboxId !== box!.id)
          : server.filter((r) => box !== null && r.mailboxId === box.id);
        const to = !leaving.length
          ? null
          : junk
            ? box!
            : await moveTarget(tx, accountId, { role: 'inbox' });
        plans.push({ mine, leaving, to });
      }
      let actionId: number | null = null;
      let affected = 0;
      let moved = 0;
      for (const { mine, leaving, to } of plans) {
        const after = mine.map((r) =>
          to && leaving.includes(r) ? { ...r, mailboxId: to.id, uid: -r.id } : r,
        );
        const marked = after.filter((r) => changesFlags(r, args));
        if (!leaving.length && !marked.length) continue;
        actionId ??= await tx.operations.addAction('move', '');
        if (to) moved += await recordMove(tx, actionId, leaving, to);
        await recordFlags(tx, actionId, marked, args);
        affected += new Set([...leaving, ...marked].map((r) => r.id)).size;
      }
      const where = moved
        ? `, moved ${plural(moved, 'message')} ${junk ? 'to Junk' : 'to the Inbox'}`
        : '';
      const description = `Marked ${plural(affected, 'message')} as ${junk ? 'junk' : 'not junk'}${where}`;
      if (actionId !== null) await tx.operations.describe(actionId, description);
      return { actionId, affected, description };
    });
  }

  /**
   * To the Trash; what is in the Trash already (or has no Trash to go to) goes for good. What
   * is in a local folder goes for good at once, here only.
   */
  delete(sel: Selection): Promise<ActionResult> {
    return this.store.transaction(async (tx) => {
      const rows = await selectedRows(tx, sel);
      const local = await localFolders(
        tx,
        rows.map((r) => r.mailboxId),
      );
      let actionId: number | null = null;
      let trashed = 0;
      let erased = 0;
      for (const accountId of new Set(rows.map((r) => r.accountId))) {
        const trash = await tx.mailboxes.byRole(accountId, 'trash');
        const all = rows.filter((r) => r.accountId === accountId);
        const here = all.filter((r) => local.has(r.mailboxId));
        const mine = all.filter((r) => !local.has(r.mailboxId));
        actionId ??= await tx.operations.addAction('delete', '');
        if (here.length) erased += await deleteLocal(tx, actionId, here);
        const toTrash = trash ? mine.filter((r) => r.mailboxId !== trash.id) : [];
        const forGood = trash ? mine.filter((r) => r.mailboxId === trash.id) : mine;
        if (trash && toTrash.length) trashed += await recordMove(tx, actionId, toTrash, trash);
        for (const [mailboxId, list] of byMailbox(forGood)) {
          await tx.operations.add(actionId, await newOperation(tx, mailboxId, 'expunge', list, {}));
          erased += await tx.messages.deleteIds(list.map((r) => r.id));
        }
      }
      const parts = [
        trashed ? `moved ${plural(trashed, 'message')} to the Trash` : '',
        erased ? `deleted ${plural(erased, 'message')} for good` : '',
      ].filter(Boolean);
      const description = parts.length
        ? parts.join(', ').replace(/^./, (c) => c.toUpperCase())
        : 'Nothing to delete';
      if (actionId !== null) await tx.operations.describe(actionId, description);
      return { actionId, affected: trashed + erased, description };
    });
  }

  /**
   * Takes back one action: the one named (a window undoes only what it did itself), or
   * without a name the last one not undone yet (the command line's `maildock undo`).
   */
  undo(actionId?: number): Promise<UndoResult> {
    return this.store.transaction((tx) => undoAction(tx, actionId));
  }
}
