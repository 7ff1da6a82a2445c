import { configDefaults, defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Several hosts on PostgreSQL: their own script (`npm run test:hosts`), run by .ci/run after `npm test`.
    exclude: [...configDefaults.exclude, 'test/hosts/**'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    reporters: ['default'],
  },
});
