/**
 * The daemon's timing arithmetic, pure: when a batch of watcher hints is due, how long to back
 * off after a failure, and when the loop must next wake. The daemon feeds it the clock's time.
 */

export interface BackoffPolicy {
  /** Wait after the first failure; doubled after each further one. */
  readonly initialMs: number;
  /** Ceiling of the wait, however long the outage lasts. */
  readonly maxMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = Object.freeze({ initialMs: 1000, maxMs: 5 * 60_000 });

/** The wait after `failures` consecutive failures (1 = the first). */
export function backoffDelay(failures: number, policy: BackoffPolicy): number {
  if (failures <= 0) return 0;
  // 2 ** 30 is far past any ceiling; clamping the exponent keeps the product finite.
  return Math.min(policy.maxMs, policy.initialMs * 2 ** Math.min(failures - 1, 30));
}

/** Hints collected since the last pass: a pass is due once they have been quiet for a while. */
export interface HintBatch {
  readonly firstAt: number;
  readonly dueAt: number;
  readonly hints: number;
}

/**
 * Adds one hint. Each hint pushes the pass back by `quietMs` (a folder being filled gives one
 * pass, not one per file), but never further than `maxDelayMs` after the batch's first hint.
 */
export function addHint(batch: HintBatch | null, now: number, quietMs: number, maxDelayMs: number): HintBatch {
  const firstAt = batch?.firstAt ?? now;
  return { firstAt, dueAt: Math.min(now + quietMs, firstAt + Math.max(quietMs, maxDelayMs)), hints: (batch?.hints ?? 0) + 1 };
}

/** A batch due at `dueAt`, merged with whatever is already pending (the earlier time wins). */
export function scheduleBatch(batch: HintBatch | null, dueAt: number, now: number): HintBatch {
  if (batch === null) return { firstAt: now, dueAt, hints: 0 };
  return { ...batch, dueAt: Math.min(batch.dueAt, dueAt) };
}

/** A pass once the files a pass found still being written have settled (merged as `scheduleBatch`). */
export function scheduleSettled(
  batch: HintBatch | null,
  pass: { readonly counts: { readonly settling: number }; readonly settlingUntil: number | null },
  now: number,
): HintBatch | null {
  if (!(pass.counts.settling > 0) || pass.settlingUntil === null) return batch;
  return scheduleBatch(batch, pass.settlingUntil, now);
}

export interface WakeInput {
  readonly now: number;
  /** Hints (or a failed pass's retry) waiting for a pass. */
  readonly pendingScanAt: number | null;
  /** The periodic full rescan, when no pass is pending. */
  readonly rescanAt: number;
  /** Start-up reconciliation has not succeeded yet: retry it at `apiRetryAt`. */
  readonly reconciled: boolean;
  /** When the job runner has something to do (a slot frees, a block ends); null: nothing. */
  readonly jobsDueAt: number | null;
  /** Entries are in flight: poll every interval. */
  readonly inFlight: boolean;
  readonly nextPollAt: number;
  /** No API call before this (an outage's back-off). */
  readonly apiRetryAt: number;
}

/** The earliest moment something is due; the loop sleeps until then (or a hint wakes it). */
export function nextWakeAt(input: WakeInput): number {
  // A pending pass stands in for the periodic rescan (it scans everything anyway).
  const candidates = [input.pendingScanAt ?? input.rescanAt];
  if (!input.reconciled) candidates.push(input.apiRetryAt);
  else if (input.jobsDueAt !== null) candidates.push(Math.max(input.jobsDueAt, input.apiRetryAt));
  if (input.inFlight) candidates.push(Math.max(input.nextPollAt, input.apiRetryAt));
  return Math.min(...candidates);
}
