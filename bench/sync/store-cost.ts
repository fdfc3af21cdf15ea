// npm run bench:store-cost -- [--messages N] [--shape NAME[,NAME…]] [--seed S]
// Where a sync's CPU goes once the server is out of the picture: each shape's messages parsed
// in this thread (mailparser, as the parser worker does), then stored into a fresh SQLite
// store as the sync stores them, headers then bodies, in transactions of the sizes the sync's
// slices reach. Printed per message, in CPU time (user + system of this process, which is
// less sensitive to a shared machine's load than wall time). The same bodies are also stored
// with their words kept out of the full-text index, to show the index's share of a write.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { parseBody } from '../../main/core/mime/parse.js';
import type { BodyRecord, HeaderRecord } from '../../main/core/store/index.js';
import { storeWithInbox } from '../../test/support/store.js';
import { SHAPES, SHAPE_NAMES, isShape } from './shapes.js';

const { values: args } = parseArgs({
  options: {
    messages: { type: 'string', default: '2000' },
    shape: { type: 'string', default: SHAPE_NAMES.join(',') },
    seed: { type: 'string', default: '20240601' },
  },
});
const N = Number(args.messages);
const seed = Number(args.seed);
const shapes = args.shape.split(',');
for (const s of shapes) if (!isShape(s)) throw new Error(`--shape: one of ${SHAPE_NAMES}`);
const HEADER_SLICE = 60;
const BODY_SLICE = 40;

const cpuMs = (since: NodeJS.CpuUsage) => {
  const c = process.cpuUsage(since);
  return (c.user + c.system) / 1000;
};

async function store(headers: HeaderRecord[], bodies: BodyRecord[]) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'maildock-store-cost-'));
  try {
    const { store, accountId, inbox } = await storeWithInbox(path.join(dir, 'store.db'));
    const ids: number[] = [];
    let t = process.cpuUsage();
    for (let i = 0; i < headers.length; i += HEADER_SLICE)
      await store.transaction(async (tx) => {
        const slice = headers.slice(i, i + HEADER_SLICE);
        ids.push(...(await tx.messages.insertHeaders(accountId, inbox, slice)));
      });
    const headersMs = cpuMs(t);
    t = process.cpuUsage();
    for (let i = 0; i < ids.length; i += BODY_SLICE)
      await store.transaction(async (tx) => {
        for (let j = i; j < Math.min(i + BODY_SLICE, ids.length); j++)
          await tx.bodies.save(ids[j]!, bodies[j]!);
      });
    const bodiesMs = cpuMs(t);
    await store.close();
    return { headersMs, bodiesMs };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const rows: string[] = [];
for (const shape of shapes as (keyof typeof SHAPES)[]) {
  const messages = [...SHAPES[shape]({ count: N, seed, folders: ['INBOX'] })];
  const headers: HeaderRecord[] = [];
  const bodies: BodyRecord[] = [];
  let bytes = 0;
  let textChars = 0;
  const t = process.cpuUsage();
  for (const [i, m] of messages.entries()) {
    const { envelope, ...body } = await parseBody(m.raw, {}, { envelope: true });
    bytes += m.raw.length;
    textChars += (body.searchText ?? body.text ?? '').length;
    headers.push({
      uid: i + 1,
      messageId: `<${shape}-${i}@bench.maildock.test>`,
      inReplyTo: null,
      references: [],
      subject: envelope?.subject ?? '',
      from: envelope?.from ?? [],
      to: envelope?.to ?? [],
      cc: envelope?.cc ?? [],
      date: m.date.getTime(),
      flags: m.flags,
      modseq: null,
      size: m.raw.length,
      hasAttachments: body.attachments.some((a) => !a.inline),
      structure: null,
    });
    bodies.push(body);
  }
  const parseMs = cpuMs(t);
  const stored = await store(headers, bodies);
  // The same, with no word of any body in the index (subject and addresses still are).
  const unindexed = await store(
    headers,
    bodies.map((b) => ({ ...b, searchText: '' })),
  );
  const per = (ms: number) => (ms / N).toFixed(2);
  rows.push(
    `| \`${shape}\` | ${(bytes / N / 1024).toFixed(1)} KB | ${Math.round(textChars / N)} | ${per(parseMs)} | ${per(stored.headersMs)} | ${per(stored.bodiesMs)} | ${per(unindexed.bodiesMs)} |`,
  );
  process.stderr.write(`${shape} done\n`);
}

process.stdout.write(
  [
    `Store cost, ${N} messages per shape (seed ${seed}), ms of CPU per message; SQLite, one thread; load average ${os.loadavg()[0]!.toFixed(1)} at the end.`,
    '',
    '| shape | mean size | indexed body chars | parse | store header | store body | store body, words not indexed |',
    '| --- | --- | --- | --- | --- | --- | --- |',
    ...rows,
    '',
  ].join('\n'),
);
