import { errorDetail } from '../document-patch.js';
import { UPLOAD_JOB_KINDS, type ReleaseJobInput } from '../jobs.js';
import { lockDocument, patchDocument } from './document-table.js';
import { loadJob, updateOwnedJob } from './job-table.js';
import type { PgRunner } from './pg-runner.js';

/**
 * Puts a job back in the queue; an upload's document leaves `uploading` with it. The document
 * is locked before the job, the order every document transition keeps.
 */
export async function releaseJob(sql: PgRunner, input: ReleaseJobInput): Promise<boolean> {
  const before = await loadJob(sql, input.jobId);
  if (!before) return false;
  const document = await lockDocument(sql, before.documentId);
  const released = await updateOwnedJob(sql, input, input.now, {
    state: 'queued',
    notBefore: input.notBefore,
    ...(input.error ? { error: input.error } : {}),
    ...(input.outages === undefined ? {} : { outages: input.outages }),
  });
  if (!released) return false;
  if (!UPLOAD_JOB_KINDS.includes(before.kind) || document?.state !== 'uploading') return true;
  const attempts = input.countsAttempt === true ? { attempts: document.attempts + 1 } : {};
  await patchDocument(
    sql,
    document,
    { state: 'queued', nextAttemptAt: input.notBefore, ...attempts, ...(input.error ? { lastError: input.error } : {}) },
    input.now,
    {
      type: 'upload-released',
      detail: { jobId: before.id, notBefore: input.notBefore, ...(input.error ? { error: errorDetail(input.error) } : {}) },
    },
  );
  return true;
}
