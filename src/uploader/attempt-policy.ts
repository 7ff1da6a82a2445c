/**
 * When a failed upload is tried again, and when it is not (issue 8 §1, DECISIONS "Attempts,
 * backoff, outages"). Pure: the caller passes the counts, the time and a random source.
 *
 * - An **attempt** is a slot actually spent that did not end in a complete entry (the create was
 *   accepted, then the signed-URL PUT was refused, the entry errored, or the file changed). The
 *   n-th waits `recreateBackoffSeconds × 2^(n−1)` plus up to 20 % jitter; after `maxAttempts`
 *   the document fails.
 * - An **outage** (a create answered 5xx, timed out or refused at the connection, proven to have
 *   created nothing) is not the document's fault: no attempt, the slot goes back, and the k-th
 *   consecutive one waits 5 s × 2^(k−1) with jitter, capped at 5 minutes, for as long as it lasts.
 */

export interface AttemptLimits {
  readonly maxAttempts: number;
  readonly recreateBackoffSeconds: number;
}

export const DEFAULT_ATTEMPT_LIMITS: AttemptLimits = Object.freeze({ maxAttempts: 3, recreateBackoffSeconds: 60 });

/** At most this share of the nominal delay is added at random, so retries of a batch spread out. */
export const ATTEMPT_JITTER = 0.2;
export const OUTAGE_BASE_MS = 5_000;
export const OUTAGE_CAP_MS = 5 * 60_000;

export type AttemptDecision =
  | { readonly action: 'retry'; readonly notBefore: number; readonly attempt: number }
  | { readonly action: 'fail'; readonly attempts: number };

/**
 * @param attempts attempts spent on this version so far, the one that just failed included (≥ 1).
 */
export function decideAfterAttempt(attempts: number, limits: AttemptLimits, now: number, random: () => number): AttemptDecision {
  expectInteger('attempts', attempts, 0);
  expectInteger('maxAttempts', limits.maxAttempts, 1);
  if (attempts >= limits.maxAttempts) return { action: 'fail', attempts };
  return { action: 'retry', notBefore: now + attemptBackoffMs(attempts, limits.recreateBackoffSeconds, random), attempt: attempts + 1 };
}

/** `recreateBackoffSeconds × 2^(n−1)` for the n-th failed attempt, plus up to 20 % jitter; never less. */
export function attemptBackoffMs(attempts: number, recreateBackoffSeconds: number, random: () => number): number {
  if (!(Number.isFinite(recreateBackoffSeconds) && recreateBackoffSeconds >= 0)) {
    throw new RangeError(`Expected \`recreateBackoffSeconds\` to be a finite number >= 0, got \`${recreateBackoffSeconds}\``);
  }
  const nominal = recreateBackoffSeconds * 1000 * 2 ** Math.min(30, Math.max(0, attempts - 1));
  return Math.round(nominal * (1 + ATTEMPT_JITTER * unit(random)));
}

/** The wait after the k-th consecutive outage: 5 s, 10 s, 20 s … with jitter, never above 5 min. */
export function outageBackoffMs(outages: number, random: () => number): number {
  expectInteger('outages', outages, 1);
  const nominal = OUTAGE_BASE_MS * 2 ** Math.min(30, outages - 1);
  return Math.min(OUTAGE_CAP_MS, Math.round(nominal * (1 + ATTEMPT_JITTER * unit(random))));
}

function unit(random: () => number): number {
  return Math.min(Math.max(random(), 0), 1);
}

function expectInteger(name: string, value: number, min: number): void {
  if (!(Number.isInteger(value) && value >= min)) throw new RangeError(`Expected \`${name}\` to be an integer >= ${min}, got \`${value}\``);
}
