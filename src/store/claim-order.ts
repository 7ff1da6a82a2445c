import type { JobRecord } from './jobs.js';

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
