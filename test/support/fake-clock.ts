import type { Clock } from '../../src/clock/clock.js';

type Sleeper = { until: number; resolve: () => void; reject: (reason: unknown) => void; signal?: AbortSignal };

/**
 * A controllable clock for tests. `advance(ms)` moves time forward and wakes every sleeper
 * whose deadline has passed, in deadline order, letting microtasks run between wake-ups.
 * With `autoAdvance`, a sleep jumps the clock straight to its deadline (useful when the code
 * under test sleeps in a loop and the test only cares about the decisions it makes).
 */
export class FakeClock implements Clock {
  #now: number;
  #sleepers: Sleeper[] = [];
  readonly autoAdvance: boolean;

  constructor(start = Date.UTC(2026, 0, 1, 0, 0, 0), options: { autoAdvance?: boolean } = {}) {
    this.#now = start;
    this.autoAdvance = options.autoAdvance ?? false;
  }

  now(): number {
    return this.#now;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (this.autoAdvance) {
      this.#now += Math.max(0, ms);
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      const onAbort = () => {
        this.#sleepers = this.#sleepers.filter((s) => s !== sleeper);
        reject(signal?.reason);
      };
      const sleeper: Sleeper = {
        until: this.#now + Math.max(0, ms),
        resolve: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
        reject,
        signal,
      };
      this.#sleepers.push(sleeper);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** Number of pending sleeps; lets a test wait until the code under test is parked. */
  get pendingSleeps(): number {
    return this.#sleepers.length;
  }

  async advance(ms: number): Promise<void> {
    const target = this.#now + ms;
    for (;;) {
      this.#sleepers.sort((a, b) => a.until - b.until);
      const next = this.#sleepers[0];
      if (!next || next.until > target) break;
      this.#sleepers.shift();
      this.#now = Math.max(this.#now, next.until);
      next.resolve();
      await flushMicrotasks();
    }
    this.#now = target;
    await flushMicrotasks();
  }

  set(epochMs: number): void {
    this.#now = epochMs;
  }
}

export async function flushMicrotasks(rounds = 10): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}
