import { defineConfig } from 'vitest/config';

// Unit tests of the shared packages; no browser, no stack. Browser tests live in e2e/.
export default defineConfig({
  test: {
    include: ['packages/*/test/**/*.test.{ts,tsx}', 'apps/*/test/**/*.test.{ts,tsx}'],
    environment: 'node',
  },
});
