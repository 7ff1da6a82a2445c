import { describe, expect, it } from 'vitest';
import { MIN_PAGES_PER_PART, planRanges } from '../../src/extractors/pdf-split.js';

describe('page ranges for page-parallel PDF extraction', () => {
  it.each([
    [1000, 2],
    [1001, 3],
    [7569, 2],
    [100, 4],
  ])('%i pages in %i parts: contiguous, in order, every page once, near-equal', (pages, parts) => {
    const ranges = planRanges(pages, parts);
    expect(ranges).toHaveLength(parts);
    expect(ranges[0]?.first).toBe(1);
    expect(ranges.at(-1)?.last).toBe(pages);
    ranges.slice(1).forEach((r, i) => expect(r.first).toBe((ranges[i]?.last ?? 0) + 1));
    const sizes = ranges.map((r) => r.last - r.first + 1);
    expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
  });

  it('keeps a short document in one part, and never makes parts of fewer than the minimum pages', () => {
    expect(planRanges(MIN_PAGES_PER_PART * 2 - 1, 8)).toEqual([{ first: 1, last: MIN_PAGES_PER_PART * 2 - 1 }]);
    expect(planRanges(MIN_PAGES_PER_PART * 3, 8)).toHaveLength(3);
    expect(planRanges(500, 0)).toEqual([{ first: 1, last: 500 }]);
  });
});
