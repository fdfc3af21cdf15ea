// Lint rules, including the layering of ARCHITECTURE.md: each layer may import only
// what sits beneath it, and only main/app (plus preload/) may touch electron.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const nodeBuiltins = {
  group: ['node:*'],
  message: 'This layer runs in a browser too: no Node built-ins.',
};
const electron = {
  group: ['electron', 'electron/*'],
  message: 'Only main/app and preload/ may import electron.',
};
const layer = (from, ...groups) => ({
  files: from.endsWith('.ts') ? [from] : [`${from}/**/*.ts`, `${from}/**/*.tsx`],
  rules: { 'no-restricted-imports': ['error', { patterns: groups }] },
});
// The shells (CLI, server) stand on service.ts and never reach past it into the engine's parts.
const shellNever = [
  'renderer',
  'preload',
  'core/store',
  'core/sync',
  'core/mime',
  'core/secrets',
  'core/stack',
  'core/send',
  'core/actions',
];
// The store is an interface: a database driver, and the engines behind the interface, are
// store/'s own; everything else imports main/core/store/index.ts.
const drivers = {
  group: ['better-sqlite3', 'pg', 'pg-*', 'kysely'],
  message: 'Only main/core/store/ may use a database driver: use the store interface.',
};
const engines = {
  group: ['**/store/sqlite/**', '**/store/postgres/**', '**/store/sqlite', '**/store/postgres'],
  message: "Outside store/, use the store's interface (store/index.js), not an engine.",
};
const notInto = (...dirs) =>
  dirs.map((d) => ({
    group: [`**/${d}/**`, `**/${d}`],
    message: `This layer must not import ${d}/.`,
  }));

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', '.bench/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': 'off',
    },
  },
  {
    files: ['bin/**/*.js', 'scripts/**/*.js', 'scripts/**/*.mjs'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly' } },
  },
  layer('common', nodeBuiltins, electron, ...notInto('main', 'renderer', 'preload')),
  layer(
    'main/core',
    electron,
    drivers,
    engines,
    ...notInto('app', 'server', 'cli', 'renderer', 'preload'),
  ),
  // The store knows nothing of what uses it.
  layer(
    'main/core/store',
    electron,
    ...notInto('app', 'server', 'cli', 'renderer', 'preload'),
    ...notInto('sync', 'send', 'actions', 'stack', 'backup', 'methods'),
  ),
  // Sync stands on the store and MIME parsing: it never reaches the stack, backups or sending.
  layer(
    'main/core/sync',
    electron,
    drivers,
    engines,
    ...notInto('app', 'server', 'cli', 'renderer', 'preload'),
    ...notInto('stack', 'backup', 'send', 'methods'),
  ),
  layer('main/server', electron, drivers, ...notInto('app', 'cli', ...shellNever)),
  layer('main/cli', electron, drivers, ...notInto('app', 'server', ...shellNever)),
  // `maildock serve` is the one command that starts the server, so it alone may import it.
  layer('main/cli/serve.ts', electron, drivers, ...notInto('app', ...shellNever)),
  // `maildock admin jobs|status` read the server's queue and heartbeats in Redis.
  layer('main/cli/admin-work.ts', electron, drivers, ...notInto('app', ...shellNever)),
  layer('main/app', drivers, ...notInto('server', 'cli', ...shellNever)),
  // The preload runs sandboxed in the page: the contract's names, electron, nothing else.
  layer('preload', nodeBuiltins, ...notInto('main', 'renderer')),
  layer('renderer', nodeBuiltins, electron, ...notInto('main', 'preload')),
);
