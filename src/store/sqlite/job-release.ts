import { UPLOAD_JOB_KINDS, type ReleaseJobInput } from '../jobs.js';
import { loadDocument, patchDocument } from './document-table.js';
import { loadJob, updateOwnedJob } from './job-table.js';
import type { SqlRunner } from './sql-runner.js';
import { errorDetail } from '../document-patch.js';

/**
 * Puts a job back in the queue. For an upload job the document leaves `uploading` with it, so
 * the document never claims an upload nobody is running.
 */
export function releaseJob(sql: SqlRunner, input: ReleaseJobInput): boolean {
  const released = updateOwnedJob(sql, input, input.now, {
    state: 'queued',
    notBefore: input.notBefore,
    ...(input.error ? { error: input.error } : {}),
    ...(input.outages === undefined ? {} : { outages: input.outages }),
  });
  if (!released) return false;
  const job = loadJob(sql, input.jobId);
  if (!job || !UPLOAD_JOB_KINDS.includes(job.kind)) return true;
  const document = loadDocument(sql, job.documentId);
  if (document?.state !== 'uploading') return true;
  const attempts = input.countsAttempt === true ? { attempts: document.attempts + 1 } : {};
  patchDocument(
    sql,
    document,
    { state: 'queued', nextAttemptAt: input.notBefore, ...attempts, ...(input.error ? { lastError: input.error } : {}) },
    input.now,
    {
      type: 'upload-released',
      detail: { jobId: job.id, notBefore: input.notBefore, ...(input.error ? { error: errorDetail(input.error) } : {}) },
    },
  );
  return true;
}
