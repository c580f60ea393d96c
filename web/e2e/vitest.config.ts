import { defineConfig } from 'vitest/config';

// Browser tests against the running stack through its one origin; run by web/scripts/test.
export default defineConfig({
  test: {
    root: import.meta.dirname,
    include: ['**/*.test.ts'],
    environment: 'node',
    // One Chromium at a time: the machine has two cores shared with the services.
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
