import type { Clock } from '../clock/clock.js';

/**
 * In-process request limiter: at most `capacity` API requests start in any `windowMs` window.
 *
 * It is a token bucket of `capacity` tokens in which each spent token returns `windowMs` after it
 * was spent (rather than dripping back continuously). Why: the API's "100 requests per minute"
 * may be counted as a sliding window (our simulator does exactly that). A continuously refilled
 * bucket admits a full burst and then one more request every 600 ms, i.e. up to 2N−1 in one
 * minute, which a sliding-window server answers with 429s. This schedule never exceeds N in any
 * window, so it is safe against sliding-window, fixed-window and token-bucket servers alike.
 *
 * Pure arithmetic: `reserve(now)` books the earliest permitted start time and returns it.
 * Bookings are first come, first served; a booking is never given back (an aborted waiter only
 * makes the schedule more conservative, never less).
 */
export class RequestWindow {
  readonly capacity: number;
  readonly windowMs: number;
  /** Start times of the most recent `capacity` bookings, oldest first, non-decreasing. */
  readonly #starts: number[] = [];

  constructor(capacity: number, windowMs: number) {
    if (!(capacity > 0) || (Number.isFinite(capacity) && !Number.isInteger(capacity))) {
      throw new TypeError(`Expected \`requestsPerMinute\` to be an integer >= 1 or Infinity, got \`${capacity}\``);
    }
    if (!Number.isFinite(windowMs) || windowMs <= 0) {
      throw new TypeError(`Expected \`windowMs\` to be a finite number > 0, got \`${windowMs}\``);
    }
    this.capacity = capacity;
    this.windowMs = windowMs;
  }

  /** Books one request arriving at `now`; returns when it may start (>= now). */
  reserve(now: number): number {
    if (!Number.isFinite(this.capacity)) return now;
    const oldest = this.#starts[0];
    const start = this.#starts.length < this.capacity || oldest === undefined ? now : Math.max(now, oldest + this.windowMs);
    this.#starts.push(start);
    if (this.#starts.length > this.capacity) this.#starts.shift();
    return start;
  }

  /** How many requests could start at `now` without waiting (for status displays and tests). */
  available(now: number): number {
    if (!Number.isFinite(this.capacity)) return Number.POSITIVE_INFINITY;
    const recent = this.#starts.filter((start) => start > now - this.windowMs).length;
    return Math.max(0, this.capacity - recent);
  }
}

/** What the API client needs of a limiter: this process's window, or one shared by every host. */
export interface RequestGate {
  /** Resolves when the caller may send one request. */
  acquire(signal?: AbortSignal): Promise<void>;
  /** The server asked us to wait (429 + Retry-After): no request of this client starts before `until`. */
  holdUntil(until: number): void;
}

export interface RequestLimiterOptions {
  requestsPerMinute: number;
  clock: Clock;
  /** Defaults to one minute; tests may shrink it. */
  windowMs?: number;
}

export class RequestLimiter implements RequestGate {
  readonly #window: RequestWindow;
  readonly #clock: Clock;
  /** No request starts before this time (a server's Retry-After on a throttled request). */
  #heldUntil = 0;

  constructor(options: RequestLimiterOptions) {
    this.#window = new RequestWindow(options.requestsPerMinute, options.windowMs ?? 60_000);
    this.#clock = options.clock;
  }

  /** Resolves when the caller may send one request; waits on the injected clock. */
  async acquire(signal?: AbortSignal): Promise<void> {
    signal?.throwIfAborted();
    const now = this.#clock.now();
    const start = this.#window.reserve(Math.max(now, this.#heldUntil));
    if (start > now) await this.#clock.sleep(start - now, signal);
  }

  /**
   * The server asked us to wait (429 + Retry-After): every request of this client, not only the
   * one refused, waits until `until`. Never moves an existing hold earlier.
   */
  holdUntil(until: number): void {
    this.#heldUntil = Math.max(this.#heldUntil, until);
  }

  /** Epoch ms before which no request starts, or 0. */
  get heldUntil(): number {
    return this.#heldUntil;
  }

  available(): number {
    return this.#window.available(this.#clock.now());
  }
}
