import { defineConfig } from 'vitest/config';

// Unit and parity tests: plain Node, no browser. Browser (Playwright) tests live in test/e2e
// and run through vitest.e2e.config.ts so a missing Chromium never hides a unit failure.
export default defineConfig({
  test: {
    include: ['test/unit/**/*.test.ts', 'test/parity/**/*.test.ts', 'test/cli/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});
