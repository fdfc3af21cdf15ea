// The desktop app's packaging: electron-builder.yml checked by electron-builder's own
// validator, its fuses, resources and targets, and the entry point the build makes.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { pngSize } from '../support/png.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const require = createRequire(import.meta.url);

describe('packaging (electron-builder.yml, checked by electron-builder’s own validator)', () => {
  const config = parseYaml(readFileSync(path.join(ROOT, 'electron-builder.yml'), 'utf8')) as Record<
    string,
    unknown
  > & {
    electronFuses: Record<string, boolean>;
    asarUnpack: string[];
    extraResources: { from: string; to: string }[];
    linux: { target: string[]; mimeTypes: string[]; desktop: { entry: Record<string, string> } };
    mac: { target: string[]; hardenedRuntime: boolean; entitlements: string };
    win: { target: string[] };
    protocols: { schemes: string[] }[];
  };

  it('is a valid configuration', async () => {
    const { validateConfiguration } = require('app-builder-lib/out/util/config/config.js') as {
      validateConfiguration(c: unknown, logger: unknown): Promise<void>;
    };
    const { DebugLogger } = require('builder-util/out/DebugLogger.js') as {
      DebugLogger: new (enabled: boolean) => unknown;
    };
    await expect(validateConfiguration(config, new DebugLogger(false))).resolves.toBeUndefined();
    await expect(
      validateConfiguration(
        { ...config, electronFuses: { runAsNod: false } },
        new DebugLogger(false),
      ),
    ).rejects.toThrow();
  });

  it('sets the fuses: no run-as-node, no NODE_OPTIONS, no inspect arguments, asar only and checked', () => {
    expect(config.electronFuses).toMatchObject({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
    });
  });

  it('keeps the native modules outside the asar, ships stack/ and the tray images as resources', () => {
    expect(config.asar).toBe(true);
    expect(config.asarUnpack).toEqual(
      expect.arrayContaining(['node_modules/better-sqlite3/**/*', 'node_modules/keytar/**/*']),
    );
    expect(config.npmRebuild).toBe(true);
    expect(config.extraResources).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ from: 'stack', to: 'stack' }),
        expect.objectContaining({ from: 'resources/tray', to: 'tray' }),
        // The ISPDB's licence travels with the table made from it.
        expect.objectContaining({
          from: 'resources/ispdb',
          to: 'ispdb',
          filter: ['LICENSE', 'README.md'],
        }),
      ]),
    );
  });

  it('builds an AppImage and a deb handling mailto:, a hardened dmg and an NSIS installer', () => {
    expect(config.appId).toBe('app.maildock.desktop');
    expect(config.productName).toBe('Maildock');
    expect(config.linux.target).toEqual(['AppImage', 'deb']);
    expect(config.linux.mimeTypes).toContain('x-scheme-handler/mailto');
    expect(config.linux.desktop.entry.MimeType).toContain('x-scheme-handler/mailto');
    expect(config.protocols[0]!.schemes).toEqual(['mailto']);
    expect(config.mac.target).toEqual(['dmg']);
    expect(config.mac.hardenedRuntime).toBe(true);
    const plist = readFileSync(path.join(ROOT, config.mac.entitlements), 'utf8');
    expect(plist).toMatch(/com\.apple\.security\.cs\.allow-jit/);
    expect(plist).not.toMatch(/allow-unsigned-executable-memory|get-task-allow/);
    expect(config.win.target).toEqual(['nsis']);
    expect(pngSize(path.join(ROOT, 'resources/icon.png'))).toEqual({ width: 1024, height: 1024 });
  });

  it('starts the app from the compiled main process the build makes', () => {
    const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
      main: string;
      scripts: Record<string, string>;
    };
    expect(pkg.main).toBe('dist/main/app/main.js');
    const buildConfig = JSON.parse(
      readFileSync(path.join(ROOT, 'tsconfig.build.json'), 'utf8').replace(/\/\/.*$/gm, ''),
    ) as { include: string[] };
    expect(buildConfig.include).toContain('main/app');
    expect(pkg.scripts.build).toContain('build:preload');
    expect(pkg.scripts['build:preload']).toContain('--outfile=dist/preload/index.cjs');
  });
});
