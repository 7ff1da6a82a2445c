import type { MarkGoneOptions, TransitionResult } from '../documents.js';
import { UPLOAD_JOB_KINDS } from '../jobs.js';
import { loadDocument, patchDocument } from './document-table.js';
import { closeJobs, enqueueJobRow, openJobsOf } from './job-table.js';
import { entryRemains, notFound } from '../refusals.js';
import type { SqlRunner } from './sql-runner.js';

/** The local file is gone: delete its entries (onDelete "delete") or keep them ("keep"). */

export function queueDelete(sql: SqlRunner, id: number, now: number, priority?: number): TransitionResult {
  const document = loadDocument(sql, id);
  if (!document) return notFound(id);
  if (document.state === 'gone') return { ok: true, document };
  // A running upload keeps its lease: it may be about to record an entry, which the delete job
  // will then find and delete.
  const queued = openJobsOf(sql, id).filter((job) => job.kind !== 'delete');
  closeJobs(sql, queued, now, { running: 'keep', queued: 'cancelled' });
  const holdsEntry = document.entryId !== null || document.previousEntryId !== null;
  if (!holdsEntry && document.state !== 'uploading') {
    const patch = { state: 'gone', nextAttemptAt: null } as const;
    return { ok: true, document: patchDocument(sql, document, patch, now, { type: 'gone', detail: { entryKept: false } }) };
  }
  const { job } = enqueueJobRow(sql, {
    documentId: id,
    kind: 'delete',
    ...(priority === undefined ? {} : { priority }),
    now,
  });
  const patch = { state: 'deleting', nextAttemptAt: null } as const;
  return { ok: true, document: patchDocument(sql, document, patch, now, { type: 'delete-queued', detail: { jobId: job.id } }) };
}

export function markGone(sql: SqlRunner, id: number, now: number, options: MarkGoneOptions = {}): TransitionResult {
  const document = loadDocument(sql, id);
  if (!document) return notFound(id);
  if (document.state === 'gone') return { ok: true, document };
  const entryKept = options.entryKept ?? false;
  if (!entryKept && (document.entryId !== null || document.previousEntryId !== null)) {
    return entryRemains(document, 'mark gone');
  }
  const open = openJobsOf(sql, id);
  const inFlight = open.find(
    (job) => UPLOAD_JOB_KINDS.includes(job.kind) && job.state === 'running' && (job.leaseUntil ?? 0) > now,
  );
  if (inFlight) {
    return {
      ok: false,
      reason: 'WRONG_STATE',
      detail: `cannot mark document ${id} (${document.relPath}) gone: upload job ${inFlight.id} is in flight`,
      document,
    };
  }
  closeJobs(sql, open.filter((job) => job.kind === 'delete'), now, { running: 'done', queued: 'cancelled' });
  closeJobs(sql, open.filter((job) => job.kind !== 'delete'), now, { running: 'cancelled', queued: 'cancelled' });
  const patch = { state: 'gone', nextAttemptAt: null } as const;
  return { ok: true, document: patchDocument(sql, document, patch, now, { type: 'gone', detail: { entryKept } }) };
}
