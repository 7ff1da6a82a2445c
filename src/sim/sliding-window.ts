/**
 * A sliding-window log: at most `limit` events in any `windowMs`. It never reads a clock; the
 * caller passes `now`, so the arithmetic is deterministic and tested without waiting.
 * Invariant: `#times` is sorted ascending and holds only events inside the window of the last `now`.
 */
export class SlidingWindow {
  readonly limit: number;
  readonly windowMs: number;
  #times: number[] = [];
  #head = 0;

  constructor(limit: number, windowMs: number) {
    this.limit = limit;
    this.windowMs = windowMs;
  }

  /** Records an event at `now` if the window has room; otherwise says how long until it will. */
  tryAcquire(now: number): { ok: true } | { ok: false; retryAfterMs: number } {
    if (this.limit === Infinity) return { ok: true };
    this.#evict(now);
    if (this.count(now) < this.limit) {
      this.#times.push(now);
      return { ok: true };
    }
    const oldest = this.#times[this.#head] ?? now;
    return { ok: false, retryAfterMs: Math.max(1, oldest + this.windowMs - now) };
  }

  count(now: number): number {
    this.#evict(now);
    return this.#times.length - this.#head;
  }

  #evict(now: number): void {
    while (this.#head < this.#times.length && (this.#times[this.#head] ?? 0) + this.windowMs <= now) this.#head++;
    // Compact occasionally so the log does not grow with the total number of events ever seen.
    if (this.#head > 1024 && this.#head * 2 > this.#times.length) {
      this.#times = this.#times.slice(this.#head);
      this.#head = 0;
    }
  }
}

/** Whole seconds for a `Retry-After` header, rounded up so a client that obeys it is admitted. */
export function retryAfterSeconds(retryAfterMs: number): number {
  return Math.max(1, Math.ceil(retryAfterMs / 1000));
}
