// Maildock's web server for the UI benchmark, as `maildock serve` runs it: compiled
// (tsconfig.bench.json), in a process of its own, so that the browser, the load generator
// and the server do not share an event loop. Prints `{"port": N}` once it listens, then a
// line per sync phase change (`{"phase": …, "accountId": …, "at": epoch ms}`). A `stats`
// line on stdin answers with the event loop's delay since the last `stats`; `profile-start`
// and `profile-stop FILE` take a CPU profile of the process; stdin's end (the parent
// finished, or died) stops the server.
import { writeFile } from 'node:fs/promises';
import { Session } from 'node:inspector/promises';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { MaildockService } from '../../main/core/service.js';
import { buildServer, SERVER_SERVICE_OPTIONS } from '../../main/server/server.js';

interface Job {
  dataDir: string;
  secretKey: string;
  token: string;
  staticDir: string;
}

const job = JSON.parse(process.argv[2]!) as Job;
const svc = await MaildockService.open({
  ...SERVER_SERVICE_OPTIONS,
  dataDir: job.dataDir,
  secretKey: job.secretKey,
  timeoutMs: 120_000,
});
const app = await buildServer(svc, {
  token: job.token,
  staticDir: job.staticDir,
  loopbackOnly: true,
  // It measures the API, one client calling as fast as it can: a limit would be the figure.
  limits: { rateLimit: { max: 1_000_000_000, windowMs: 60_000 } },
});
await app.listen({ host: '127.0.0.1', port: 0 });
const say = (o: unknown) => process.stdout.write(`${JSON.stringify(o)}\n`);

let lastPhase = '';
svc.on('sync.progress', (p) => {
  const key = `${p.accountId}/${p.phase}`;
  if (key === lastPhase) return;
  lastPhase = key;
  say({ phase: p.phase, accountId: p.accountId, at: Date.now() });
});

const delay = monitorEventLoopDelay({ resolution: 5 });
delay.enable();
say({ port: (app.server.address() as { port: number }).port });

const inspector = new Session();
for await (const line of createInterface({ input: process.stdin })) {
  const [command, arg] = line.trim().split(' ');
  if (command === 'stats') {
    const ms = (ns: number) => ns / 1e6;
    say({
      eventLoopDelay: {
        p50: ms(delay.percentile(50)),
        p95: ms(delay.percentile(95)),
        p99: ms(delay.percentile(99)),
        max: ms(delay.max),
      },
    });
    delay.reset();
  } else if (command === 'profile-start') {
    inspector.connect();
    await inspector.post('Profiler.enable');
    await inspector.post('Profiler.setSamplingInterval', { interval: 200 });
    await inspector.post('Profiler.start');
  } else if (command === 'profile-stop' && arg) {
    const { profile } = await inspector.post('Profiler.stop');
    await writeFile(arg, JSON.stringify(profile));
    inspector.disconnect();
    say({ profiled: arg });
  }
}
await app.close();
await svc.close();
