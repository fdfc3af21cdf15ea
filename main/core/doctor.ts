// `maildock doctor`: what this machine has for Maildock, each part checked for real: the
// Electron binary (for the desktop app), the Docker engine (for the bundled stack), a
// keychain that answers (for passwords) and which secret store this data folder uses, and
// whether the ports Maildock listens on are free. Nothing is changed; no secret is read.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import net from 'node:net';
import path from 'node:path';
import { toErrorData } from '../../common/errors.js';
import { stackPortsSchema } from '../../common/stack.js';
import { appVersion } from './platform/paths.js';
import { recordedBackend } from './secrets/choose.js';
import { heldSecrets } from './secrets/encrypted-file.js';
import { KeychainSecretStore } from './secrets/keychain.js';
import { connectDocker } from './stack/docker.js';

export interface Check {
  name: string;
  ok: boolean;
  /** One line: what was found, or what is wrong and what to do. */
  detail: string;
}

export interface DoctorReport {
  version: string;
  platform: string;
  node: string;
  checks: Check[];
  ports: { name: string; port: number; free: boolean }[];
}

export interface DoctorOptions {
  dataDir: string;
  /** The port `maildock serve` uses by default. */
  servePort?: number;
  dockerSocket?: string;
  keychainService?: string;
  /** Each check gives up after this long. */
  timeoutMs?: number;
}

function electronCheck(): Check {
  const require = createRequire(import.meta.url);
  let dir: string;
  try {
    dir = path.dirname(require.resolve('electron/package.json'));
  } catch {
    return {
      name: 'electron',
      ok: false,
      detail:
        'not installed (npm ci installs it); `maildock serve` gives the same UI in a browser.',
    };
  }
  const version = (
    JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as {
      version: string;
    }
  ).version;
  const pathFile = path.join(dir, 'path.txt');
  const binary = existsSync(pathFile)
    ? path.join(dir, 'dist', readFileSync(pathFile, 'utf8').trim())
    : null;
  if (binary && existsSync(binary)) {
    return { name: 'electron', ok: true, detail: `${version}, binary at ${binary}` };
  }
  return {
    name: 'electron',
    ok: false,
    detail: `${version} installed without its binary: \`npm start\` downloads it where the network allows; meanwhile \`maildock serve\` gives the same UI in a browser.`,
  };
}

async function dockerCheck(socketPath: string | undefined): Promise<Check> {
  try {
    const docker = await connectDocker(socketPath ? { socketPath } : {});
    const v = (await docker.version()) as { Version?: string; ApiVersion?: string };
    return {
      name: 'docker',
      ok: true,
      detail: `engine ${v.Version ?? '?'} (API ${v.ApiVersion ?? '?'})`,
    };
  } catch (err) {
    return { name: 'docker', ok: false, detail: toErrorData(err).message };
  }
}

async function keychainCheck(service: string | undefined, timeoutMs: number): Promise<Check> {
  try {
    await KeychainSecretStore.open({ ...(service ? { service } : {}), timeoutMs });
    return {
      name: 'keychain',
      ok: true,
      detail: 'answers (a test entry was written, read back and removed)',
    };
  } catch (err) {
    return { name: 'keychain', ok: false, detail: toErrorData(err).message };
  }
}

/** Where account passwords go, by the rules of secrets/choose.ts, without opening anything. */
async function secretsCheck(dataDir: string, keychain: Check): Promise<Check> {
  const check = (ok: boolean, detail: string): Check => ({ name: 'secrets', ok, detail });
  const keychainWords = 'account passwords in the system keychain';
  const fileWords = 'account passwords in the encrypted file of the data folder';
  const env = process.env.MAILDOCK_SECRETS;
  if (env === 'keychain' || env === 'file')
    return check(true, `${env === 'keychain' ? keychainWords : fileWords} (MAILDOCK_SECRETS)`);
  if (env) return check(false, `MAILDOCK_SECRETS is "keychain" or "file", not "${env}"`);
  if (process.env.MAILDOCK_SECRET_KEY) return check(true, `${fileWords} (MAILDOCK_SECRET_KEY)`);
  let held = 0;
  try {
    held = await heldSecrets(dataDir);
  } catch (err) {
    return check(false, toErrorData(err).message);
  }
  if (keychain.ok) {
    const moving = held ? `; the ${held} in the encrypted file move into it at the next start` : '';
    return check(true, `${keychainWords} (it answers)${moving}`);
  }
  if ((await recordedBackend(dataDir)) === 'keychain')
    return check(false, 'the system keychain holds the passwords, and it does not answer');
  if (held) return check(true, `${fileWords} (no keychain answers yet)`);
  return check(
    false,
    'no keychain answers: set MAILDOCK_SECRETS=file to keep passwords in an encrypted file',
  );
}

/** Whether nothing listens on 127.0.0.1:port (a listen of our own succeeds). */
export function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen({ host: '127.0.0.1', port, exclusive: true }, () => {
      server.close(() => resolve(true));
    });
  });
}

export async function diagnose(opts: DoctorOptions): Promise<DoctorReport> {
  const timeoutMs = opts.timeoutMs ?? 5000;
  const [docker, keychain] = await Promise.all([
    dockerCheck(opts.dockerSocket),
    keychainCheck(opts.keychainService, timeoutMs),
  ]);
  const secrets = await secretsCheck(opts.dataDir, keychain);
  const wanted = [
    { name: 'serve', port: opts.servePort ?? 8600 },
    ...Object.entries(stackPortsSchema.parse({})).map(([name, port]) => ({
      name: `stack ${name}`,
      port,
    })),
  ];
  const ports = await Promise.all(
    wanted.map(async (p) => ({ ...p, free: await portFree(p.port) })),
  );
  return {
    version: appVersion(),
    platform: `${process.platform} ${process.arch}`,
    node: process.version,
    checks: [electronCheck(), docker, keychain, secrets],
    ports,
  };
}

export function doctorText(r: DoctorReport): string {
  const lines = [`Maildock ${r.version} on ${r.platform}, Node ${r.node}`];
  for (const c of r.checks) lines.push(`${c.ok ? 'ok  ' : 'no  '} ${c.name.padEnd(9)} ${c.detail}`);
  const taken = r.ports.filter((p) => !p.free);
  lines.push(
    taken.length === 0
      ? `ok   ports     all free on 127.0.0.1: ${r.ports.map((p) => p.port).join(', ')}`
      : `no   ports     in use on 127.0.0.1: ${taken.map((p) => `${p.port} (${p.name})`).join(', ')}`,
  );
  return `${lines.join('\n')}\n`;
}
