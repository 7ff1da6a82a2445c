import { SensayApiError, UNREACHABLE_CODES } from '../sensay/errors.js';
import type { DocumentRecord, JobRecord, LastError } from '../store/store.js';
import type { ProtocolStep, UploaderDeps } from './deps.js';
import type { LeaseKeeper } from './lease-keeper.js';
import type { ReleaseReason, UploadOutcome } from './outcome.js';

/** One upload job as its worker holds it: the claim, the slot it spent, and its lease. */
export interface HeldUpload {
  job: JobRecord;
  document: DocumentRecord;
  /** The budget slot this run of the job took; null once refunded, or for a recovered claim without one. */
  slotId: number | null;
  keeper: LeaseKeeper;
}

export interface ReleaseOptions {
  /** Give the slot back: the create was never sent, or provably created nothing. */
  refund?: boolean;
  error?: LastError;
  /** The job's consecutive outage count from now on. */
  outages?: number;
  countsAttempt?: boolean;
}

export async function refundSlot(deps: UploaderDeps, held: HeldUpload): Promise<void> {
  if (held.slotId === null) return;
  await deps.store.refundUploadSlot(held.slotId);
  held.slotId = null;
}

/** Back to the queue, not before `notBefore`; a lease lost meanwhile leaves the job to its holder. */
export async function release(
  deps: UploaderDeps,
  held: HeldUpload,
  reason: ReleaseReason,
  notBefore: number,
  options: ReleaseOptions = {},
): Promise<UploadOutcome> {
  if (options.refund === true) await refundSlot(deps, held);
  const released = await deps.store.releaseJob({
    ...held.keeper.lease,
    notBefore,
    now: deps.clock.now(),
    error: options.error ?? { message: `upload released: ${reason}`, code: reason.toUpperCase() },
    ...(options.outages === undefined ? {} : { outages: options.outages }),
    ...(options.countsAttempt === true ? { countsAttempt: true } : {}),
  });
  if (!released) return leaseLost(held, `release (${reason})`);
  return { outcome: 'released', reason, notBefore };
}

/** Completing (not releasing) the job: whatever moved the document has queued what it needs. */
export async function abandon(deps: UploaderDeps, held: HeldUpload, detail: string, refund = false): Promise<UploadOutcome> {
  if (refund) await refundSlot(deps, held);
  const { jobId, owner, generation } = held.keeper.lease;
  await deps.store.completeJob(jobId, owner, deps.clock.now(), generation);
  deps.log.child({ component: 'uploader' }).info({ jobId, detail }, 'upload abandoned');
  return { outcome: 'abandoned', detail };
}

export function leaseLost(held: HeldUpload, at: string): UploadOutcome {
  return { outcome: 'lease-lost', detail: `lease on job ${held.job.id} lost before ${at}; its new holder reconciles` };
}

/** Deletes an entry of ours from Sensay, then from the document. Never once the lease is lost. */
export async function discard(deps: UploaderDeps, held: HeldUpload, entryId: number): Promise<void> {
  await held.keeper.ensureHeld();
  await deps.api.deleteEntry(held.document.replicaUUID, entryId);
  await deps.store.forgetEntry(held.document.id, entryId, deps.clock.now());
}

/**
 * When the API cannot be reached mid-protocol, the job is left to its lease: it expires, and the
 * recovered claim reconciles, which is the only safe way back from not knowing.
 */
export async function guard<T>(work: () => Promise<T>): Promise<{ ok: true; value: T } | { ok: false; outcome: UploadOutcome }> {
  try {
    return { ok: true, value: await work() };
  } catch (error) {
    if (error instanceof SensayApiError && UNREACHABLE_CODES.has(error.code)) return { ok: false, outcome: { outcome: 'unreachable', error } };
    throw error;
  }
}

export async function step(deps: UploaderDeps, held: HeldUpload, at: ProtocolStep): Promise<void> {
  await deps.hooks?.at(at, { documentId: held.document.id, jobId: held.job.id });
}
