import { describe, expect, it } from 'vitest';
import { startBackoffMs } from '../../src/extractors/pool-supervise.js';

describe('startBackoffMs', () => {
  it('waits 1 s after a failed start, doubling per failure in a row, never more than a minute', () => {
    expect([0, 1, 2, 3, 4, 5, 6, 7, 100].map(startBackoffMs)).toEqual([0, 1_000, 2_000, 4_000, 8_000, 16_000, 32_000, 60_000, 60_000]);
  });
});
