import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'properties/**/*.property.ts'],
    // bin/sigprop.js runs dist/: compile it once, before the test files start
    globalSetup: ['test/support/build.ts'],
    testTimeout: 120_000,
    hookTimeout: 60_000,
    // simulations are CPU-bound and tfjs engines are per-process: two workers match CI's 2 cores
    pool: 'forks',
    maxWorkers: 2,
  },
});
