import { fileURLToPath } from 'node:url';
import { createExtractorPool, type ExtractorPool, type ExtractorPoolOptions } from '../../src/extractors/pool.js';

const SMALL = fileURLToPath(new URL('../../fixtures/extract/utf8.md', import.meta.url));

/**
 * A pool whose `workers` processes are started (and kept) before the tests that use it, so a
 * test's own time limit does not pay for cold starts on a loaded machine. Workers start on
 * demand, so this extracts one small file per worker at once.
 */
export async function warmPool(options: ExtractorPoolOptions & { workers: number }): Promise<ExtractorPool> {
  const pool = createExtractorPool({ idleSeconds: 3_600, ...options });
  await Promise.all(Array.from({ length: options.workers }, () => pool.extract(SMALL)));
  return pool;
}
