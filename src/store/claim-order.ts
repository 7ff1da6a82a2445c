import type { WindowDecision } from './budget-window.js';
import type { JobRecord } from './jobs.js';

/** The first due queued job and the first running job whose lease expired, in one claim scope. */
export interface EligibleHeads {
  queued: JobRecord | null;
  expired: JobRecord | null;
}

/**
 * Between the first queued job and the first running job whose lease expired: priority first,
 * then the one ready first (a queued job at `notBefore`, a taken-over one when its lease ran out),
 * then the older id.
 */
export function expiredComesFirst(expired: JobRecord, queued: JobRecord): boolean {
  if (expired.priority !== queued.priority) return expired.priority > queued.priority;
  const expiredAt = expired.leaseUntil ?? 0;
  if (expiredAt !== queued.notBefore) return expiredAt < queued.notBefore;
  return expired.id < queued.id;
}

/** The job a claimer takes next, in claim order. */
export function firstInClaimOrder({ queued, expired }: EligibleHeads): JobRecord | null {
  if (!queued || !expired) return queued ?? expired;
  return expiredComesFirst(expired, queued) ? expired : queued;
}

export type UploadPick =
  | { kind: 'none' }
  /** A queued job, with the slot the window has room for. */
  | { kind: 'fresh'; job: JobRecord }
  /** A cut-short upload taken over: no slot (its holder's is spent; a create it still needs asks the ledger). */
  | { kind: 'take-over'; job: JobRecord }
  | { kind: 'refused'; refusal: Extract<WindowDecision, { granted: false }> };

/**
 * The one rule of `claimUpload`, for every adapter: claim order, except that a refused slot
 * (window full, budget blocked) does not hide a cut-short upload behind a queued job. Taking it
 * over needs no slot, and only its reconciliation by title can settle the create it may have
 * sent; left waiting for the budget, its document stays `uploading` with an entry nobody records.
 */
export function pickUploadClaim(heads: EligibleHeads, window: WindowDecision): UploadPick {
  const first = firstInClaimOrder(heads);
  if (first === null) return { kind: 'none' };
  if (first.state === 'running') return { kind: 'take-over', job: first };
  if (window.granted) return { kind: 'fresh', job: first };
  if (heads.expired) return { kind: 'take-over', job: heads.expired };
  return { kind: 'refused', refusal: window };
}
