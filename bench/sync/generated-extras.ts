// What only the `generated` shape measures, on the stores of its last full sync: search
// (Maildock inside its process, notmuch per process on mbsync's Maildir), and resyncs in a
// warm process, with no change and after 1% of the messages get a flag on the server.
import path from 'node:path';
import type { CorpusTerms } from '../corpus.js';
import type { DovecotServer } from '../../test/support/dovecot.js';
import { child, resyncChild, type ResyncChild } from './children.js';
import type { Figures, GeneratedExtras, Timing } from './figures.js';
import { have, Notmuch, type Mbsync } from './peers.js';
import type { BenchContext } from './shape-bench.js';
import type { PhaseStore } from './stores.js';

function queries(terms: CorpusTerms): {
  maildock: Record<string, string>;
  notmuch: Record<string, string>;
} {
  return {
    maildock: {
      'rare term': terms.rare,
      'common term, newest 50': terms.common,
      phrase: `"${terms.phrase}"`,
      'from: + subject:': `from:${terms.sender} subject:${terms.subjectWord}`,
      'date range + term': `after:2023-01-01 before:2023-07-01 ${terms.common}`,
      // Search as you type: the last word is a prefix (issue 26).
      'prefix, 2 letters as typed': terms.common.slice(0, 2),
      'prefix, 4 letters as typed': terms.common.slice(0, 4),
      'from: OR subject:': `from:${terms.sender} OR subject:${terms.subjectWord}`,
      'attachment type + term': `has:pdf ${terms.common}`,
      'size + term': `larger:100K ${terms.common}`,
    },
    notmuch: {
      'rare term': terms.rare,
      'common term, newest 50': terms.common,
      phrase: `"${terms.phrase}"`,
      'from: + subject:': `from:${terms.sender} and subject:${terms.subjectWord}`,
      'date range + term': `date:2023-01-01..2023-06-30 and ${terms.common}`,
      'prefix, 2 letters as typed': `${terms.common.slice(0, 2)}*`,
      'prefix, 4 letters as typed': `${terms.common.slice(0, 4)}*`,
      'from: OR subject:': `from:${terms.sender} or subject:${terms.subjectWord}`,
      'attachment type + term': `mimetype:application/pdf and ${terms.common}`,
      // notmuch has no size operator.
    },
  };
}

export async function searchAndResync(o: {
  ctx: BenchContext;
  server: DovecotServer;
  /** per engine: the store of its last full sync */
  stores: Record<string, PhaseStore>;
  /** the Maildir of the last mbsync run with FSync yes, when peers ran */
  mbsync: Mbsync | null;
  terms: CorpusTerms;
}): Promise<GeneratedExtras> {
  const { ctx, server } = o;
  const runs = ctx.searchRuns;
  const q = queries(o.terms);
  const search: GeneratedExtras['search'] = {};
  for (const engine of ctx.engines) {
    ctx.log(`[generated] Maildock on ${engine === 'postgres' ? 'Postgres' : 'SQLite'}: search…`);
    const r = await child({ phase: 'search', ...o.stores[engine]!, queries: q.maildock, runs });
    search[engine] = r.search as Record<string, Timing>;
  }

  const peer: GeneratedExtras['peer'] = {};
  let notmuch: Notmuch | null = null;
  if (o.mbsync && have('notmuch')) {
    notmuch = new Notmuch(path.dirname(o.mbsync.maildir), o.mbsync.maildir);
    ctx.log('[generated] notmuch new…');
    peer.notmuchNew = await notmuch.index();
  }
  if (o.mbsync) peer.mbsyncNoChange = (await o.mbsync.sync()).ms;

  // Each engine's warm process times its no-change resyncs; then 1% of the messages get a
  // flag changed on the server, and each resyncs that same change in turn.
  ctx.log('[generated] Maildock: resyncs (no change, then after 1% flag changes)…');
  const resyncs: { engine: string; child: ResyncChild }[] = [];
  for (const engine of ctx.engines) {
    const c = resyncChild({ phase: 'resync', ...o.stores[engine]! });
    await c.ready;
    resyncs.push({ engine, child: c });
  }
  const n = ctx.count;
  const uids = Array.from(
    { length: Math.max(1, Math.round(n * 0.01)) },
    (_, i) => 1 + ((i * 7919) % Math.max(1, Math.floor(n / 2))),
  );
  await server.doveadm(
    'flags',
    'add',
    '-u',
    server.user,
    '\\Flagged',
    'mailbox',
    'INBOX',
    'uid',
    [...new Set(uids)].join(','),
  );
  const resync: GeneratedExtras['resync'] = {};
  for (const { engine, child: c } of resyncs) {
    const r: Figures = await c.go();
    if ((r.errors as unknown[] | undefined)?.length)
      ctx.log(`[generated] ${engine} resync errors: ${JSON.stringify(r.errors)}`);
    resync[engine] = { noChangeMs: r.noChangeMs as number, flagsMs: r.flagsMs as number };
  }
  if (o.mbsync) peer.mbsyncFlags = (await o.mbsync.sync()).ms;

  const nm: Record<string, Timing> = {};
  let floor = 0;
  if (notmuch) {
    ctx.log('[generated] notmuch search…');
    floor = (await notmuch.search(o.terms.absent, Math.min(runs, 20))).p50;
    for (const [kind, query] of Object.entries(q.notmuch))
      nm[kind] = await notmuch.search(query, Math.min(runs, 20));
  }
  return { runs, kinds: Object.keys(q.maildock), search, resync, peer, notmuch: nm, floor };
}
