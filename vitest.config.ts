import { defineConfig } from 'vitest/config';

// Three projects: `unit` and `faults` need only Node and Redis; `e2e` needs the kwok control plane
// (built by test/cluster/build.sh) and is brought up by its own global setup.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/**/*.test.ts'],
          exclude: ['test/e2e/**', 'test/faults/**', 'node_modules/**'],
          environment: 'node',
          testTimeout: 20_000,
          hookTimeout: 30_000,
        },
      },
      {
        // Fault injection and fuzzing against real components (npm run test:faults): kill -9, Redis
        // restarts, Slack failures, 10,000 fuzzed cases per target (FUZZ_RUNS=N for longer runs).
        test: {
          name: 'faults',
          include: ['test/faults/**/*.test.ts'],
          environment: 'node',
          testTimeout: 180_000,
          hookTimeout: 60_000,
          fileParallelism: false,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          environment: 'node',
          globalSetup: ['test/e2e/global-setup.ts'],
          testTimeout: 120_000,
          hookTimeout: 300_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
