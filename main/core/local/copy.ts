// The first half of a move from a folder of the account into a local folder: each message
// fetched whole from the server and parsed, before anything changes. Only once every copy is
// in hand does the move store them and queue the delete on the server (actions/local.ts), so
// a fetch that fails leaves the messages where they were, on the server and here.
import { MaildockError } from '../../../common/errors.js';
import type { ActionRow, Store } from '../store/index.js';
import type { BodyParser } from '../sync/bodies.js';
import type { SourceAt } from '../sync/source.js';
import type { Copies } from '../actions/local.js';

/** As large as a message shown as its source may be. */
export const MAX_COPY_BYTES = 64 * 1024 * 1024;

export interface CopyDeps {
  store: Store;
  parser: BodyParser;
  /** The messages' bytes from the account's server, in order (AccountSync.fetchSources). */
  fetch(accountId: number, at: readonly SourceAt[], maxBytes: number): Promise<Buffer[]>;
}

export async function copyFromServer(deps: CopyDeps, rows: readonly ActionRow[]): Promise<Copies> {
  const copies: Copies = new Map();
  for (const accountId of new Set(rows.map((r) => r.accountId))) {
    const mine = rows.filter((r) => r.accountId === accountId);
    const at: SourceAt[] = [];
    for (const r of mine) {
      const box = await deps.store.mailboxes.info(r.mailboxId);
      if (!box)
        throw new MaildockError('NOT_FOUND', `There is no mailbox ${r.mailboxId}.`, {
          mailboxId: r.mailboxId,
        });
      // Moved here while offline: the server has it under a UID it has not told us yet.
      if (r.uid <= 0)
        throw new MaildockError(
          'NOT_FOUND',
          `Message ${r.id} is not on the server in ${box.path} yet: move it to a local folder once its move reaches the server (sync).`,
          { messageId: r.id, path: box.path, onServer: false },
        );
      at.push({ path: box.path, uid: r.uid, uidValidity: box.uidValidity });
    }
    const raws = await deps.fetch(accountId, at, MAX_COPY_BYTES);
    const bodies = await Promise.all(raws.map((raw) => deps.parser.parse(raw)));
    mine.forEach((r, i) => copies.set(r.id, { raw: raws[i]!, body: bodies[i]! }));
  }
  return copies;
}
