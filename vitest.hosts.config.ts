import { defineConfig } from 'vitest/config';

/** `npm run test:hosts`: several hosts on PostgreSQL (slow; not part of `npm test`). */
export default defineConfig({
  test: {
    include: ['test/hosts/**/*.test.ts'],
    testTimeout: 240_000,
    hookTimeout: 60_000,
    pool: 'forks',
    fileParallelism: false,
    reporters: ['default'],
  },
});
