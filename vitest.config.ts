import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    // Integration tests start real servers; give them room but never forever.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Two files at a time on this project's 2-core machines (the default would be one): the
    // integration tests spend most of their time waiting on the servers they start, so a
    // second file halves the run (25 → 17 minutes, measured under load, no test slower to fail).
    maxWorkers: 2,
    reporters: ['default'],
  },
});
