/**
 * What `/healthz` (liveness) and `/readyz` (readiness) decide, as pure functions of what the
 * daemon knows and the injected clock's `now`. Reasons carry stable codes and numbers only: no
 * path, no error text (an unreadable store's error names its file; that goes to the log).
 */
import type { ReplicaPause } from '../store/store.js';
import { pauseKindOf } from '../uploader/pause-reasons.js';
import type { LoopVitals } from './loop-heartbeat.js';

/** Liveness fails when a round has not moved on, or a wake-up is overdue, for this many poll intervals. */
export const STUCK_AFTER_POLL_INTERVALS = 3;

export type HealthReason =
  /** A round has shown no progress for longer than 3 poll intervals (or the loop overslept that long). */
  | { readonly code: 'LOOP_STUCK'; readonly forSeconds: number }
  /** The API has not answered for longer than `daemon.unhealthyAfterSeconds`. */
  | { readonly code: 'API_UNREACHABLE'; readonly forSeconds: number }
  /** Uploads to this replica wait for `sensay-ingest retry` after the quota is raised. */
  | { readonly code: 'QUOTA_PAUSED'; readonly replicaUUID: string }
  /** The API does not know this replica; uploads wait for a fixed config and `retry`. */
  | { readonly code: 'REPLICA_NOT_FOUND'; readonly replicaUUID: string }
  | { readonly code: 'REPLICA_PAUSED'; readonly replicaUUID: string }
  /** The state store cannot be read. */
  | { readonly code: 'STORE_UNUSABLE' };

/** `[]`: live. Otherwise the one reason the loop is not. */
export function livenessProblems(vitals: LoopVitals, now: number, pollIntervalMs: number): HealthReason[] {
  const limit = STUCK_AFTER_POLL_INTERVALS * pollIntervalMs;
  const since = vitals.busySince ?? vitals.sleepingUntil;
  if (since === null || now - since <= limit) return [];
  return [{ code: 'LOOP_STUCK', forSeconds: seconds(now - since) }];
}

export interface ReadinessInput {
  readonly now: number;
  readonly liveness: readonly HealthReason[];
  readonly apiDownSince: number | null;
  readonly unhealthyAfterMs: number;
  /** The replicas paused now; null when the store could not be read. */
  readonly paused: readonly ReplicaPause[] | null;
}

/** `[]`: ready. Otherwise every reason it is not, liveness first. */
export function readinessProblems(input: ReadinessInput): HealthReason[] {
  const reasons: HealthReason[] = [...input.liveness];
  const down = input.apiDownSince === null ? 0 : input.now - input.apiDownSince;
  if (input.apiDownSince !== null && down > input.unhealthyAfterMs) reasons.push({ code: 'API_UNREACHABLE', forSeconds: seconds(down) });
  if (input.paused === null) reasons.push({ code: 'STORE_UNUSABLE' });
  for (const pause of input.paused ?? []) reasons.push(pauseProblem(pause));
  return reasons;
}

function pauseProblem(pause: ReplicaPause): HealthReason {
  const kind = pauseKindOf(pause.reason);
  const code = kind === 'quota' ? 'QUOTA_PAUSED' : kind === 'replica-not-found' ? 'REPLICA_NOT_FOUND' : 'REPLICA_PAUSED';
  return { code, replicaUUID: pause.replicaUUID };
}

function seconds(ms: number): number {
  return Math.round(ms / 1000);
}
