// npm run bench:ui -- [--messages N] [--sync-messages M] [--runs R] [--search-runs S]
//   [--scroll-rows K] [--rows-per-frame F] [--seed S] [--json] [--profile] [--only first-rows]
//   [--renderer DIR] [--compare DIR]
// The web UI on a large mailbox: a private Dovecot, a Maildock data directory synced once,
// Maildock's web server (its own process, compiled) and Debian's Chromium. Times the first
// rows after a page load, frames while scrolling the list, search from Enter to results,
// and the API's latency while a second account's initial sync runs in the same server.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { startBrowser, type Browser } from '../../test/e2e/browser.js';
import { rendererBuilds } from '../../test/e2e/build.js';
import { corpusTerms } from '../corpus.js';
import { apiClient, apiLoad, folderIds } from './api-load.js';
import {
  coldSignIn,
  firstRows,
  openApp,
  pageServed,
  scroll,
  search,
  tracedColdSignIn,
} from './measures.js';
import { profileText, type CpuProfile } from './profile.js';
import { firstRowsJsonLine, firstRowsTable, jsonLine, table, type Figures } from './report.js';
import type { FirstRows } from './probes.js';
import {
  fullSync,
  imapOf,
  ROOT,
  SECOND_USER,
  startMailServer,
  startServer,
  type ServerChild,
} from './setup.js';

const { values: args } = parseArgs({
  options: {
    messages: { type: 'string', default: '100000' },
    'sync-messages': { type: 'string', default: '50000' },
    runs: { type: 'string', default: '10' },
    'search-runs': { type: 'string', default: '5' },
    'scroll-rows': { type: 'string', default: '10000' },
    'rows-per-frame': { type: 'string', default: '10' },
    seed: { type: 'string', default: '20240601' },
    json: { type: 'boolean', default: false },
    profile: { type: 'boolean', default: false },
    // Only the two first-rows figures: what a change to the page's start needs, in minutes.
    only: { type: 'string' },
    // A renderer built elsewhere (another tree's `vite build --outDir DIR`), served instead
    // of this tree's: two builds measured by the same bench.
    renderer: { type: 'string' },
    // With --only first-rows: a second server over the same mailbox serving the renderer
    // built in DIR, and every run taken on both, alternately: two builds side by side at the
    // same load, which a shared machine's figures from runs apart never are.
    compare: { type: 'string' },
  },
});
if (args.only !== undefined && args.only !== 'first-rows') {
  throw new Error(`--only takes "first-rows", not "${args.only}"`);
}
const firstRowsOnly = args.only === 'first-rows';
if (args.compare !== undefined && !firstRowsOnly) {
  throw new Error('--compare goes with --only first-rows');
}
const N = Number(args.messages);
/** Issue 24's scroll: 5,000 px at a wheel's pace, every frame under 33 ms. */
const WHEEL_PX = 5_000;
const WHEEL_STEP_PX = 100;
const M = Number(args['sync-messages']);
const seed = Number(args.seed);
const log = (s: string) => process.stderr.write(`${s}\n`);
const work = mkdtempSync(path.join(os.tmpdir(), 'maildock-bench-ui-'));
// Also when a build below fails, before the try that removes it.
process.once('exit', () => rmSync(work, { recursive: true, force: true }));
const outDir = path.join(ROOT, '.bench');
mkdirSync(outDir, { recursive: true });

// The load average too: other work on the machine moves every figure.
const machine = (browser: Browser) =>
  (args.renderer ? `the renderer built in ${args.renderer}; ` : '') +
  `Chromium ${browser.context.browser()?.version() ?? ''} headless, ${os.cpus().length} cores, ` +
  `load average ${os
    .loadavg()
    .map((x) => x.toFixed(2))
    .join(' / ')} (1 / 5 / 15 min) at the end`;

function showProfile(name: string, profile: CpuProfile | null, trace: string | null = null): void {
  if (trace) log(trace);
  if (!profile) return;
  const file = path.join(outDir, `ui-${N}-${name}.cpuprofile`);
  writeFileSync(file, JSON.stringify(profile));
  log(`${profileText(name, profile)}\n  (${path.relative(ROOT, file)})`);
}

