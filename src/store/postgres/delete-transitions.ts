import type { MarkGoneOptions, TransitionResult } from '../documents.js';
import { createUnsettled, entryRemains, notFound } from '../refusals.js';
import { lockDocument, patchDocument } from './document-table.js';
import { closeJobs, enqueueJobRow, openJobsOf, unsettledUploadOf } from './job-table.js';
import type { PgRunner } from './pg-runner.js';

/** The local file is gone: delete its entries (onDelete "delete") or keep them ("keep"). */

/**
 * A document goes straight to gone only when nothing of it can be in Sensay: no entry recorded
 * and no create unsettled. A running upload (its holder at work, or dead after it may have sent
 * its create) keeps its lease and the document goes to `deleting`: the delete job waits for the
 * holder, or takes the lease over and reconciles by title, and deletes whatever entry it finds.
 */
export async function queueDelete(sql: PgRunner, id: number, now: number, priority?: number): Promise<TransitionResult> {
  const document = await lockDocument(sql, id);
  if (!document) return notFound(id);
  if (document.state === 'gone') return { ok: true, document };
  const queued = (await openJobsOf(sql, id)).filter((job) => job.kind !== 'delete');
  await closeJobs(sql, queued, now, { running: 'keep', queued: 'cancelled' });
  const holdsEntry = document.entryId !== null || document.previousEntryId !== null;
  const createUncertain = document.state === 'uploading' || (await unsettledUploadOf(sql, id)) !== null;
  if (!holdsEntry && !createUncertain) {
    const patch = { state: 'gone', nextAttemptAt: null } as const;
    return { ok: true, document: await patchDocument(sql, document, patch, now, { type: 'gone', detail: { entryKept: false } }) };
  }
  const { job } = await enqueueJobRow(sql, { documentId: id, kind: 'delete', ...(priority === undefined ? {} : { priority }), now });
  const patch = { state: 'deleting', nextAttemptAt: null } as const;
  return { ok: true, document: await patchDocument(sql, document, patch, now, { type: 'delete-queued', detail: { jobId: job.id } }) };
}

/**
 * → gone. Refused while an entry is recorded (unless kept) and while an upload job runs, live or
 * cut short: its create may have made an entry that only its holder, or a takeover that
 * reconciles, can find (CREATE_UNSETTLED).
 */
export async function markGone(sql: PgRunner, id: number, now: number, options: MarkGoneOptions = {}): Promise<TransitionResult> {
  const document = await lockDocument(sql, id);
  if (!document) return notFound(id);
  if (document.state === 'gone') return { ok: true, document };
  const entryKept = options.entryKept ?? false;
  if (!entryKept && (document.entryId !== null || document.previousEntryId !== null)) return entryRemains(document, 'mark gone');
  const unsettled = await unsettledUploadOf(sql, id);
  if (unsettled) return createUnsettled(document, 'mark gone', unsettled, now);
  const open = await openJobsOf(sql, id);
  await closeJobs(sql, open.filter((job) => job.kind === 'delete'), now, { running: 'done', queued: 'cancelled' });
  await closeJobs(sql, open.filter((job) => job.kind !== 'delete'), now, { running: 'cancelled', queued: 'cancelled' });
  const patch = { state: 'gone', nextAttemptAt: null } as const;
  return { ok: true, document: await patchDocument(sql, document, patch, now, { type: 'gone', detail: { entryKept } }) };
}
