// The server bench's processes: instances of `maildock serve` (compiled, with --database,
// --redis and an env file, as an operator starts them) and a private nginx in front of them
// on a loopback port, its configuration rendered here like the stack's (least_conn upstream,
// keepalive, the same proxy headers), without TLS or its request limit.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { freePort, waitFor } from '../../test/support/processes.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const ENTRY = path.join(ROOT, 'bin/maildock.js');
const NGINX = '/usr/sbin/nginx';

export interface Instance {
  url: string;
  port: number;
  instanceId: string | null;
  child: ChildProcess;
  /** SIGTERM, then waits for the graceful stop (leases handed back). */
  stop(): Promise<void>;
}

export interface InstanceSetup {
  databaseUrl: string;
  redisUrl: string;
  envFile: string;
  /** Each instance's data folder (logs, attachments) goes under it. */
  workDir: string;
}

/** The env file every instance reads: the keys, and limits that are no figure of the bench. */
export function writeEnvFile(dir: string, keys: { encryptionKey: string; jwtPem: string }): string {
  const pem = path.join(dir, 'jwt-k1.pem');
  writeFileSync(pem, keys.jwtPem, { mode: 0o600 });
  const file = path.join(dir, 'server.env');
  writeFileSync(
    file,
    [
      `ENCRYPTION_KEY=k1:${keys.encryptionKey}`,
      `JWT_PRIVATE_KEYS=k1:${pem}`,
      // The bench measures the API: 100 clients calling as fast as they can would otherwise
      // measure the limit. The limiter still runs (a Redis round trip per request).
      'RATE_LIMIT_MAX=1000000000',
      // The bench's Dovecot, on loopback.
      'PRIVATE_MAIL_HOSTS=127.0.0.1',
      'LOGIN_RATE_LIMIT_MAX=10000',
      'ACCESS_TOKEN_TTL=1h',
      'LOG_LEVEL=warn',
      '',
    ].join('\n'),
    { mode: 0o600 },
  );
  return file;
}

const children = new Set<ChildProcess>();
let exitHook = false;

/** The bench may end on an error before it stops a child: the child must not outlive it. */
export function outliving(child: ChildProcess): void {
  if (!exitHook) process.once('exit', () => children.forEach((c) => c.kill('SIGKILL')));
  exitHook = true;
  children.add(child);
  child.once('exit', () => children.delete(child));
}

/** What `serve --json` prints once it listens (one JSON object, over several lines). */
function announced(stdout: string): { url: string; instance: string | null } | null {
  try {
    return JSON.parse(stdout) as { url: string; instance: string | null };
  } catch {
    return null;
  }
}

/** Node's flags for a server instance, as stack/server/entrypoint.sh starts one. */
export const SERVER_NODE_FLAGS = ['--max-semi-space-size=64'];

export async function startInstance(setup: InstanceSetup, name: string): Promise<Instance> {
  const port = await freePort();
  const dataDir = path.join(setup.workDir, name);
  mkdirSync(dataDir, { recursive: true });
  const child = spawn(
    process.execPath,
    [
      ...SERVER_NODE_FLAGS,
      ENTRY,
      '--data-dir',
      dataDir,
      '--database',
      setup.databaseUrl,
      '--json',
      'serve',
      '--port',
      String(port),
      '--redis',
      setup.redisUrl,
      '--env-file',
      setup.envFile,
    ],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  outliving(child);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const started = await Promise.race([
    waitFor(() => announced(stdout) !== null, 120_000),
    exited.then(() => false),
  ]);
  if (!started) throw new Error(`instance ${name} did not start:\n${stderr.slice(-2000)}`);
  const line = announced(stdout)!;
  return {
    url: line.url.replace(/\/$/, ''),
    port,
    instanceId: line.instance,
    child,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

export interface Nginx {
  url: string;
  stop(): Promise<void>;
}

/** A private nginx on a loopback port, least_conn over the instances' ports. */
export async function startNginx(dir: string, ports: number[]): Promise<Nginx> {
  mkdirSync(path.join(dir, 'temp'), { recursive: true });
  const port = await freePort();
  const conf = path.join(dir, 'nginx.conf');
  const upstreams = ports.map((p) => `    server 127.0.0.1:${p};`).join('\n');
  writeFileSync(
    conf,
    `# Written by bench/server/instances.ts for one run.
worker_processes 1;
daemon off;
master_process on;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path ${dir}/temp/body;
  proxy_temp_path ${dir}/temp/proxy;
  fastcgi_temp_path ${dir}/temp/fastcgi;
  uwsgi_temp_path ${dir}/temp/uwsgi;
  scgi_temp_path ${dir}/temp/scgi;
  upstream maildock {
    least_conn;
${upstreams}
    keepalive 32;
  }
  proxy_http_version 1.1;
  proxy_set_header Host $http_host;
  proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
  proxy_set_header X-Real-IP $remote_addr;
  proxy_set_header Connection '';
  server {
    listen 127.0.0.1:${port};
    client_max_body_size 101m;
    location / { proxy_pass http://maildock; }
  }
}
`,
  );
  const child = spawn(NGINX, ['-p', dir, '-c', conf], { stdio: ['ignore', 'ignore', 'pipe'] });
  outliving(child);
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  const up = await Promise.race([
    waitFor(async () => (await fetch(`${url}/health`).catch(() => null))?.ok === true, 20_000),
    exited.then(() => false),
  ]);
  if (!up) throw new Error(`nginx did not start: ${stderr}${readLog(dir)}`);
  return {
    url,
    async stop() {
      if (child.exitCode === null) child.kill('SIGQUIT');
      await exited;
    },
  };
}

function readLog(dir: string): string {
  try {
    return readFileSync(path.join(dir, 'error.log'), 'utf8').slice(-2000);
  } catch {
    return '';
  }
}
