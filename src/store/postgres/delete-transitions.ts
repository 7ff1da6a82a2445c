import type { MarkGoneOptions, TransitionResult } from '../documents.js';
import { UPLOAD_JOB_KINDS } from '../jobs.js';
import { entryRemains, notFound } from '../refusals.js';
import { lockDocument, patchDocument } from './document-table.js';
import { closeJobs, enqueueJobRow, openJobsOf } from './job-table.js';
import type { PgRunner } from './pg-runner.js';

/** The local file is gone: delete its entries (onDelete "delete") or keep them ("keep"). */

export async function queueDelete(sql: PgRunner, id: number, now: number, priority?: number): Promise<TransitionResult> {
  const document = await lockDocument(sql, id);
  if (!document) return notFound(id);
  if (document.state === 'gone') return { ok: true, document };
  // A running upload keeps its lease: it may be about to record an entry, which the delete job then deletes.
  const queued = (await openJobsOf(sql, id)).filter((job) => job.kind !== 'delete');
  await closeJobs(sql, queued, now, { running: 'keep', queued: 'cancelled' });
  const holdsEntry = document.entryId !== null || document.previousEntryId !== null;
  if (!holdsEntry && document.state !== 'uploading') {
    const patch = { state: 'gone', nextAttemptAt: null } as const;
    return { ok: true, document: await patchDocument(sql, document, patch, now, { type: 'gone', detail: { entryKept: false } }) };
  }
  const { job } = await enqueueJobRow(sql, { documentId: id, kind: 'delete', ...(priority === undefined ? {} : { priority }), now });
  const patch = { state: 'deleting', nextAttemptAt: null } as const;
  return { ok: true, document: await patchDocument(sql, document, patch, now, { type: 'delete-queued', detail: { jobId: job.id } }) };
}

export async function markGone(sql: PgRunner, id: number, now: number, options: MarkGoneOptions = {}): Promise<TransitionResult> {
  const document = await lockDocument(sql, id);
  if (!document) return notFound(id);
  if (document.state === 'gone') return { ok: true, document };
  const entryKept = options.entryKept ?? false;
  if (!entryKept && (document.entryId !== null || document.previousEntryId !== null)) return entryRemains(document, 'mark gone');
  const open = await openJobsOf(sql, id);
  const inFlight = open.find((job) => UPLOAD_JOB_KINDS.includes(job.kind) && job.state === 'running' && (job.leaseUntil ?? 0) > now);
  if (inFlight) {
    const detail = `cannot mark document ${id} (${document.relPath}) gone: upload job ${inFlight.id} is in flight`;
    return { ok: false, reason: 'WRONG_STATE', detail, document };
  }
  await closeJobs(sql, open.filter((job) => job.kind === 'delete'), now, { running: 'done', queued: 'cancelled' });
  await closeJobs(sql, open.filter((job) => job.kind !== 'delete'), now, { running: 'cancelled', queued: 'cancelled' });
  const patch = { state: 'gone', nextAttemptAt: null } as const;
  return { ok: true, document: await patchDocument(sql, document, patch, now, { type: 'gone', detail: { entryKept } }) };
}
