import type { DocumentRecord, EntryCreatedResult, LastError, QueuedResult, RequeueAfterErrorInput, TransitionResult } from '../documents.js';
import { errorDetail } from '../document-patch.js';
import { VERSION_JOB_KINDS, type JobLease } from '../jobs.js';
import { createUnsettled, entryMismatch, entryRemains, isOneOf, leaseLost, notFound, wrongState, type Refused } from '../refusals.js';
import { lockDocument, patchDocument } from './document-table.js';
import { closeJobs, enqueueJobRow, leaseHolds, openJobsOf, unsettledUploadOf } from './job-table.js';
import type { PgRunner } from './pg-runner.js';

/** Transitions of the upload protocol (DESIGN §6) and the status poller (DESIGN §4). */

/** Fencing inside a document transition: refused when the caller's lease no longer holds its job. */
export async function fenced(sql: PgRunner, document: DocumentRecord | null, lease: JobLease | undefined): Promise<Refused | null> {
  if (lease === undefined || (await leaseHolds(sql, lease))) return null;
  return leaseLost(document, lease.jobId, lease.owner);
}

/** The upload (or in-place update) job is over once its entry has its content, whatever the entry's fate. */
async function finishRunningUploads(sql: PgRunner, document: DocumentRecord, now: number): Promise<void> {
  await closeJobs(sql, await openJobsOf(sql, document.id, VERSION_JOB_KINDS), now, { running: 'done', queued: 'keep' });
}

export async function recordEntryCreated(sql: PgRunner, id: number, entryId: number, now: number, lease?: JobLease): Promise<EntryCreatedResult> {
  const document = await lockDocument(sql, id);
  if (!document) return notFound(id);
  const lost = await fenced(sql, document, lease);
  if (lost) return lost;
  if (document.entryId === entryId) return { ok: true, document, supersededEntryId: null };
  if (!isOneOf(document.state, ['uploading', 'deleting'])) return wrongState(document, 'record an entry for', 'uploading');
  if (document.previousEntryId === entryId) return entryMismatch(document, entryId);
  // The live version becomes the predecessor; an unfinished successor already displacing one is superseded.
  let previousEntryId = document.previousEntryId;
  let supersededEntryId: number | null = null;
  if (document.entryId !== null) {
    if (previousEntryId === null) previousEntryId = document.entryId;
    else supersededEntryId = document.entryId;
  }
  const attempt = document.attempts + 1;
  const updated = await patchDocument(sql, document, { entryId, previousEntryId, attempts: attempt }, now, {
    type: 'entry-created',
    detail: { entryId, previousEntryId, supersededEntryId, attempt },
  });
  return { ok: true, document: updated, supersededEntryId };
}

export async function markProcessing(sql: PgRunner, id: number, entryId: number, now: number, lease?: JobLease): Promise<TransitionResult> {
  const document = await lockDocument(sql, id);
  if (!document) return notFound(id);
  const lost = await fenced(sql, document, lease);
  if (lost) return lost;
  if (document.state === 'processing' && document.entryId === entryId) return { ok: true, document };
  if (document.state !== 'uploading') return wrongState(document, 'mark processing', 'uploading');
  if (document.entryId !== entryId) return entryMismatch(document, entryId);
  await finishRunningUploads(sql, document, now);
  const patch = { state: 'processing', nextAttemptAt: null } as const;
  return { ok: true, document: await patchDocument(sql, document, patch, now, { type: 'processing', detail: { entryId } }) };
}

export async function markReady(sql: PgRunner, id: number, entryId: number, now: number): Promise<TransitionResult> {
  const document = await lockDocument(sql, id);
  if (!document) return notFound(id);
  if (document.state === 'ready' && document.entryId === entryId) return { ok: true, document };
  if (!isOneOf(document.state, ['uploading', 'processing'])) return wrongState(document, 'mark ready', 'uploading or processing');
  if (document.entryId !== entryId) return entryMismatch(document, entryId);
  await finishRunningUploads(sql, document, now);
  const patch = { state: 'ready', lastError: null, nextAttemptAt: null } as const;
  const detail = { entryId, previousEntryId: document.previousEntryId };
  return { ok: true, document: await patchDocument(sql, document, patch, now, { type: 'ready', detail }) };
}

