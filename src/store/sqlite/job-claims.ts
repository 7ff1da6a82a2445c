import type { ClaimUploadInput, UploadClaim } from '../budget.js';
import { validateWindow } from '../budget-window.js';
import { firstInClaimOrder, takenOverWhenRefused } from '../claim-order.js';
import { JOB_KINDS, UPLOAD_JOB_KINDS, type ClaimFilter, type JobClaim, type JobRecord } from '../jobs.js';
import { acquireSlot } from './budget-ledger.js';
import { appendDocumentEvent, loadDocument, patchDocument } from './document-table.js';
import { eligibleHeads, leaseJob, nextEligibleJob, nextJobTime } from './job-table.js';
import type { SqlRunner } from './sql-runner.js';

/** Both run inside one write transaction; see the port for their contracts. */

export function claimNext(sql: SqlRunner, owner: string, now: number, leaseMs: number, filter: ClaimFilter = {}): JobClaim | null {
  const job = nextEligibleJob(sql, {
    now,
    kinds: filter.kinds ?? JOB_KINDS,
    replicaUUID: filter.replicaUUID,
    documentId: filter.documentId,
    sourceNames: filter.sourceNames,
    skipPausedReplicas: false,
  });
  if (!job) return null;
  return takeLease(sql, job, owner, now, leaseMs);
}

function takeLease(sql: SqlRunner, candidate: JobRecord, owner: string, now: number, leaseMs: number): JobClaim {
  const recovered =
    candidate.state === 'running'
      ? { previousOwner: candidate.owner ?? '', leaseExpiredAt: candidate.leaseUntil ?? now }
      : null;
  const job = leaseJob(sql, candidate.id, owner, now, leaseMs);
  const document = loadDocument(sql, job.documentId);
  if (!document) throw new Error(`document ${job.documentId} of job ${job.id} vanished inside its transaction`);
  if (recovered) {
    appendDocumentEvent(sql, document, now, 'lease-recovered', {
      jobId: job.id,
      kind: job.kind,
      previousOwner: recovered.previousOwner,
      owner,
    });
  }
  return { job, document, recovered };
}

/** Claim order, with one exception: see `takenOverWhenRefused`. */
export function claimUpload(sql: SqlRunner, input: ClaimUploadInput): UploadClaim {
  validateWindow(input.limit, input.windowMs);
  const query = {
    now: input.now,
    kinds: input.kinds ?? UPLOAD_JOB_KINDS,
    replicaUUID: input.replicaUUID,
    sourceNames: input.sourceNames,
    skipPausedReplicas: true,
  };
  const heads = eligibleHeads(sql, query);
  const first = firstInClaimOrder(heads);
  if (!first) return { ok: false, reason: 'NO_JOB', nextJobAt: nextJobTime(sql, query) };
  const takeOver = (job: JobRecord): UploadClaim => ({ ok: true, ...takeLease(sql, job, input.owner, input.now, input.leaseMs), slotId: null });
  if (first.state === 'running') return takeOver(first);
  const slot = acquireSlot(sql, { scope: input.scope, limit: input.limit, windowMs: input.windowMs, now: input.now, jobId: first.id });
  if (!slot.granted) {
    const cutShort = takenOverWhenRefused(heads);
    if (cutShort) return takeOver(cutShort);
    if (slot.reason === 'BLOCKED') return { ok: false, reason: 'BLOCKED', retryAt: slot.retryAt, detail: blockDetail(sql, input.scope) };
    return { ok: false, reason: 'BUDGET_FULL', retryAt: slot.retryAt };
  }
  const { job, document } = takeLease(sql, first, input.owner, input.now, input.leaseMs);
  const uploading = patchDocument(sql, document, { state: 'uploading', nextAttemptAt: null }, input.now, {
    type: 'upload-claimed',
    detail: { jobId: job.id, kind: job.kind, slotId: slot.slotId, owner: input.owner },
  });
  return { ok: true, job, document: uploading, slotId: slot.slotId, recovered: null };
}

function blockDetail(sql: SqlRunner, scope: string): string {
  return sql.get<{ reason: string }>('SELECT reason FROM budget_blocks WHERE scope = ?', scope)?.reason ?? '';
}
