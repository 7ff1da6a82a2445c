import type { ClaimUploadInput, UploadClaim } from '../budget.js';
import { validateWindow } from '../budget-window.js';
import { JOB_KINDS, UPLOAD_JOB_KINDS, type ClaimFilter, type JobClaim, type JobRecord } from '../jobs.js';
import { acquireSlot } from './budget-ledger.js';
import { appendDocumentEvent, loadDocument, patchDocument } from './document-table.js';
import { leaseJob, nextEligibleJob, nextJobTime } from './job-table.js';
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

export function claimUpload(sql: SqlRunner, input: ClaimUploadInput): UploadClaim {
  validateWindow(input.limit, input.windowMs);
  const query = {
    now: input.now,
    kinds: input.kinds ?? UPLOAD_JOB_KINDS,
    replicaUUID: input.replicaUUID,
    sourceNames: input.sourceNames,
    skipPausedReplicas: true,
  };
  const candidate = nextEligibleJob(sql, query);
  if (!candidate) return { ok: false, reason: 'NO_JOB', nextJobAt: nextJobTime(sql, query) };
  if (candidate.state === 'running') {
    const claim = takeLease(sql, candidate, input.owner, input.now, input.leaseMs);
    return { ok: true, ...claim, slotId: null };
  }
  const slot = acquireSlot(sql, {
    scope: input.scope,
    limit: input.limit,
    windowMs: input.windowMs,
    now: input.now,
    jobId: candidate.id,
  });
  if (!slot.granted) {
    if (slot.reason === 'BLOCKED') {
      return { ok: false, reason: 'BLOCKED', retryAt: slot.retryAt, detail: blockDetail(sql, input.scope) };
    }
    return { ok: false, reason: 'BUDGET_FULL', retryAt: slot.retryAt };
  }
  const { job, document } = takeLease(sql, candidate, input.owner, input.now, input.leaseMs);
  const uploading = patchDocument(sql, document, { state: 'uploading', nextAttemptAt: null }, input.now, {
    type: 'upload-claimed',
    detail: { jobId: job.id, kind: job.kind, slotId: slot.slotId, owner: input.owner },
  });
  return { ok: true, job, document: uploading, slotId: slot.slotId, recovered: null };
}

function blockDetail(sql: SqlRunner, scope: string): string {
  return sql.get<{ reason: string }>('SELECT reason FROM budget_blocks WHERE scope = ?', scope)?.reason ?? '';
}
