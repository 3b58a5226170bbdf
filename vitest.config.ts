import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    globalSetup: ['tests/global-setup.ts'],
    testTimeout: 60_000,
    // The server and the tools set it at their start (src/time/zone.ts); tests that import the
    // code directly run in the same zone.
    env: { TZ: 'Europe/Brussels' },
    hookTimeout: 120_000,
  },
});
