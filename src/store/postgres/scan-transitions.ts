import type { FileVersion, QueuedResult, QueueUploadInput, RenameInput, RenameResult, StatRefresh, TransitionResult } from '../documents.js';
import { holdsVersion, versionPatch, type DocumentPatch } from '../document-patch.js';
import { invalidArgument } from '../errors.js';
import { VERSION_JOB_KINDS } from '../jobs.js';
import { entryRemains, isOneOf, notFound, wrongState } from '../refusals.js';
import { deleteDocumentRow, documentByPath, loadDocument, lockDocument, patchDocument } from './document-table.js';
import { closeJobs, enqueueJobRow, openJobsOf } from './job-table.js';
import type { PgRunner } from './pg-runner.js';

/** What a scan and an extraction found, and what the planner decided (see the port). */

async function cancelQueuedUploads(sql: PgRunner, documentId: number, now: number): Promise<void> {
  await closeJobs(sql, await openJobsOf(sql, documentId, VERSION_JOB_KINDS), now, { running: 'keep', queued: 'cancelled' });
}

const BUSY_STATES = ['uploading', 'deleting'] as const;
const NOT_BUSY = 'any state but uploading or deleting';

export async function recordExtracted(sql: PgRunner, id: number, version: FileVersion, now: number): Promise<TransitionResult> {
  const document = await lockDocument(sql, id);
  if (!document) return notFound(id);
  if (isOneOf(document.state, BUSY_STATES)) return wrongState(document, 'record an extraction for', NOT_BUSY);
  await cancelQueuedUploads(sql, id, now);
  const patch: DocumentPatch = { ...versionPatch(version), state: 'extracted', rejectReason: null, rejectDetail: null, duplicateOf: null };
  const detail = { kind: version.kind, sha256: version.sha256, warnings: version.warnings };
  return { ok: true, document: await patchDocument(sql, document, patch, now, { type: 'extracted', detail }) };
}

export async function recordRejected(
  sql: PgRunner,
  id: number,
  rejection: { version: FileVersion; reason: string; detail: string },
  now: number,
): Promise<TransitionResult> {
  const document = await lockDocument(sql, id);
  if (!document) return notFound(id);
  if (isOneOf(document.state, BUSY_STATES)) return wrongState(document, 'reject', NOT_BUSY);
  await cancelQueuedUploads(sql, id, now);
  const patch: DocumentPatch = {
    ...versionPatch(rejection.version),
    state: 'rejected',
    rejectReason: rejection.reason,
    rejectDetail: rejection.detail,
    duplicateOf: null,
  };
  const detail = { reason: rejection.reason, detail: rejection.detail };
  return { ok: true, document: await patchDocument(sql, document, patch, now, { type: 'rejected', detail }) };
}

export async function refreshStat(sql: PgRunner, id: number, stat: StatRefresh, now: number): Promise<TransitionResult> {
  const document = await lockDocument(sql, id);
  if (!document) return notFound(id);
  const identity = stat.dev !== undefined && stat.ino !== undefined ? { dev: stat.dev, ino: stat.ino } : {};
  return { ok: true, document: await patchDocument(sql, document, { size: stat.size, mtimeMs: stat.mtimeMs, ...identity }, now, null) };
}

export async function markDuplicate(sql: PgRunner, id: number, duplicateOf: number, version: FileVersion, now: number): Promise<TransitionResult> {
  if (id === duplicateOf) throw invalidArgument(`Document ${id} cannot be a duplicate of itself`);
  const document = await lockDocument(sql, id);
  if (!document) return notFound(id);
  const original = await loadDocument(sql, duplicateOf);
  if (!original) return { ...notFound(duplicateOf), document };
  if (isOneOf(document.state, BUSY_STATES)) return wrongState(document, 'mark as duplicate', NOT_BUSY);
  if (document.entryId !== null || document.previousEntryId !== null) return entryRemains(document, 'mark as duplicate');
  await cancelQueuedUploads(sql, id, now);
  const patch: DocumentPatch = { ...versionPatch(version), state: 'duplicate', duplicateOf, rejectReason: null, rejectDetail: null };
  const detail = { duplicateOf, duplicateOfPath: original.relPath };
  return { ok: true, document: await patchDocument(sql, document, patch, now, { type: 'duplicate', detail }) };
}

export async function queueUpload(sql: PgRunner, input: QueueUploadInput): Promise<QueuedResult> {
  const document = await lockDocument(sql, input.documentId);
  if (!document) return notFound(input.documentId);
  if (isOneOf(document.state, ['uploading', 'deleting', 'errored'])) {
    return wrongState(document, `queue a ${input.kind} of`, 'any state but uploading, deleting or errored');
  }
  if (input.kind !== 'recreate' && input.version && holdsVersion(document, input.version)) {
    const detail = `document ${document.id} (${document.relPath}) is already ${document.state} with this version; nothing to queue`;
    return { ok: false, reason: 'SAME_VERSION', detail, document };
  }
  const others = (await openJobsOf(sql, document.id, VERSION_JOB_KINDS)).filter((job) => job.kind !== input.kind);
  await closeJobs(sql, others, input.now, { running: 'keep', queued: 'cancelled' });
  const { job } = await enqueueJobRow(sql, {
    documentId: document.id,
    kind: input.kind,
    ...(input.priority === undefined ? {} : { priority: input.priority }),
    ...(input.notBefore === undefined ? {} : { notBefore: input.notBefore }),
    now: input.now,
  });
  const patch: DocumentPatch = {
    ...(input.version ? versionPatch(input.version) : {}),
    state: 'queued',
    duplicateOf: null,
    rejectReason: null,
    rejectDetail: null,
    nextAttemptAt: input.notBefore ?? null,
    ...(input.kind !== 'recreate' ? { attempts: 0, lastError: null } : {}),
  };
  const detail = { kind: input.kind, jobId: job.id };
  return { ok: true, document: await patchDocument(sql, document, patch, input.now, { type: 'queued', detail }), job };
}

export async function renameDocument(sql: PgRunner, input: RenameInput): Promise<RenameResult> {
  const document = await lockDocument(sql, input.documentId);
  if (!document) return notFound(input.documentId);
  if (isOneOf(document.state, BUSY_STATES)) return wrongState(document, 'rename', NOT_BUSY);
  const target = await documentByPath(sql, document.sourceName, input.newRelPath, true);
  if (target && target.id !== document.id) {
    if (target.entryId !== null || target.previousEntryId !== null || target.state === 'uploading') {
      const detail = `cannot rename ${document.relPath} to ${input.newRelPath}: document ${target.id} there holds an entry`;
      return { ok: false, reason: 'PATH_TAKEN', detail, document };
    }
    // The scan already registered the new path as a new file; the move supersedes that row.
    await deleteDocumentRow(sql, target.id);
  }
  const from = document.relPath;
  const patch: DocumentPatch = { ...(input.version ? versionPatch(input.version) : {}), relPath: input.newRelPath };
  const renamed = await patchDocument(sql, document, patch, input.now, { type: 'renamed', detail: { from, to: input.newRelPath } });
  // The predecessor too: it serves the replica until a successor is READY, or for good should none be.
  const holdsEntry = renamed.entryId !== null || renamed.previousEntryId !== null;
  if (!holdsEntry || from === input.newRelPath) return { ok: true, document: renamed, job: null };
  const { job } = await enqueueJobRow(sql, {
    documentId: renamed.id,
    kind: 'rename',
    payload: { from, to: input.newRelPath },
    ...(input.priority === undefined ? {} : { priority: input.priority }),
    now: input.now,
  });
  return { ok: true, document: renamed, job };
}
