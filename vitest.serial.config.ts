import { defineConfig } from 'vitest/config';

/** Tests that restart the local Postgres server: one file at a time, after everything else. */
export default defineConfig({
  test: {
    include: ['tests/serial/**/*.test.ts'],
    pool: 'forks',
    fileParallelism: false,
    maxWorkers: 1,
    testTimeout: 240_000,
    hookTimeout: 120_000,
  },
});
