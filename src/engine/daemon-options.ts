import { DEFAULT_BACKOFF, type BackoffPolicy } from './daemon-schedule.js';

export interface DaemonOptions {
  /** `status.pollIntervalSeconds` × 1000. */
  readonly pollIntervalMs: number;
  /** `daemon.rescanMinutes` × 60 000. */
  readonly rescanIntervalMs: number;
  /** Hints are batched until quiet this long. Default 1000. */
  readonly quietMs?: number | undefined;
  /** ...but a pass starts at most this long after the first hint of a batch. Default 10 000. */
  readonly maxBatchDelayMs?: number | undefined;
  /** Back-off after API outages and local failures. Default 1 s, doubling up to 5 min. */
  readonly backoff?: BackoffPolicy | undefined;
}

export type NormalisedDaemonOptions = Readonly<Required<{ [K in keyof DaemonOptions]: NonNullable<DaemonOptions[K]> }>>;

/** Defaults applied and every number checked once; the result is frozen. */
export function normaliseDaemonOptions(options: DaemonOptions): NormalisedDaemonOptions {
  const backoff = options.backoff ?? DEFAULT_BACKOFF;
  positive('backoff.initialMs', backoff.initialMs);
  if (!(backoff.maxMs >= backoff.initialMs)) {
    throw new RangeError(`Expected \`backoff.maxMs\` to be a number >= backoff.initialMs, got \`${backoff.maxMs}\``);
  }
  return Object.freeze({
    pollIntervalMs: positive('pollIntervalMs', options.pollIntervalMs),
    rescanIntervalMs: positive('rescanIntervalMs', options.rescanIntervalMs),
    quietMs: nonNegative('quietMs', options.quietMs ?? 1000),
    maxBatchDelayMs: nonNegative('maxBatchDelayMs', options.maxBatchDelayMs ?? 10_000),
    backoff: Object.freeze({ ...backoff }),
  });
}

function positive(name: string, value: number): number {
  if (!Number.isFinite(value) || value <= 0) throw new RangeError(`Expected \`${name}\` to be a finite number > 0, got \`${value}\``);
  return value;
}

function nonNegative(name: string, value: number): number {
  if (!Number.isFinite(value) || value < 0) throw new RangeError(`Expected \`${name}\` to be a finite number >= 0, got \`${value}\``);
  return value;
}
