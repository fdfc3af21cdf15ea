// npm run bench:discovery -- [--runs R] [--network-runs N]
// How long account discovery (main/core/discovery/) takes, p50 and p95 over many runs in one
// warm process: an ISPDB domain, answered from the bundled table without any network; a
// domain found in the ISPDB through its MX host; and the SRV path, each step on loopback
// before it (MX lookup, both autoconfig names, the four SRV names) and the probe of the
// server the SRV record names (a private Dovecot: TCP, greeting, STARTTLS, TLS handshake,
// CAPABILITY). DNS is a private dnsmasq (test/support/dnsmasq.ts). No peer runs here:
// Thunderbird's discovery lives inside Thunderbird.
import { execFileSync } from 'node:child_process';
import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { discover } from '../../main/core/discovery/discover.js';
import { DiscoveryNet, type DiscoveryOptions } from '../../main/core/discovery/net.js';
import { probeImap } from '../../main/core/discovery/probe-imap.js';
import { startDnsmasq } from '../../test/support/dnsmasq.js';
import { startDovecot } from '../../test/support/dovecot.js';
import { freePort } from '../../test/support/processes.js';
import { summarize } from '../sync/stats.js';

const { values: args } = parseArgs({
  options: {
    runs: { type: 'string', default: '5000' },
    'network-runs': { type: 'string', default: '300' },
  },
});
const RUNS = Number(args.runs);
const NETWORK_RUNS = Number(args['network-runs']);
const log = (s: string) => process.stderr.write(`${s}\n`);

/** p50 / p95 of `runs` calls of `fn` (ms), after a few to warm up. */
async function measure(runs: number, fn: (i: number) => Promise<unknown>) {
  for (let i = 0; i < Math.min(20, runs); i++) await fn(i);
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await fn(i);
    samples.push(performance.now() - t0);
  }
  return summarize(samples);
}

const dir = mkdtempSync(path.join(os.tmpdir(), 'maildock-bench-discovery-'));
// A self-signed certificate for the made-up domains, trusted as its own CA.
execFileSync(
  'openssl',
  [
    ...['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'],
    ...['-days', '1', '-subj', '/CN=Maildock discovery bench'],
    ...['-addext', 'subjectAltName=DNS:*.srv.test,DNS:srv.test'],
    ...['-keyout', path.join(dir, 'key.pem'), '-out', path.join(dir, 'cert.pem')],
  ],
  { stdio: 'pipe' },
);
const cert = readFileSync(path.join(dir, 'cert.pem'), 'utf8');

// Dovecot with STARTTLS on its IMAP port, under that certificate.
const dovecot = await startDovecot();
await dovecot.kill();
appendFileSync(
  dovecot.confPath,
  `\nssl = yes\nssl_cert = <${path.join(dir, 'cert.pem')}\nssl_key = <${path.join(dir, 'key.pem')}\n`,
);
await dovecot.start();
const closed = await freePort();
const dns = await startDnsmasq({
  local: ['srv.test', 'mx.test'],
  mx: [{ name: 'mx.test', host: 'aspmx.l.google.com' }],
  srv: [
    { name: '_imaps._tcp.srv.test' },
    { name: '_imap._tcp.srv.test', target: 'imap.srv.test', port: dovecot.port, priority: 10 },
  ],
  hosts: [{ name: 'imap.srv.test', address: '127.0.0.1' }],
});
const options: DiscoveryOptions = {
  dnsServers: [dns.server],
  ca: [cert],
  // Nothing else is reached: every well-known port leads where nothing listens.
  ports: { 443: closed, 993: closed, 143: closed, 465: closed, 587: closed },
};

try {
  const cold = performance.now();
  await discover('first@gmail.com');
  const coldMs = performance.now() - cold;
  const ispdb = await measure(RUNS, (i) => discover(`user${i}@gmail.com`));
  const viaMx = await measure(NETWORK_RUNS, (i) => discover(`user${i}@mx.test`, options));
  const srv = await measure(NETWORK_RUNS, async (i) => {
    const d = await discover(`user${i}@srv.test`, options);
    if (d.source !== 'srv') throw new Error(`found through ${d.source}`);
  });
  // The floor of the SRV path: its one probe alone, to the address directly.
  const net = new DiscoveryNet(options);
  const probe = await measure(NETWORK_RUNS, () =>
    probeImap(net, 'imap.srv.test', dovecot.port, 'starttls'),
  );
  const row = (what: string, runs: number, s: { p50: number; p95: number }) =>
    `| ${what} | ${runs} | ${s.p50.toFixed(3)} ms | ${s.p95.toFixed(3)} ms |`;
  console.log(
    [
      `Account discovery, Node ${process.version}, ${os.cpus().length} cores`,
      '',
      '| path | runs | p50 | p95 |',
      '| ---- | ---- | --- | --- |',
      row('ISPDB, the address’s own domain (no network)', RUNS, ispdb),
      row('ISPDB through the MX host (dnsmasq on loopback)', NETWORK_RUNS, viaMx),
      row('SRV record → Dovecot probed with STARTTLS (loopback)', NETWORK_RUNS, srv),
      row('its probe alone, for comparison (STARTTLS, CAPABILITY)', NETWORK_RUNS, probe),
      '',
      `The first call in the process (it builds the ISPDB's index of domains): ${coldMs.toFixed(1)} ms`,
    ].join('\n'),
  );
} finally {
  await dns.stop();
  await dovecot.stop();
  rmSync(dir, { recursive: true, force: true });
  log('servers stopped');
}
