import type { LastError, QueuedResult, TransitionResult } from '../documents.js';
import { VERSION_JOB_KINDS, type JobLease } from '../jobs.js';
import { loadDocument, patchDocument } from './document-table.js';
import { closeJobs, enqueueJobRow, leaseHolds, loadJob, openJobsOf } from './job-table.js';
import { isOneOf, leaseLost, notFound, wrongState } from '../refusals.js';
import type { SqlRunner } from './sql-runner.js';
import { errorDetail } from '../document-patch.js';

/** Transitions of an in-place update (PATCH rawText of a text entry; no upload slot). */

export function beginUpdate(sql: SqlRunner, id: number, jobId: number, now: number, lease?: JobLease): TransitionResult {
  const document = loadDocument(sql, id);
  if (!document) return notFound(id);
  if (lease && !leaseHolds(sql, lease)) return leaseLost(document, lease.jobId, lease.owner);
  const job = loadJob(sql, jobId);
  if (!job || job.documentId !== id || job.kind !== 'update' || job.state !== 'running') {
    return wrongState(document, `begin update job ${jobId} of`, 'a running update job of this document');
  }
  // Already begun (a retry, or a lease recovered after a crash): the intent is on record.
  if (document.state === 'uploading') return { ok: true, document };
  if (document.state !== 'queued') return wrongState(document, 'update in place', 'queued');
  if (document.entryId === null) {
    return { ok: false, reason: 'ENTRY_MISMATCH', detail: `document ${id} (${document.relPath}) holds no entry to update`, document };
  }
  const attempt = document.attempts + 1;
  const detail = { jobId, entryId: document.entryId, textHash: document.textHash, attempt };
  const patch = { state: 'uploading', attempts: attempt, nextAttemptAt: null } as const;
  return { ok: true, document: patchDocument(sql, document, patch, now, { type: 'update-claimed', detail }) };
}

export function replaceInstead(sql: SqlRunner, id: number, jobId: number, why: LastError, now: number, lease?: JobLease): QueuedResult {
  const document = loadDocument(sql, id);
  if (!document) return notFound(id);
  if (lease && !leaseHolds(sql, lease)) return leaseLost(document, lease.jobId, lease.owner);
  const job = loadJob(sql, jobId);
  if (!job || job.documentId !== id || job.kind !== 'update') {
    return wrongState(document, `replace instead of update job ${jobId} of`, 'a document with that update job');
  }
  if (!isOneOf(document.state, ['queued', 'uploading']) || (job.state !== 'queued' && job.state !== 'running')) {
    return wrongState(document, 'replace instead of updating', 'queued or uploading with its update job open');
  }
  closeJobs(sql, openJobsOf(sql, id, VERSION_JOB_KINDS), now, { running: 'failed', queued: 'cancelled', error: why });
  const kind = document.entryId === null ? 'create' : 'replace';
  const queued = enqueueJobRow(sql, { documentId: id, kind, priority: job.priority, now });
  const detail = { jobId: queued.job.id, kind, updateJobId: jobId, ...errorDetail(why) };
  const patch = { state: 'queued', attempts: 0, lastError: null, nextAttemptAt: null } as const;
  return { ok: true, document: patchDocument(sql, document, patch, now, { type: 'update-replaced', detail }), job: queued.job };
}
