import type { LastError, QueuedResult, TransitionResult } from '../documents.js';
import { errorDetail } from '../document-patch.js';
import { VERSION_JOB_KINDS, type JobLease } from '../jobs.js';
import { isOneOf, notFound, wrongState } from '../refusals.js';
import { lockDocument, patchDocument } from './document-table.js';
import { closeJobs, enqueueJobRow, loadJob, openJobsOf } from './job-table.js';
import type { PgRunner } from './pg-runner.js';
import { fenced } from './upload-transitions.js';

/** Transitions of an in-place update (PATCH rawText of a text entry; no upload slot). */

export async function beginUpdate(sql: PgRunner, id: number, jobId: number, now: number, lease?: JobLease): Promise<TransitionResult> {
  const document = await lockDocument(sql, id);
  if (!document) return notFound(id);
  const lost = await fenced(sql, document, lease);
  if (lost) return lost;
  const job = await loadJob(sql, jobId);
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
  return { ok: true, document: await patchDocument(sql, document, patch, now, { type: 'update-claimed', detail }) };
}

export async function replaceInstead(
  sql: PgRunner,
  id: number,
  jobId: number,
  why: LastError,
  now: number,
  lease?: JobLease,
): Promise<QueuedResult> {
  const document = await lockDocument(sql, id);
  if (!document) return notFound(id);
  const lost = await fenced(sql, document, lease);
  if (lost) return lost;
  const job = await loadJob(sql, jobId);
  if (!job || job.documentId !== id || job.kind !== 'update') {
    return wrongState(document, `replace instead of update job ${jobId} of`, 'a document with that update job');
  }
  if (!isOneOf(document.state, ['queued', 'uploading']) || (job.state !== 'queued' && job.state !== 'running')) {
    return wrongState(document, 'replace instead of updating', 'queued or uploading with its update job open');
  }
  await closeJobs(sql, await openJobsOf(sql, id, VERSION_JOB_KINDS), now, { running: 'failed', queued: 'cancelled', error: why });
  const kind = document.entryId === null ? 'create' : 'replace';
  const queued = await enqueueJobRow(sql, { documentId: id, kind, priority: job.priority, now });
  const detail = { jobId: queued.job.id, kind, updateJobId: jobId, ...errorDetail(why) };
  const patch = { state: 'queued', attempts: 0, lastError: null, nextAttemptAt: null } as const;
  return { ok: true, document: await patchDocument(sql, document, patch, now, { type: 'update-replaced', detail }), job: queued.job };
}
