// The tray's model (main/app/tray-model.ts), tested without the Electron binary: the stack's
// health in the icon and the menu, the commands as they apply, and every image it can name.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { StackHealth } from '../../common/stack.js';
import {
  iconName,
  trayModel,
  type TrayInput,
  type TrayPlatform,
} from '../../main/app/tray-model.js';
import { pngSize } from '../support/png.js';

const ROOT = path.resolve(import.meta.dirname, '../..');

const health = (overall: StackHealth['overall']): StackHealth => ({
  overall,
  at: '2026-12-04T00:00:00.000Z',
  roundMs: 120,
  summary: overall === 'healthy' ? 'All services healthy' : 'dovecot is stopped',
  services: [
    {
      service: 'postgres',
      state: 'healthy',
      container: 'running',
      dockerHealth: 'healthy',
      latencyMs: 12.4,
      probes: [],
      problem: null,
    },
    {
      service: 'dovecot',
      state: overall === 'healthy' ? 'healthy' : 'stopped',
      container: overall === 'healthy' ? 'running' : 'exited',
      dockerHealth: 'none',
      latencyMs: overall === 'healthy' ? 80 : null,
      probes: [],
      problem: overall === 'healthy' ? null : 'dovecot is stopped',
    },
  ],
});

const input = (over: Partial<TrayInput> = {}): TrayInput => ({
  health: null,
  stackConfigured: true,
  unread: 0,
  syncing: false,
  backupAvailable: false,
  stackBusy: false,
  ...over,
});

describe('the tray', () => {
  const commands = (m: ReturnType<typeof trayModel>) =>
    m.items.flatMap((i) => (i.type === 'command' ? [[i.command, i.enabled] as const] : []));

  it('shows the overall state in the icon, and unread mail as its variant', () => {
    for (const overall of ['healthy', 'degraded', 'down', 'stopped'] as const) {
      const m = trayModel(input({ health: health(overall) }), 'linux');
      expect(m).toMatchObject({ state: overall, unread: false, icon: overall });
      expect(trayModel(input({ health: health(overall), unread: 3 }), 'linux').icon).toBe(
        `${overall}-unread`,
      );
      expect(trayModel(input({ health: health(overall) }), 'darwin').icon).toBe(
        `${overall}Template`,
      );
    }
    expect(trayModel(input({ health: null, stackConfigured: false }), 'win32').state).toBe(
      'stopped',
    );
  });

  it('lists each service with its state and latency, and the stack’s commands as they apply', () => {
    const m = trayModel(input({ health: health('degraded'), unread: 1 }), 'linux');
    const info = m.items.flatMap((i) => (i.type === 'info' ? [i.label] : []));
    expect(info).toEqual([
      'Mail stack: dovecot is stopped',
      'postgres: healthy · 12 ms',
      'dovecot: stopped — dovecot is stopped',
    ]);
    expect(m.tooltip).toBe('Maildock — 1 unread message. Mail stack: dovecot is stopped');
    expect(commands(m)).toEqual([
      ['stack.start', false],
      ['stack.stop', true],
      ['stack.restart', true],
      ['open', true],
      ['sync', true],
      ['quit', true],
    ]);
    const stopped = trayModel(input({ health: health('stopped') }), 'linux');
    expect(commands(stopped).slice(0, 3)).toEqual([
      ['stack.start', true],
      ['stack.stop', false],
      ['stack.restart', false],
    ]);
    const busy = trayModel(
      input({ health: health('healthy'), stackBusy: true, syncing: true }),
      'linux',
    );
    expect(commands(busy).slice(0, 5)).toEqual([
      ['stack.start', false],
      ['stack.stop', false],
      ['stack.restart', false],
      ['open', true],
      ['sync', false],
    ]);
  });

  it('says when no stack is configured, and offers a backup only once backups exist', () => {
    const none = trayModel(input({ stackConfigured: false }), 'linux');
    expect(none.items[0]).toEqual({ type: 'info', label: 'No mail stack configured' });
    expect(
      commands(none)
        .slice(0, 3)
        .every(([, enabled]) => !enabled),
    ).toBe(true);
    expect(commands(none).map(([c]) => c)).not.toContain('backup');
    const withBackup = trayModel(input({ backupAvailable: true }), 'linux');
    expect(commands(withBackup).map(([c]) => c)).toContain('backup');
    expect(withBackup.items.at(-1)).toMatchObject({ command: 'quit' });
  });

  it('has every image it can name, at 1x and 2x, for each system', () => {
    const sizes: Record<TrayPlatform, number> = { linux: 24, win32: 16, darwin: 16 };
    for (const platform of ['linux', 'win32', 'darwin'] as const) {
      for (const state of ['healthy', 'degraded', 'down', 'stopped'] as const) {
        for (const unread of [false, true]) {
          const base = path.join(
            ROOT,
            'resources/tray',
            platform,
            iconName(state, unread, platform),
          );
          const n = sizes[platform];
          expect(pngSize(`${base}.png`)).toEqual({ width: n, height: n });
          expect(pngSize(`${base}@2x.png`)).toEqual({ width: 2 * n, height: 2 * n });
          if (platform === 'win32') expect(readFileSync(`${base}.ico`).readUInt16LE(2)).toBe(1);
        }
      }
    }
  });
});
