import { defineConfig } from 'vitest/config';

/** `npm run test:console`: the console in Chromium (separate from `npm test`, which stays fast). */
export default defineConfig({
  test: {
    include: ['test/browser/**/*.spec.ts'],
    testTimeout: 60_000,
    hookTimeout: 90_000,
    pool: 'forks',
    fileParallelism: false,
    reporters: ['default'],
  },
});
