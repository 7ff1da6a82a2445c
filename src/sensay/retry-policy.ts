/**
 * Which failed requests are tried again, and after how long. Pure: the caller supplies the
 * failure, the attempt number and a random source; nothing here sleeps or reads a clock.
 *
 * Safety rule (STYLE.md §8): a request that is idempotent (GET, PUT, PATCH of a title, DELETE)
 * may be repeated after anything transient. A create (POST) may be repeated only when the server
 * clearly did not act on it — a throttling 429, or a connection that never opened. When it may
 * have been acted on (5xx, timeout, reset after sending) the outcome is *ambiguous*: repeating it
 * could create a second entry and spend a second upload slot, so the uploader reconciles instead.
 */

export type RequestKind = 'idempotent' | 'create';

export type RequestFailure =
  | { kind: 'http'; status: number; quota?: boolean; retryAfterMs?: number }
  /** `connect`: the connection never opened, so nothing was sent. `sent`: it broke afterwards. */
  | { kind: 'network'; phase: 'connect' | 'sent' }
  | { kind: 'timeout' };

export interface RetryPolicy {
  /** Total attempts including the first one. */
  maxAttempts: number;
  /** Full-jitter backoff: attempt n waits random() × min(maxDelayMs, baseDelayMs × 2^(n-1)). */
  baseDelayMs: number;
  maxDelayMs: number;
  /**
   * A Retry-After longer than this is not waited out inside one request: the error is raised with
   * its `retryAfterMs`, so the caller can park the work (e.g. the hourly upload budget's
   * `blockedUntil`) instead of holding a job for an hour.
   */
  maxRetryAfterMs: number;
}

export const defaultRetryPolicy: Readonly<RetryPolicy> = Object.freeze({
  maxAttempts: 4,
  baseDelayMs: 500,
  maxDelayMs: 30_000,
  maxRetryAfterMs: 60_000,
});

export type NoRetryReason = 'not-retryable' | 'ambiguous' | 'attempts-exhausted' | 'retry-after-too-long';

export type RetryDecision =
  | { retry: true; delayMs: number }
  | { retry: false; reason: NoRetryReason; ambiguous: boolean };

const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([500, 502, 503, 504]);

/**
 * @param attempt the 1-based number of the attempt that just failed.
 */
export function decideRetry(
  kind: RequestKind,
  failure: RequestFailure,
  attempt: number,
  policy: RetryPolicy,
  random: () => number,
): RetryDecision {
  const verdict = classify(kind, failure);
  if (verdict !== 'retryable') {
    return { retry: false, reason: verdict, ambiguous: verdict === 'ambiguous' };
  }
  if (attempt >= policy.maxAttempts) return { retry: false, reason: 'attempts-exhausted', ambiguous: false };

  const retryAfterMs = failure.kind === 'http' ? failure.retryAfterMs : undefined;
  if (retryAfterMs !== undefined) {
    if (retryAfterMs > policy.maxRetryAfterMs) {
      return { retry: false, reason: 'retry-after-too-long', ambiguous: false };
    }
    return { retry: true, delayMs: retryAfterMs };
  }
  return { retry: true, delayMs: backoffDelay(attempt, policy, random) };
}

/** Capped full-jitter exponential backoff (AWS architecture blog, "Exponential Backoff And Jitter"). */
export function backoffDelay(attempt: number, policy: Pick<RetryPolicy, 'baseDelayMs' | 'maxDelayMs'>, random: () => number): number {
  const exponent = Math.max(0, attempt - 1);
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.min(exponent, 30));
  const r = Math.min(Math.max(random(), 0), 1);
  return Math.floor(r * ceiling);
}

function classify(kind: RequestKind, failure: RequestFailure): 'retryable' | 'not-retryable' | 'ambiguous' {
  switch (failure.kind) {
    case 'http':
      if (failure.status === 429) return failure.quota ? 'not-retryable' : 'retryable';
      if (RETRYABLE_STATUSES.has(failure.status)) return kind === 'create' ? 'ambiguous' : 'retryable';
      // Any other 5xx (501, 505, …) will not get better by asking again, but a create may still
      // have been processed before the server failed.
      if (failure.status >= 500) return kind === 'create' ? 'ambiguous' : 'not-retryable';
      return 'not-retryable';
    case 'network':
      if (failure.phase === 'connect') return 'retryable';
      return kind === 'create' ? 'ambiguous' : 'retryable';
    case 'timeout':
      return kind === 'create' ? 'ambiguous' : 'retryable';
  }
}
