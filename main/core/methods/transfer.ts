// mailbox.import, mailbox.export and transfer.cancel: mail brought in from files on this
// machine (transfer/import.ts; into a local folder, local/import.ts) and written out to them
// (transfer/export.ts), each a transfer with progress events and a cancel. The server of many
// people refuses them: paths on its disk are not a person's (main/server/people-server.ts).
import { resolve } from 'node:path';
import type { Api } from '../../../common/api.js';
import { MaildockError } from '../../../common/errors.js';
import { getLogger } from '../platform/log.js';
import type { Store } from '../store/index.js';
import { exportMessages, type ExportPlace } from '../transfer/export.js';
import { emlTarget, mboxTarget } from '../transfer/export-targets.js';
import { importLocal } from '../local/import.js';
import { localMessages } from '../local/messages.js';
import { importMessages } from '../transfer/import.js';
import { openSource } from '../transfer/sources.js';
import { Transfers } from '../transfer/transfers.js';
import type { MethodContext } from './context.js';

const log = getLogger('transfer');

type TransferApi = Pick<Api, 'mailbox.import' | 'mailbox.export' | 'transfer.cancel'>;

/** Ids read from the store at a time. */
const IDS_PER_READ = 5000;
/** A search's hits read at a time. */
const HITS_PER_PAGE = 1000;

async function searchIds(store: Store, query: string): Promise<number[]> {
  const ids: number[] = [];
  let before: number | undefined;
  for (;;) {
    const page = await store.search.search(query, {
      limit: HITS_PER_PAGE,
      ...(before !== undefined ? { before } : {}),
    });
    ids.push(...page.hits.map((h) => h.id));
    if (page.nextBefore === null) return ids;
    before = page.nextBefore;
  }
}

/** Where the messages of these ids are (on the server, or here), by folder, in UID order. */
async function placesOf(store: Store, ids: readonly number[]): Promise<ExportPlace[]> {
  const byMailbox = new Map<number, number[]>();
  const idsIn = new Map<number, number[]>();
  const found = new Set<number>();
  for (let i = 0; i < ids.length; i += IDS_PER_READ) {
    for (const row of await store.messages.actionRows(ids.slice(i, i + IDS_PER_READ), [])) {
      // Moved here while offline: not on the server under a UID yet.
      if (row.uid <= 0)
        throw new MaildockError(
          'NOT_FOUND',
          `Message ${row.id} is not on the server yet: export it once its move has reached the server (sync).`,
          { messageId: row.id, onServer: false },
        );
      found.add(row.id);
      byMailbox.set(row.mailboxId, [...(byMailbox.get(row.mailboxId) ?? []), row.uid]);
      idsIn.set(row.mailboxId, [...(idsIn.get(row.mailboxId) ?? []), row.id]);
    }
  }
  const missing = ids.find((id) => !found.has(id));
  if (missing !== undefined)
    throw new MaildockError('NOT_FOUND', `There is no message ${missing}.`, { messageId: missing });
  const places: ExportPlace[] = [];
  for (const [mailboxId, uids] of byMailbox) {
    const box = await store.mailboxes.info(mailboxId);
    if (!box) continue;
    places.push({
      accountId: box.accountId,
      path: box.path,
      uidValidity: box.uidValidity,
      uids,
      ...(box.local ? { local: { mailboxId, ids: idsIn.get(mailboxId)! } } : {}),
    });
  }
  return places;
}

export function transferMethods(ctx: MethodContext): TransferApi {
  const transfers = new Transfers((p) => ctx.events.emit('transfer.progress', p));
  const mailbox = async (id: number) => {
    const box = await ctx.store.mailboxes.info(id);
    if (!box) throw new MaildockError('NOT_FOUND', `There is no folder ${id}.`, { mailboxId: id });
    return box;
  };

  return {
    'mailbox.import': async ({ path, mailboxId, format }) => {
      const box = await mailbox(mailboxId);
      const account = await ctx.account(box.accountId);
      const source = await openSource(resolve(path), format);
      if (box.local) {
        const parser = ctx.parser();
        return transfers.run('import', async (t) => {
          const counts = await importLocal(
            { store: ctx.store, mailbox: box, parser, signal: t.signal, progress: t.progress },
            source,
          );
          t.flush();
          if (counts.imported > 0) ctx.events.emit('mailbox.changed', { accountId: box.accountId });
          return { transferId: t.id, format: source.format, ...counts };
        });
      }
      const sync = await ctx.accountSync(account);
      return transfers.run('import', async (t) => {
        const client = await sync.connect();
        try {
          const counts = await importMessages(
            { store: ctx.store, mailbox: box, client, signal: t.signal, progress: t.progress },
            source,
          );
          t.flush();
          // The ordinary sync of that folder brings what went in into the store now.
          if (counts.imported > 0) {
            const errors = await sync.syncFolders(client, [box.path]).catch((err: unknown) => {
              log.warn({ err, mailboxId }, 'the folder was not synced after the import');
              return [];
            });
            if (errors.length) log.warn({ errors, mailboxId }, 'folder sync after import');
          }
          return { transferId: t.id, format: source.format, ...counts };
        } finally {
          await client.logout().catch(() => client.close());
        }
      });
    },

    'mailbox.export': async (input) => {
      const { store } = ctx;
      let places: ExportPlace[];
      if (input.mailboxId !== undefined) {
        const box = await mailbox(input.mailboxId);
        places = [
          box.local
            ? {
                accountId: box.accountId,
                path: box.path,
                uidValidity: null,
                uids: await store.messages.localUids(box.id),
                local: { mailboxId: box.id, ids: null },
              }
            : {
                accountId: box.accountId,
                path: box.path,
                uidValidity: box.uidValidity,
                uids: null,
              },
        ];
      } else if (input.ids) {
        places = await placesOf(store, input.ids);
      } else {
        places = await placesOf(store, await searchIds(store, input.query ?? ''));
      }
      const to = resolve(input.to);
      const target =
        input.format === 'mbox'
          ? await mboxTarget(to, input.overwrite)
          : await emlTarget(to, input.overwrite);
      const syncs = new Map<number, Awaited<ReturnType<MethodContext['accountSync']>>>();
      return transfers.run('export', async (t) => {
        const counts = await exportMessages(
          {
            connect: async (accountId) => {
              let sync = syncs.get(accountId);
              if (!sync) {
                sync = await ctx.accountSync(await ctx.account(accountId));
                syncs.set(accountId, sync);
              }
              return sync.connect();
            },
            readLocal: (mailboxId, ids) => localMessages(store, mailboxId, ids),
            signal: t.signal,
            progress: t.progress,
          },
          places,
          target,
        );
        t.flush();
        return { transferId: t.id, format: input.format, path: to, ...counts };
      });
    },

    'transfer.cancel': async ({ transferId }) => ({ cancelled: transfers.cancel(transferId) }),
  };
}
