// Everything a client can read of one store through the contract, with the store's own ids
// replaced by what names a message whatever the engine: its folder and Message-ID (its UID
// where it has none). Two stores holding the same mail give equal views.
import type { MethodName, MethodOutput } from '../../common/api.js';
import type { MessageSummary } from '../../common/types.js';

export type Call = <M extends MethodName>(method: M, input?: unknown) => Promise<MethodOutput<M>>;

/** Small pages, so that paging is compared too. */
const PAGE = 7;

type Named = Pick<MessageSummary, 'mailbox' | 'messageId' | 'uid'>;

/** Folder and Message-ID; with the UID where the folder holds none or several of that ID. */
function keys(rows: Named[]): string[] {
  const seen = new Map<string, number>();
  const byId = (m: Named) => `${m.mailbox}|${m.messageId}`;
  for (const m of rows) seen.set(byId(m), (seen.get(byId(m)) ?? 0) + 1);
  return rows.map((m) =>
    m.messageId !== null && seen.get(byId(m)) === 1 ? byId(m) : `${m.mailbox}|uid ${m.uid}`,
  );
}

export interface ContractView {
  mailboxes: unknown[];
  lists: Record<
    string,
    { messages: unknown[]; threads: unknown[]; total: number | null; threadTotal: number | null }
  >;
  details: Record<string, unknown>;
  threads: Record<string, unknown>;
  searches: Record<string, unknown[]>;
  /** This store's id of each message, by key: to select the same messages in each store. */
  ids: Map<string, number>;
  /** This store's thread id of each message, by key. */
  threadIds: Map<string, number | null>;
}

async function pages<T>(
  fetch: (before: number | undefined) => Promise<{ rows: T[]; nextBefore: number | null }>,
): Promise<{ rows: T[]; nextBefores: (number | null)[] }> {
  const rows: T[] = [];
  const nextBefores: (number | null)[] = [];
  let before: number | undefined;
  for (let page = 0; page < 1000; page++) {
    const got = await fetch(before);
    rows.push(...got.rows);
    nextBefores.push(got.nextBefore);
    if (got.nextBefore === null) return { rows, nextBefores };
    before = got.nextBefore;
  }
  throw new Error('paging never ended');
}

export async function contractView(call: Call, searches: readonly string[]): Promise<ContractView> {
  const boxes = await call('mailbox.list', {});
  const listed: {
    path: string;
    rows: MessageSummary[];
    threadRows: MessageSummary[];
    total: number | null;
    threadTotal: number | null;
  }[] = [];
  for (const box of boxes) {
    const list = (threads: boolean) =>
      pages(async (before) => {
        const page = await call('message.list', {
          mailboxId: box.id,
          limit: PAGE,
          threads,
          count: before === undefined,
          ...(before === undefined ? {} : { before }),
        });
        return { rows: page.messages, nextBefore: page.nextBefore };
      });
    listed.push({
      path: box.path,
      rows: (await list(false)).rows,
      threadRows: (await list(true)).rows,
      total: (await call('message.list', { mailboxId: box.id, limit: 1 })).total,
      threadTotal: (await call('message.list', { mailboxId: box.id, limit: 1, threads: true }))
        .total,
    });
  }

  const ids = new Map<string, number>();
  const keyById = new Map<number, string>();
  const rows = listed.flatMap((l) => l.rows);
  keys(rows).forEach((key, i) => {
    if (ids.has(key)) throw new Error(`two messages are ${key}`);
    ids.set(key, rows[i]!.id);
    keyById.set(rows[i]!.id, key);
  });
  // A conversation is named by the first of its messages' keys.
  const threadName = new Map<number, string>();
  const threadIds = new Map<string, number | null>();
  for (const row of rows) {
    threadIds.set(keyById.get(row.id)!, row.threadId);
    if (row.threadId === null) continue;
    const key = keyById.get(row.id)!;
    const named = threadName.get(row.threadId);
    if (named === undefined || key < named) threadName.set(row.threadId, key);
  }
  const messageKey = (id: number | null) => {
    if (id === null) return null;
    const key = keyById.get(id);
    if (key === undefined) throw new Error(`message ${id} is in no folder's list`);
    return key;
  };
  const summary = <T extends MessageSummary>(m: T) => ({
    ...m,
    id: messageKey(m.id),
    accountId: undefined,
    mailboxId: undefined,
    threadId: m.threadId === null ? null : (threadName.get(m.threadId) ?? `unlisted ${m.threadId}`),
  });

  const view: ContractView = {
    // The server's modification counter is its own: two copies of a mailbox count apart.
    mailboxes: boxes.map((b) => ({
      ...b,
      id: undefined,
      accountId: undefined,
      highestModseq: b.highestModseq === null ? null : 'set',
    })),
    lists: {},
    details: {},
    threads: {},
    searches: {},
    ids,
    threadIds,
  };
  for (const l of listed)
    view.lists[l.path] = {
      messages: l.rows.map(summary),
      threads: l.threadRows.map(summary),
      total: l.total,
      threadTotal: l.threadTotal,
    };
  for (const [key, id] of ids) {
    const detail = await call('message.get', { id });
    view.details[key] = {
      ...detail,
      message: summary(detail.message),
      attachments: detail.attachments.map((a) => ({ ...a, id: undefined })),
    };
    const thread = await call('message.thread', { id });
    view.threads[key] = thread.messages.map(summary);
  }
  for (const query of searches) {
    const found = await pages(async (before) => {
      const page = await call('message.search', {
        query,
        limit: PAGE,
        ...(before === undefined ? {} : { before }),
      });
      return { rows: page.hits, nextBefore: page.nextBefore };
    });
    view.searches[query] = [
      ...found.rows.map((hit) => ({ ...hit, message: summary(hit.message) })),
      { pagesEndedAt: found.nextBefores.map(messageKey) },
    ];
  }
  return view;
}
