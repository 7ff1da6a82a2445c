import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { COMPACT_AFTER_FILES, COMPACT_AFTER_PARKED_MS, createHeapCompactor, fullCollection, shouldCompact } from '../../src/daemon/heap-compaction.js';
import { FakeClock } from '../support/fake-clock.js';

const silent = pino({ level: 'silent' });

describe('heap compaction after a large pass', () => {
  it('is due only after a pass over at least 1,000 files and a park longer than the wait', () => {
    expect(shouldCompact(COMPACT_AFTER_FILES, COMPACT_AFTER_PARKED_MS + 1)).toBe(true);
    expect(shouldCompact(COMPACT_AFTER_FILES - 1, 600_000)).toBe(false);
    expect(shouldCompact(10_000, COMPACT_AFTER_PARKED_MS)).toBe(false);
  });

  it('collects once, 20 s into a long park after a large pass, on the injected clock', async () => {
    const clock = new FakeClock();
    let collected = 0;
    const compactor = createHeapCompactor(clock, silent, () => collected++);
    compactor.passFinished(10_000);
    compactor.parked(clock.now() + 600_000);
    await clock.advance(COMPACT_AFTER_PARKED_MS - 1);
    expect(collected).toBe(0);
    await clock.advance(1);
    expect(collected).toBe(1);
    expect(compactor.collections).toBe(1);
    // The garbage is gone: the next park, without another pass, does not collect again.
    compactor.woke();
    compactor.parked(clock.now() + 600_000);
    await clock.advance(600_000);
    expect(collected).toBe(1);
  });

  it('a loop that wakes before the wait is over does not collect; the next long park does', async () => {
    const clock = new FakeClock();
    let collected = 0;
    const compactor = createHeapCompactor(clock, silent, () => collected++);
    compactor.passFinished(600);
    compactor.passFinished(600);
    compactor.parked(clock.now() + 60_000);
    await clock.advance(2_000);
    compactor.woke();
    await clock.advance(60_000);
    expect(collected).toBe(0);
    compactor.parked(clock.now() + 60_000);
    await clock.advance(COMPACT_AFTER_PARKED_MS);
    expect(collected).toBe(1);
  });

  it('a short park (a poll due soon) never collects, and small passes never do', async () => {
    const clock = new FakeClock();
    let collected = 0;
    const small = createHeapCompactor(clock, silent, () => collected++);
    small.passFinished(999);
    small.parked(clock.now() + 600_000);
    const large = createHeapCompactor(clock, silent, () => collected++);
    large.passFinished(5_000);
    large.parked(clock.now() + COMPACT_AFTER_PARKED_MS);
    await clock.advance(600_000);
    expect(collected).toBe(0);
  });

  it('reaches V8\'s full collection in this runtime without the --expose-gc flag, and it frees garbage', () => {
    const collect = fullCollection();
    expect(collect).toBeTypeOf('function');
    let garbage: unknown[] | null = Array.from({ length: 200_000 }, (_, i) => ({ i, text: `row ${i}` }));
    const before = process.memoryUsage().heapUsed;
    garbage = null;
    collect?.();
    expect(garbage).toBeNull();
    expect(process.memoryUsage().heapUsed).toBeLessThan(before - 5_000_000);
  });
});
