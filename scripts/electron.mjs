// `npm start`: the desktop app from this checkout. Electron's binary is fetched on first use
// (`npm ci` skips it: package.json's allowScripts); where it cannot be downloaded, this says
// so and points at `maildock serve`, which gives the same UI in a browser.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const pkg = path.dirname(require.resolve('electron/package.json'));

function binary() {
  try {
    const file = require('electron');
    return typeof file === 'string' && existsSync(file) ? file : null;
  } catch {
    return null;
  }
}

let electron = binary();
if (!electron) {
  console.error('Fetching the Electron binary (once)…');
  spawnSync(process.execPath, [path.join(pkg, 'install.js')], { stdio: 'inherit' });
  electron = binary();
}
if (!electron) {
  console.error(
    'The Electron binary could not be downloaded here, so the desktop app cannot start.\n' +
      'The same UI runs in a browser: `npx maildock serve`, then open the link it prints.',
  );
  process.exit(1);
}
const child = spawn(electron, [root, ...process.argv.slice(2)], { stdio: 'inherit' });
child.on('exit', (code, signal) => process.exit(signal ? 1 : (code ?? 0)));
