// A private DNS server for tests: Debian's dnsmasq on a loopback port nobody else uses,
// answering only the records the test gives (SRV, MX, A/AAAA), with no upstream server, no
// /etc/hosts and no DHCP. Names under the test's domains that it does not list get NXDOMAIN.
// It runs in a process group of its own; a watchdog and an exit hook make sure it does not
// outlive the test process. Point a node:dns Resolver at `server` ('127.0.0.1:PORT').
import { spawn } from 'node:child_process';
import { Resolver } from 'node:dns/promises';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import {
  freePort,
  groupAlive,
  keepDirs,
  killGroupSync,
  launchOnFreePorts,
  signalGroup,
  spawnWatchdog,
  tailOf,
  tempRoot,
  trackServer,
  untrackServer,
  waitDown,
  waitFor,
} from './processes.js';

export interface SrvRecordSpec {
  /** _imaps._tcp.example.test */
  name: string;
  /** The target host; '.' (or leaving it out) says the service is not offered. */
  target?: string;
  port?: number;
  priority?: number;
  weight?: number;
}

export interface DnsmasqRecords {
  srv?: SrvRecordSpec[];
  mx?: { name: string; host: string; preference?: number }[];
  /** A (IPv4) or AAAA (IPv6) records. */
  hosts?: { name: string; address: string }[];
  /** Domains this server alone answers for: NXDOMAIN for a name it does not list. */
  local?: string[];
}

export interface DnsmasqServer {
  port: number;
  /** '127.0.0.1:PORT', for Resolver.setServers. */
  server: string;
  root: string;
  stop(): Promise<void>;
  logTail(lines?: number): string;
}

const BIN = '/usr/sbin/dnsmasq';
const START_TIMEOUT_MS = 10_000;
const STOP_TIMEOUT_MS = 10_000;
/** A name always listed: the server answers it once it is up. */
const READY = 'ready.dnsmasq.invalid';

function recordArgs(r: DnsmasqRecords): string[] {
  return [
    ...(r.srv ?? []).map((s) =>
      // dnsmasq's SRV without a target is RFC 2782's "." (not offered).
      !s.target || s.target === '.'
        ? `--srv-host=${s.name}`
        : `--srv-host=${s.name},${s.target},${s.port ?? 0},${s.priority ?? 0},${s.weight ?? 0}`,
    ),
    ...(r.mx ?? []).map((m) => `--mx-host=${m.name},${m.host},${m.preference ?? 10}`),
    ...(r.hosts ?? []).map((h) => `--host-record=${h.name},${h.address}`),
    ...(r.local ?? []).map((d) => `--local=/${d}/`),
    `--host-record=${READY},127.0.0.1`,
  ];
}

class Dnsmasq implements DnsmasqServer {
  pid: number | undefined;
  private removed = false;
  /** What dnsmasq said before its log was open (a port taken, a wrong option). */
  private stderr = '';

  constructor(
    readonly root: string,
    public port: number,
    private readonly records: DnsmasqRecords,
  ) {}

  get server(): string {
    return `127.0.0.1:${this.port}`;
  }

  private get logFile(): string {
    return path.join(this.root, 'dnsmasq.log');
  }

  async launch(): Promise<void> {
    const args = [
      '--keep-in-foreground',
      '--conf-file=/dev/null',
      '--no-resolv',
      '--no-hosts',
      '--no-poll',
      '--listen-address=127.0.0.1',
      '--bind-interfaces',
      `--port=${this.port}`,
      '--pid-file=',
      `--log-facility=${this.logFile}`,
      '--log-queries',
      ...recordArgs(this.records),
    ];
    const child = spawn(BIN, args, { detached: true, stdio: ['ignore', 'ignore', 'pipe'] });
    this.stderr = '';
    child.stderr?.on('data', (d) => (this.stderr += String(d)));
    child.unref();
    const pid = await new Promise<number>((resolve, reject) => {
      child.once('spawn', () => resolve(child.pid!));
      child.once('error', (err) =>
        reject(new Error(`${BIN} did not run (is the dnsmasq package installed?): ${err}`)),
      );
    });
    this.pid = pid;
    spawnWatchdog(pid, this.root);
    const resolver = new Resolver({ timeout: 200, tries: 1 });
    resolver.setServers([this.server]);
    const ready = await waitFor(
      async () =>
        !groupAlive(pid) ||
        (await resolver.resolve4(READY).then(
          (a) => a[0] === '127.0.0.1',
          () => false,
        )),
      START_TIMEOUT_MS,
    );
    if (ready && groupAlive(pid)) return;
    signalGroup(pid, 'SIGKILL');
    this.pid = undefined;
    await waitDown(pid, [], STOP_TIMEOUT_MS);
    throw new Error(`dnsmasq did not start on ${this.server}\n${this.logTail(20)}`);
  }

  killSync(removeDir: boolean): void {
    killGroupSync(this.pid, this.root, removeDir);
  }

  async stop(): Promise<void> {
    const pid = this.pid;
    if (pid !== undefined) {
      signalGroup(pid, 'SIGTERM');
      await waitDown(pid, [], STOP_TIMEOUT_MS);
      if (groupAlive(pid)) signalGroup(pid, 'SIGKILL');
      this.pid = undefined;
      await waitDown(pid, [], STOP_TIMEOUT_MS);
    }
    if (!keepDirs() && !this.removed) {
      this.removed = true;
      untrackServer(this);
      await rm(this.root, { recursive: true, force: true });
    }
  }

  logTail(lines = 40): string {
    const err = this.stderr.trim();
    return err ? `${tailOf(this.logFile, lines)}\n[stderr]\n${err}` : tailOf(this.logFile, lines);
  }
}

/** Starts a private dnsmasq serving `records` on a free loopback port, once it answers. */
export async function startDnsmasq(records: DnsmasqRecords): Promise<DnsmasqServer> {
  const root = await tempRoot('maildock-dnsmasq-');
  const server = new Dnsmasq(root, await freePort(), records);
  trackServer(server);
  try {
    await launchOnFreePorts({
      launch: () => server.launch(),
      logTail: (n) => server.logTail(n),
      movable: () => true,
      repick: async () => {
        server.port = await freePort();
      },
    });
  } catch (err) {
    await server.stop().catch(() => undefined);
    throw err;
  }
  return server;
}
