import { defineConfig } from 'vitest/config';

// Three kinds of test, one run: unit (no I/O), integration (real server, Janus,
// databases), e2e (real Chromium). `npm test` runs all three inside a private
// network namespace; `npm run check` runs only the unit project.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['packages/*/src/**/*.test.ts', 'scripts/**/*.test.ts', 'bench/**/*.test.ts'],
          exclude: ['**/*.int.test.ts', '**/node_modules/**'],
        },
      },
      {
        test: {
          name: 'integration',
          include: ['packages/*/src/**/*.int.test.ts', 'tests/packages/**/*.int.test.ts'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['tests/e2e/**/*.test.ts'],
          setupFiles: ['tests/e2e/setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 90_000,
          // On CI's shared two cores a browser test is tried a second time when it fails; the closing summary
          // names every test that needed it (scripts/summary.mjs), so a flaky one is seen, not hidden.
          retry: process.env.CI ? 1 : 0,
          // Chromium pages fill two cores quickly: one e2e file at a time, in one process.
          pool: 'forks',
          poolOptions: { forks: { singleFork: true } },
        },
      },
    ],
  },
});
