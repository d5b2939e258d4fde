import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          // Property tests, child processes and real sockets take seconds on a loaded 2-core machine
          // (CI runs the suites back to back): a test's own bounded waits decide, not Vitest's 5 s default.
          testTimeout: 30_000,
          hookTimeout: 30_000,
          setupFiles: ['vitest.setup.ts'],
          include: [
            'schemas/src/**/*.test.ts',
            'sdk/*/src/**/*.test.ts',
            // React components and hooks (each file sets `// @vitest-environment happy-dom`).
            'sdk/harness/src/**/!(*.gateway).test.tsx',
            'sdk/canvases/src/**/*.test.tsx',
            'gateway/src/**/*.test.ts',
            'bench/src/**/*.test.ts',
            'host/src/**/*.test.ts',
          ],
        },
      },
      {
        test: {
          name: 'integration',
          include: [
            'gateway/test/**/*.test.ts',
            'e2e/src/**/*.test.ts',
            'host/test/**/*.test.ts',
            // Harness hooks against a real gateway child process.
            'sdk/harness/src/**/*.gateway.test.tsx',
          ],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
      {
        test: {
          // Real `easel dev` gateway + host build driven through Debian's Chromium (e2e/browser/README.md).
          name: 'browser-e2e',
          include: ['e2e/browser/**/*.test.ts'],
          globalSetup: ['e2e/browser/support/globalSetup.ts'],
          testTimeout: 120_000,
          hookTimeout: 180_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
