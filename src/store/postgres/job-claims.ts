import type { ClaimUploadInput, UploadClaim } from '../budget.js';
import { validateWindow } from '../budget-window.js';
import { firstInClaimOrder, takenOverWhenRefused } from '../claim-order.js';
import { JOB_KINDS, UPLOAD_JOB_KINDS, type ClaimFilter, type JobClaim, type JobRecord } from '../jobs.js';
import { acquireSlot, lockBudgetScope } from './budget-ledger.js';
import { appendDocumentEvent, loadDocument, patchDocument } from './document-table.js';
import { eligibleHeads, nextEligibleJob, nextJobTime } from './job-eligibility.js';
import { leaseJob } from './job-table.js';
import type { PgRunner } from './pg-runner.js';

/** Both run inside one transaction; see the port for their contracts. */

export async function claimNext(sql: PgRunner, owner: string, now: number, leaseMs: number, filter: ClaimFilter = {}): Promise<JobClaim | null> {
  const job = await nextEligibleJob(sql, { now, kinds: filter.kinds ?? JOB_KINDS, replicaUUID: filter.replicaUUID, sourceNames: filter.sourceNames, documentId: filter.documentId, skipPausedReplicas: false });
  if (!job) return null;
  return takeLease(sql, job, owner, now, leaseMs);
}

async function takeLease(sql: PgRunner, candidate: JobRecord, owner: string, now: number, leaseMs: number): Promise<JobClaim> {
  const recovered =
    candidate.state === 'running' ? { previousOwner: candidate.owner ?? '', leaseExpiredAt: candidate.leaseUntil ?? now } : null;
  const job = await leaseJob(sql, candidate.id, owner, now, leaseMs);
  const document = await loadDocument(sql, job.documentId);
  if (!document) throw new Error(`document ${job.documentId} of job ${job.id} vanished inside its transaction`);
  if (recovered) {
    await appendDocumentEvent(sql, document, now, 'lease-recovered', {
      jobId: job.id,
      kind: job.kind,
      previousOwner: recovered.previousOwner,
      owner,
    });
  }
  return { job, document, recovered };
}

/**
 * Claim, slot and lease in one transaction, in claim order with one exception (see
 * `takenOverWhenRefused`). The budget scope's advisory lock is taken first, so claims of one budget
 * are serialised across every host: no sliding hour ever holds more than `limit` slots, whoever
 * took them.
 */
export async function claimUpload(sql: PgRunner, input: ClaimUploadInput): Promise<UploadClaim> {
  validateWindow(input.limit, input.windowMs);
  await lockBudgetScope(sql, input.scope);
  const query = { now: input.now, kinds: input.kinds ?? UPLOAD_JOB_KINDS, replicaUUID: input.replicaUUID, sourceNames: input.sourceNames, skipPausedReplicas: true };
  const heads = await eligibleHeads(sql, query);
  const first = firstInClaimOrder(heads);
  if (!first) return { ok: false, reason: 'NO_JOB', nextJobAt: await nextJobTime(sql, query) };
  const takeOver = async (job: JobRecord): Promise<UploadClaim> => ({ ok: true, ...(await takeLease(sql, job, input.owner, input.now, input.leaseMs)), slotId: null });
  if (first.state === 'running') return takeOver(first);
  const slot = await acquireSlot(sql, { scope: input.scope, limit: input.limit, windowMs: input.windowMs, now: input.now, jobId: first.id });
  if (!slot.granted) {
    const cutShort = takenOverWhenRefused(heads);
    if (cutShort) return takeOver(cutShort);
    if (slot.reason === 'BLOCKED') return { ok: false, reason: 'BLOCKED', retryAt: slot.retryAt, detail: await blockDetail(sql, input.scope) };
    return { ok: false, reason: 'BUDGET_FULL', retryAt: slot.retryAt };
  }
  const { job, document } = await takeLease(sql, first, input.owner, input.now, input.leaseMs);
  const uploading = await patchDocument(sql, document, { state: 'uploading', nextAttemptAt: null }, input.now, {
    type: 'upload-claimed',
    detail: { jobId: job.id, kind: job.kind, slotId: slot.slotId, owner: input.owner },
  });
  return { ok: true, job, document: uploading, slotId: slot.slotId, recovered: null };
}

async function blockDetail(sql: PgRunner, scope: string): Promise<string> {
  return (await sql.row<{ reason: string }>('SELECT reason FROM budget_blocks WHERE scope = $1', [scope]))?.reason ?? '';
}