log('Building Maildock (tsc) and the renderer…');
execFileSync(
  process.execPath,
  [path.join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.bench.json'],
  { cwd: ROOT, stdio: 'inherit' },
);
// Built into the bench's own folder: a build elsewhere (a test run meanwhile) must not
// replace the files the server is serving. Unminified with --profile, so that the
// profiles name the renderer's functions. The page, then beside it the server's first
// screen (main/server/first-screen.ts finds it there); a build named by --renderer or
// --compare draws one where it has its renderer-ssr beside it too.
const staticDir = args.renderer ? path.resolve(args.renderer) : path.join(work, 'renderer');
if (!args.renderer) {
  for (const build of rendererBuilds({ into: work, minify: !args.profile })) {
    execFileSync(process.execPath, build, {
      cwd: ROOT,
      stdio: 'inherit',
      env: { ...process.env, NODE_ENV: 'production' },
    });
  }
}

// The second user's mailbox is only for the API figures.
const second = firstRowsOnly ? 0 : M;
log(`Generating and loading ${N} + ${second} messages (seed ${seed})…`);
const dovecot = await startMailServer(N, second, seed);
let server: ServerChild | undefined;
let other: ServerChild | undefined;
let browser: Browser | undefined;
try {
  const dataDir = path.join(work, 'data');
  const secretKey = randomBytes(32).toString('base64');
  log('Maildock: full sync of the mailbox (headers and bodies)…');
  const synced = await fullSync(dataDir, secretKey, imapOf(dovecot, dovecot));
  log(`  ${synced.messages} messages in ${((synced.ms as number) / 1000).toFixed(1)} s`);
  if ((synced.errors as unknown[]).length) log(`  errors: ${JSON.stringify(synced.errors)}`);

  const token = randomBytes(32).toString('base64url');
  server = await startServer({ dataDir, secretKey, token, staticDir });
  const call = apiClient(server.base, token);
  const mailboxes = (await call('mailbox.list', {})) as {
    id: number;
    role: string | null;
    total: number;
  }[];
  const inbox = mailboxes.find((m) => m.role === 'inbox')!;

  if (args.compare) {
    other = await startServer({ dataDir, secretKey, token, staticDir: path.resolve(args.compare) });
  }
  const servers = other ? [server, other] : [server];

  browser = await startBrowser();
  for (const s of servers) {
    const signIn = await browser.context.newPage();
    await signIn.goto(`${s.base}/?token=${token}`);
    await signIn.close();
  }

  const runs = Number(args.runs);
  const ab = other ? ', each build in turn' : '';
  log(
    `Chromium: first rows after signing in by the link, cold (a new browser each, settled and just launched), ${runs} runs${ab}…`,
  );
  // With --compare, the two builds alternate run by run, each going first every other time.
  // Each time the settled browser and the one just launched, in turn too.
  const taken = servers.map(() => ({
    cold: [] as FirstRows[],
    launched: [] as FirstRows[],
    first: [] as FirstRows[],
    page: [] as number[],
  }));
  const turns = (i: number) => (i % 2 ? [...servers.keys()].reverse() : [...servers.keys()]);
  for (let i = 0; i < runs; i++) {
    for (const k of turns(i)) {
      const link = `${servers[k]!.base}/?token=${token}`;
      for (const settled of i % 2 ? [false, true] : [true, false]) {
        const [r] = await coldSignIn(link, 1, settled);
        taken[k]![settled ? 'cold' : 'launched'].push(r!);
      }
    }
  }
  log(`Chromium: first rows after a page load, ${runs} runs${ab}…`);
  for (let i = 0; i < runs; i++) {
    for (const k of turns(i)) {
      taken[k]!.first.push(...(await firstRows(browser.context, servers[k]!.base, 1)));
    }
  }
  log(`The page as a signed-in browser gets it, ${runs} times${ab}…`);
  for (let i = 0; i < runs; i++) {
    for (const k of turns(i))
      taken[k]!.page.push(...(await pageServed(servers[k]!.base, token, 1)));
  }
  const { cold, launched, first, page: served } = taken[0]!;
  if (other && args.compare) {
    const tables = taken.map(({ cold: c, launched: l, first: f, page: p }, k) => {
      const fig = {
        messages: N,
        inboxMessages: inbox.total,
        coldSignIn: c,
        coldLaunched: l,
        firstRows: f,
        page: p,
      };
      const mine = args.renderer ? `--renderer ${args.renderer}` : 'this tree';
      const name = k === 0 ? mine : `--compare ${args.compare}`;
      return { name, fig, text: `The renderer of ${name}:\n\n${firstRowsTable(fig)}` };
    });
    const header =
      `Mailbox: ${N} messages (${inbox.total} in the Inbox shown), seed ${seed}; ${machine(browser)}. ` +
      'Two builds, each run taken on both in turn. First rows: from navigation start to the ' +
      'first task after the frame holding them.';
    const report = [header, ...tables.map((t) => t.text)].join('\n\n');
    process.stdout.write(`${report}\n`);
    writeFileSync(path.join(outDir, `ui-${N}-first-rows-compare.md`), `${report}\n`);
    if (args.json) {
      for (const t of tables) process.stdout.write(`${firstRowsJsonLine(t.fig, t.name)}\n`);
    }
  } else if (firstRowsOnly) {
    if (args.profile) {
      log('Chromium: one more cold sign-in, traced (not counted)…');
      const traced = await tracedColdSignIn(`${server.base}/?token=${token}`);
      const file = path.join(outDir, `ui-${N}-cold-sign-in.trace.json`);
      writeFileSync(file, JSON.stringify(traced.events));
      showProfile(
        'cold-sign-in',
        traced.profile,
        `${traced.summary}\n  (${path.relative(ROOT, file)})`,
      );
    }
    const fig = {
      messages: N,
      inboxMessages: inbox.total,
      coldSignIn: cold,
      coldLaunched: launched,
      firstRows: first,
      page: served,
    };
    const header =
      `Mailbox: ${N} messages (${inbox.total} in the Inbox shown), seed ${seed}; ${machine(browser)}. ` +
      'First rows: from navigation start to the first task after the frame holding them.';
    const report = `${header}\n\n${firstRowsTable(fig)}`;
    process.stdout.write(`${report}\n`);
    writeFileSync(path.join(outDir, `ui-${N}-first-rows.md`), `${report}\n`);
    writeFileSync(path.join(outDir, `ui-${N}-first-rows.json`), JSON.stringify(fig, null, 2));
    if (args.json) process.stdout.write(`${firstRowsJsonLine(fig)}\n`);
  } else {
    const page = await openApp(browser.context, server.base);
    const scrollRows = Math.min(Number(args['scroll-rows']), inbox.total - 20);
    log(`Chromium: scrolling ${scrollRows} rows, ${args['rows-per-frame']} a frame…`);
    const scrolled = await scroll(page, scrollRows, Number(args['rows-per-frame']), args.profile);
    showProfile('scroll', scrolled.profile, scrolled.trace);
    log(`Chromium: scrolling ${WHEEL_PX} px, ${WHEEL_STEP_PX} px a frame (a wheel's pace)…`);
    const wheel = (await scroll(page, WHEEL_PX, WHEEL_STEP_PX, false, 'px')).result;

    const terms = corpusTerms(seed, N);
    const queries = {
      'rare term': terms.rare,
      'common term': terms.common,
      phrase: `"${terms.phrase}"`,
      'from: + subject:': `from:${terms.sender} subject:${terms.subjectWord}`,
      'date range + term': `after:2023-01-01 before:2023-07-01 ${terms.common}`,
      // Every other operator of the language (main/core/store/search-query.ts).
      'from:': `from:${terms.sender}`,
      'to:': `to:${terms.sender}`,
      'subject:': `subject:${terms.subjectWord}`,
      'in: + term': `in:archive ${terms.common}`,
      'term -term': `${terms.common} -${terms.subjectWord}`,
      'has:attachment': 'has:attachment',
      'is:unread': 'is:unread',
      'is:flagged': 'is:flagged',
      'a word in no message': terms.absent,
    };
    log('Chromium: searches…');
    const searched = await search(page, queries, Number(args['search-runs']), args.profile);
    showProfile('search', searched.profile, searched.trace);
    await page.close();

    log('API: calls with no sync running…');
    const ids = await folderIds(call, inbox.id);
    const load = { call, mailboxId: inbox.id, ids, queries: Object.values(queries) };
    const apiIdle = await apiLoad({ ...load, perMethod: 100, pauseMs: 10 });

    log(`API: calls during the second account's initial sync (${M} messages)…`);
    const account = (await call('account.add', {
      email: `${SECOND_USER.user}@maildock.test`,
      imap: { host: dovecot.host, port: dovecot.port, security: 'none', user: SECOND_USER.user },
      password: SECOND_USER.password,
    })) as { id: number };
    await server.stats(); // from here on
    if (args.profile) server.profileStart();
    let syncing = true;
    const syncStart = Date.now();
    let syncEnd = 0;
    const sync = call('sync.run', { accountId: account.id }).finally(() => {
      syncing = false;
      syncEnd = Date.now();
    });
    const apiSync = await apiLoad({
      ...load,
      perMethod: 100_000,
      pauseMs: 10,
      going: () => syncing,
    });
    const syncSummary = (await sync) as { errors: unknown[] };
    if (syncSummary.errors.length) log(`  sync errors: ${JSON.stringify(syncSummary.errors)}`);
    const loopDelaySync = await server.stats();
    if (args.profile) {
      const file = path.join(outDir, `ui-${N}-server-during-sync.cpuprofile`);
      await server.profileStop(file);
      showProfile('server-during-sync', JSON.parse(readFileSync(file, 'utf8')) as CpuProfile);
    }

    const fig: Figures = {
      messages: N,
      inboxMessages: inbox.total,
      syncMessages: M,
      coldSignIn: cold,
      coldLaunched: launched,
      firstRows: first,
      page: served,
      scroll: scrolled.result,
      wheel,
      search: searched.result,
      apiIdle,
      apiSync,
      syncPhases: server.phases.filter((p) => p.accountId === account.id),
      syncMs: syncEnd - syncStart,
      syncEnd,
      loopDelaySync,
    };
    const header =
      `Mailbox: ${N} messages (${inbox.total} in the Inbox shown), seed ${seed}; a second account of ${M} ` +
      `messages synced during the API figures; ${machine(browser)}. First rows and search: from ` +
      "navigation start / the Enter key's event time to the first task after the frame holding them " +
      '(requestAnimationFrame, then a posted message).';
    const report = `${header}\n\n${table(fig)}`;
    process.stdout.write(`${report}\n`);
    writeFileSync(path.join(outDir, `ui-${N}.md`), `${report}\n`);
    writeFileSync(path.join(outDir, `ui-${N}.json`), JSON.stringify(fig, null, 2));
    if (args.json) process.stdout.write(`${jsonLine(fig)}\n`);
  }
} finally {
  await browser?.close();
  await server?.stop();
  await other?.stop();
  await dovecot.stop();
  rmSync(work, { recursive: true, force: true });
}
