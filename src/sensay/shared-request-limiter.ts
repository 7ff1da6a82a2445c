import type { Clock } from '../clock/clock.js';
import type { RequestGate } from './request-limiter.js';

/**
 * Where permits for API requests come from when several hosts share `requestsPerMinute`
 * (issue 10 §2): a window kept outside this process (the state store). `now` is this host's
 * clock; a store with a clock of its own (PostgreSQL) stamps with that instead.
 */
export interface PermitSource {
  take(want: number, now: number): Promise<{ granted: number; retryAt: number | null }>;
}

export interface SharedRequestLimiterOptions {
  permits: PermitSource;
  clock: Clock;
  /** Permits taken at once: small, so a host never sits on what another could use. */
  batch: number;
  /**
   * A batch not used within this long is dropped. The window outside counts a batch for its
   * length plus this, so a permit used late still lands inside what the window accounted for.
   */
  holdMs: number;
  /** A window that cannot be read (the store restarting) is asked again after this long. */
  retryMs?: number;
  onUnavailable?: (err: unknown) => void;
}

/**
 * A request limiter whose permits come in small batches from a window every host shares: hosts
 * together stay under the limit, in any window. Callers are served first come, first served.
 * Unused permits expire (never given back): the schedule errs on the slow side only.
 */
export class SharedRequestLimiter implements RequestGate {
  readonly #o: SharedRequestLimiterOptions;
  #count = 0;
  #usableUntil = 0;
  #heldUntil = 0;
  #turn: Promise<void> = Promise.resolve();

  constructor(options: SharedRequestLimiterOptions) {
    if (!Number.isInteger(options.batch) || options.batch < 1) {
      throw new TypeError(`Expected \`batch\` to be an integer >= 1, got \`${options.batch}\``);
    }
    if (!Number.isFinite(options.holdMs) || options.holdMs <= 0) {
      throw new TypeError(`Expected \`holdMs\` to be a finite number > 0, got \`${options.holdMs}\``);
    }
    this.#o = options;
  }

  acquire(signal?: AbortSignal): Promise<void> {
    signal?.throwIfAborted();
    const mine = this.#turn.then(() => this.#acquireOne(signal));
    this.#turn = mine.catch(() => undefined);
    return mine;
  }

  holdUntil(until: number): void {
    this.#heldUntil = Math.max(this.#heldUntil, until);
  }

  get heldUntil(): number {
    return this.#heldUntil;
  }

  async #acquireOne(signal: AbortSignal | undefined): Promise<void> {
    const { clock, permits, batch, holdMs } = this.#o;
    for (;;) {
      signal?.throwIfAborted();
      const now = clock.now();
      if (this.#heldUntil > now) {
        await clock.sleep(this.#heldUntil - now, signal);
        continue;
      }
      if (this.#count > 0 && now < this.#usableUntil) {
        this.#count--;
        return;
      }
      const grant = await permits.take(batch, now).catch((err: unknown) => {
        this.#o.onUnavailable?.(err);
        return { granted: 0, retryAt: now + (this.#o.retryMs ?? 1000) };
      });
      if (grant.granted > 0) {
        this.#count = grant.granted;
        this.#usableUntil = now + holdMs;
        continue;
      }
      await clock.sleep(Math.max(1, (grant.retryAt ?? now + holdMs) - now), signal);
    }
  }
}
