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

/**
 * `claimUpload`'s one exception to claim order, for every adapter: when the ledger refuses the
 * queued job ahead its slot (window full, budget blocked), the cut-short upload behind it (a
 * running job whose lease expired) is taken over instead. Taking it over needs no slot, and only
 * its reconciliation by title can settle the create it may have sent; left waiting for the budget,
 * its document stays `uploading` with an entry nobody records.
 */
export function takenOverWhenRefused(heads: EligibleHeads): JobRecord | null {
  return heads.expired;
}
