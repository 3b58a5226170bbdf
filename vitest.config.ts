import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineConfig } from 'vitest/config';

/** Tests that run the built files (dist/) or spawn processes (a new one goes here): dist/ is
 * built before them (tests/global-setup.ts), and only when one of them runs. The rest run
 * in-process. */
const PROCESSES = [
  'tests/cli-call.test.ts',
  'tests/cli-hours.test.ts',
  'tests/cli-map.test.ts',
  'tests/config-errors.test.ts',
  'tests/container.test.ts',
  'tests/crash.test.ts',
  'tests/data-checks.test.ts',
  'tests/fallback.test.ts',
  'tests/imports.test.ts',
  'tests/languages.test.ts',
  'tests/log-stall.test.ts',
  'tests/preflight.test.ts',
  'tests/purge.test.ts',
  'tests/reload.test.ts',
  'tests/report.test.ts',
  'tests/server.test.ts',
  'tests/shutdown.test.ts',
];

export default defineConfig({
  test: {
    // One module graph per worker for all files: each builds its own app or starts its own
    // process, and none changes shared state (environment stubs and spies are undone by the
    // test that makes them).
    isolate: false,
    // More workers than the 2 cores: the tests of the processes project mostly wait on the
    // processes they start (measured in docs/performance.md).
    maxWorkers: 3,
    // Short enough that a hang shows as a failure, not as a slow suite.
    testTimeout: 15_000,
    hookTimeout: 30_000,
    setupFiles: ['tests/setup/fast-check.ts'],
    // TZ: the server and the tools set it at their start (src/time/zone.ts); tests that import
    // the code directly run in the same zone. NODE_COMPILE_CACHE: the processes the tests start
    // keep V8's compiled code on disk, as `npm start` does (scripts/ensure-built.mjs).
    env: { TZ: 'Europe/Brussels', NODE_COMPILE_CACHE: join(tmpdir(), 'node-compile-cache') },
    projects: [
      {
        extends: true,
        test: {
          name: 'in-process',
          include: ['tests/**/*.test.ts'],
          exclude: PROCESSES,
        },
      },
      {
        extends: true,
        test: {
          name: 'processes',
          include: PROCESSES,
          // A process started cold takes a second or more, several in a test.
          testTimeout: 30_000,
          hookTimeout: 60_000,
          globalSetup: ['tests/global-setup.ts'],
        },
      },
    ],
  },
});
