// `maildock doctor` on this machine, each part real: the Docker engine the stack's tests
// run, a GNOME Keyring on a private session bus (and none), the Electron package as npm
// installed it, and a port this test holds.
import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import net, { type AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { diagnose, doctorText, type DoctorReport } from '../../main/core/doctor.js';
import { runCli } from '../support/cli.js';
import { startSessionBus, type SessionBus } from '../support/keyring.js';

let bus: SessionBus;
let dataDir: string;
const electronVersion = (
  JSON.parse(
    readFileSync(new URL('../../node_modules/electron/package.json', import.meta.url), 'utf8'),
  ) as {
    version: string;
  }
).version;

beforeAll(async () => {
  bus = await startSessionBus({ services: false });
  await bus.startKeyring({ unlocked: true });
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'maildock-doctor-'));
});

afterAll(async () => {
  await bus?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

const check = (r: DoctorReport, name: string) => r.checks.find((c) => c.name === name)!;

describe('maildock doctor', () => {
  it('reports Electron, Docker, the keychain, the secret store and the ports, as JSON', async () => {
    const r = await runCli(['--data-dir', dataDir, 'doctor', '--json'], {
      DBUS_SESSION_BUS_ADDRESS: bus.address,
    });
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout) as DoctorReport;
    expect(report.checks.map((c) => c.name)).toEqual(['electron', 'docker', 'keychain', 'secrets']);
    expect(check(report, 'electron').detail).toContain(electronVersion);
    expect(check(report, 'docker')).toMatchObject({
      ok: true,
      detail: expect.stringMatching(/^engine /),
    });
    expect(check(report, 'keychain')).toMatchObject({ ok: true });
    expect(check(report, 'secrets').detail).toBe(
      'account passwords in the system keychain (it answers)',
    );
    expect(report.ports.map((p) => p.port)).toEqual(
      expect.arrayContaining([8600, 5433, 6379, 1025, 1587, 1143, 1993]),
    );
  });

  it('says when no keychain answers, and which store the passwords are in', async () => {
    const r = await runCli(['--data-dir', dataDir, 'doctor'], {
      DBUS_SESSION_BUS_ADDRESS: `unix:path=${path.join(dataDir, 'no-bus-here')}`,
      MAILDOCK_SECRETS: 'keychain',
    });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^no {3}keychain {2}The system keychain is not available: /m);
    expect(r.stdout).toMatch(
      /^ok {3}secrets {3}account passwords in the system keychain \(MAILDOCK_SECRETS\)/m,
    );
  });

  it('names a port that is taken', async () => {
    const held = net.createServer();
    await new Promise<void>((r) => held.listen(0, '127.0.0.1', r));
    const port = (held.address() as AddressInfo).port;
    try {
      const report = await diagnose({
        dataDir,
        servePort: port,
        dockerSocket: '/nonexistent.sock',
      });
      expect(report.ports[0]).toEqual({ name: 'serve', port, free: false });
      expect(check(report, 'docker')).toMatchObject({ ok: false });
      expect(doctorText(report)).toContain(`in use on 127.0.0.1: ${port} (serve)`);
    } finally {
      held.close();
    }
  });

  it('the command line keeps passwords in the keychain when told, and the app’s choice is recorded', async () => {
    const env = { DBUS_SESSION_BUS_ADDRESS: bus.address, MAILDOCK_SECRETS: 'keychain' };
    const r = await runCli(['--data-dir', dataDir, 'account', 'list', '--json'], env);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual([]);
    expect((await readFile(path.join(dataDir, 'secrets-backend'), 'utf8')).trim()).toBe('keychain');
    const bad = await runCli(['--data-dir', dataDir, 'account', 'list'], {
      MAILDOCK_SECRETS: 'vault',
    });
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('MAILDOCK_SECRETS is "keychain" or "file", not "vault".');
  });
});
