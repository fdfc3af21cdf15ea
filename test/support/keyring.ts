// A real Secret Service for the keychain's tests: a private D-Bus session bus with GNOME
// Keyring on it (its secrets component), unlocked with a password of the test's own or left
// locked. The test process points DBUS_SESSION_BUS_ADDRESS at it before keytar first
// connects; libsecret keeps that connection, so each scenario runs in a test file of its own.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { sleep } from './processes.js';

export interface SessionBus {
  address: string;
  dir: string;
  /** Starts GNOME Keyring on this bus with a login keyring, unlocked or locked. */
  startKeyring(opts: { unlocked: boolean }): Promise<void>;
  /** Makes this process use the bus (for libsecret, at its first call). */
  use(): void;
  stop(): Promise<void>;
}

function firstLine(child: ChildProcess, what: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    const timer = setTimeout(() => reject(new Error(`${what} did not start`)), 10_000);
    lines.once('line', (line) => {
      clearTimeout(timer);
      resolve(line.trim());
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${what} exited (${code}) before it started`));
    });
  });
}

const run = promisify(execFile);

async function nameOwned(address: string, name: string): Promise<boolean> {
  const { stdout } = await run(
    'dbus-send',
    [
      `--bus=${address}`,
      '--dest=org.freedesktop.DBus',
      '--print-reply',
      '/org/freedesktop/DBus',
      'org.freedesktop.DBus.NameHasOwner',
      `string:${name}`,
    ],
    { timeout: 5000 },
  );
  return /boolean true/.test(stdout);
}

/**
 * A session bus of the test's own. `services: false` gives a bus on which no service can be
 * activated: there, no Secret Service exists at all.
 */
export async function startSessionBus(opts: { services: boolean }): Promise<SessionBus> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'maildock-bus-'));
  const config = path.join(dir, 'session.conf');
  await writeFile(
    config,
    `<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:dir=${dir}</listen>
  ${opts.services ? '<standard_session_servicedirs />' : ''}
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
`,
  );
  const bus = spawn('dbus-daemon', ['--config-file', config, '--nofork', '--print-address=1'], {
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const address = await firstLine(bus, 'dbus-daemon');
  const children: ChildProcess[] = [bus];
  const env = {
    ...process.env,
    DBUS_SESSION_BUS_ADDRESS: address,
    // The keyring's files and control socket stay in the test's folder.
    XDG_DATA_HOME: path.join(dir, 'data'),
    XDG_RUNTIME_DIR: dir,
    HOME: dir,
  };
  return {
    address,
    dir,
    async startKeyring({ unlocked }) {
      const start = async (unlock: boolean) => {
        const daemon = spawn(
          'gnome-keyring-daemon',
          [unlock ? '--unlock' : '--start', '--components=secrets', '--foreground'],
          { env, stdio: ['pipe', 'ignore', 'ignore'] },
        );
        children.push(daemon);
        daemon.stdin!.end(unlock ? 'maildock-test-keyring' : '');
        // Ready once it owns the Secret Service's name on the bus.
        for (let i = 0; !(await nameOwned(address, 'org.freedesktop.secrets')); i++) {
          if (daemon.exitCode !== null) throw new Error('gnome-keyring-daemon exited');
          if (i > 100) throw new Error('gnome-keyring-daemon did not take the Secret Service name');
          await sleep(100);
        }
        return daemon;
      };
      const first = await start(true);
      if (unlocked) return;
      // Locked: the login keyring exists (made by the first start), and this start has not
      // got its password.
      first.kill('SIGTERM');
      await new Promise((r) => first.once('exit', r));
      while (await nameOwned(address, 'org.freedesktop.secrets')) await sleep(50);
      await start(false);
    },
    use() {
      process.env.DBUS_SESSION_BUS_ADDRESS = address;
      delete process.env.DISPLAY;
    },
    async stop() {
      for (const c of children.reverse()) {
        if (c.exitCode === null) {
          c.kill('SIGTERM');
          await new Promise((r) => c.once('exit', r));
        }
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}
