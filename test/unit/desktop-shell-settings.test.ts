// The desktop app's settings and facts (app.settings, app.info), through a real service:
// what main/app reads at start and changes from its menus.
import { readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openService } from '../support/service.js';

const ROOT = path.resolve(import.meta.dirname, '../..');

describe('the desktop app’s settings and facts (app.settings, app.info)', () => {
  it('start at their defaults, keep a change across restarts, and refuse what is not a setting', async () => {
    const first = await openService();
    const dataDir = first.dataDir;
    try {
      expect(await first.call('app.settings', {})).toEqual({
        closeToTray: true,
        stopStackOnQuit: false,
        mailtoHandler: 'ask',
      });
      expect(await first.call('app.settings', { stopStackOnQuit: true })).toEqual({
        closeToTray: true,
        stopStackOnQuit: true,
        mailtoHandler: 'ask',
      });
      for (const bad of [{ closeToTray: 'yes' }, { quitOnClose: true }]) {
        expect(await first.svc.invoke('app.settings', bad)).toMatchObject({
          ok: false,
          error: { code: 'INVALID_INPUT' },
        });
      }
      const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
        version: string;
      };
      expect(await first.call('app.info', {})).toEqual({
        version: pkg.version,
        secrets: 'encrypted-file',
      });
    } finally {
      await first.svc.close();
    }
    const again = await openService({ dataDir, secretKey: first.secretKey });
    try {
      expect(await again.call('app.settings', {})).toMatchObject({ stopStackOnQuit: true });
    } finally {
      await again.close();
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
