import { describe, expect, it } from 'vitest';
import { RequestLimiter, RequestWindow } from '../../src/sensay/request-limiter.js';
import { FakeClock, flushMicrotasks } from '../support/fake-clock.js';

describe('RequestWindow (pure)', () => {
  it('lets exactly N start at once, then books the next when the oldest leaves the window', () => {
    const window = new RequestWindow(5, 60_000);
    const starts = Array.from({ length: 7 }, () => window.reserve(1000));
    expect(starts).toEqual([1000, 1000, 1000, 1000, 1000, 61_000, 61_000]);
  });

  it('never lets more than N start in any window, whatever the arrival pattern', () => {
    let seed = 42;
    const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
    const window = new RequestWindow(10, 60_000);
    const starts: number[] = [];
    let now = 0;
    for (let i = 0; i < 500; i++) {
      now += Math.floor(random() * 8000);
      starts.push(window.reserve(now));
    }
    for (let i = 10; i < starts.length; i++) {
      expect((starts[i] as number) - (starts[i - 10] as number)).toBeGreaterThanOrEqual(60_000);
    }
    // First come, first served: booked start times never go backwards.
    expect([...starts].sort((a, b) => a - b)).toEqual(starts);
  });

  it('reports how many could start now', () => {
    const window = new RequestWindow(3, 60_000);
    window.reserve(0);
    window.reserve(10_000);
    expect(window.available(10_000)).toBe(1);
    expect(window.available(60_000)).toBe(2);
    expect(window.available(70_000)).toBe(3);
  });

  it('rejects a nonsensical rate, naming the option', () => {
    expect(() => new RequestWindow(0, 60_000)).toThrow('Expected `requestsPerMinute` to be an integer >= 1 or Infinity, got `0`');
    expect(() => new RequestWindow(1.5, 60_000)).toThrow(TypeError);
    expect(new RequestWindow(Number.POSITIVE_INFINITY, 60_000).reserve(5)).toBe(5);
  });
});

describe('RequestLimiter on a fake clock', () => {
  it('lets 100 through in the first minute, then the 101st waits for the minute to pass', async () => {
    const clock = new FakeClock();
    const limiter = new RequestLimiter({ requestsPerMinute: 100, clock });
    let granted = 0;
    const all = Array.from({ length: 101 }, () => limiter.acquire().then(() => granted++));
    await flushMicrotasks();
    expect(granted).toBe(100);
    expect(clock.pendingSleeps).toBe(1);

    await clock.advance(59_999);
    expect(granted).toBe(100);
    await clock.advance(1);
    expect(granted).toBe(101);
    await Promise.all(all);
  });

  it('sustains exactly N per minute under continuous demand', async () => {
    const clock = new FakeClock(0, { autoAdvance: true });
    const limiter = new RequestLimiter({ requestsPerMinute: 20, clock });
    const startTimes: number[] = [];
    for (let i = 0; i < 60; i++) {
      await limiter.acquire();
      startTimes.push(clock.now());
    }
    const perMinute = [0, 1, 2].map((m) => startTimes.filter((t) => t >= m * 60_000 && t < (m + 1) * 60_000).length);
    expect(perMinute).toEqual([20, 20, 20]);
  });

  it('stops waiting when the caller aborts', async () => {
    const clock = new FakeClock();
    const limiter = new RequestLimiter({ requestsPerMinute: 1, clock });
    await limiter.acquire();
    const controller = new AbortController();
    const waiting = limiter.acquire(controller.signal);
    controller.abort(new Error('shutting down'));
    await expect(waiting).rejects.toThrow('shutting down');
  });
});