export async function markErrored(sql: PgRunner, id: number, entryId: number, error: LastError, now: number): Promise<TransitionResult> {
  const document = await lockDocument(sql, id);
  if (!document) return notFound(id);
  if (document.state === 'errored' && document.entryId === entryId) return { ok: true, document };
  if (!isOneOf(document.state, ['uploading', 'processing'])) return wrongState(document, 'mark errored', 'uploading or processing');
  if (document.entryId !== entryId) return entryMismatch(document, entryId);
  await finishRunningUploads(sql, document, now);
  const detail = { entryId, ...errorDetail(error) };
  return { ok: true, document: await patchDocument(sql, document, { state: 'errored', lastError: error }, now, { type: 'errored', detail }) };
}

export async function requeueAfterError(sql: PgRunner, input: RequeueAfterErrorInput): Promise<QueuedResult> {
  const document = await lockDocument(sql, input.documentId);
  if (!document) return notFound(input.documentId);
  if (document.state === 'queued') {
    const [open] = await openJobsOf(sql, document.id, ['recreate']);
    if (open) return { ok: true, document, job: open };
  }
  if (document.state !== 'errored') return wrongState(document, 'requeue', 'errored');
  if (document.entryId !== null) {
    if (input.deletedEntryId === null) return entryRemains(document, 'requeue');
    if (input.deletedEntryId !== document.entryId) return entryMismatch(document, input.deletedEntryId);
  }
  const { job } = await enqueueJobRow(sql, {
    documentId: document.id,
    kind: 'recreate',
    notBefore: input.notBefore,
    ...(input.priority === undefined ? {} : { priority: input.priority }),
    now: input.now,
  });
  const detail = { deletedEntryId: input.deletedEntryId, notBefore: input.notBefore, attempts: document.attempts, jobId: job.id };
  const patch = { entryId: null, state: 'queued', nextAttemptAt: input.notBefore } as const;
  return { ok: true, document: await patchDocument(sql, document, patch, input.now, { type: 'requeued', detail }), job };
}

export async function markFailed(sql: PgRunner, id: number, error: LastError, now: number, lease?: JobLease): Promise<TransitionResult> {
  const document = await lockDocument(sql, id);
  if (!document) return notFound(id);
  const lost = await fenced(sql, document, lease);
  if (lost) return lost;
  if (isOneOf(document.state, ['gone', 'deleting'])) return wrongState(document, 'fail', 'any state but gone or deleting');
  // Only the holder of a running upload knows whether its create made an entry.
  const unsettled = lease === undefined ? await unsettledUploadOf(sql, id) : null;
  if (unsettled) return createUnsettled(document, 'fail', unsettled, now);
  await closeJobs(sql, await openJobsOf(sql, id, VERSION_JOB_KINDS), now, { running: 'failed', queued: 'cancelled', error });
  const detail = { ...errorDetail(error), previousVersionLive: document.previousEntryId !== null };
  const patch = { state: 'failed', lastError: error, nextAttemptAt: null } as const;
  return { ok: true, document: await patchDocument(sql, document, patch, now, { type: 'failed', detail }) };
}

export async function forgetEntry(sql: PgRunner, id: number, entryId: number, now: number): Promise<TransitionResult> {
  const document = await lockDocument(sql, id);
  if (!document) return notFound(id);
  const event = { type: 'entry-deleted', detail: { entryId } };
  if (document.entryId === entryId) return { ok: true, document: await patchDocument(sql, document, { entryId: null }, now, event) };
  if (document.previousEntryId === entryId) {
    return { ok: true, document: await patchDocument(sql, document, { previousEntryId: null }, now, event) };
  }
  return { ok: true, document };
}
