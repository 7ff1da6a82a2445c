import type { AdoptEntryInput, TransitionResult } from '../documents.js';
import { UPLOAD_JOB_KINDS } from '../jobs.js';
import { loadDocument, patchDocument } from './document-table.js';
import { closeJobs, openJobsOf } from './job-table.js';
import { entryMismatch, entryRemains, isOneOf, notFound, wrongState } from '../refusals.js';
import type { SqlRunner } from './sql-runner.js';

/**
 * Adoption (DESIGN §12, a lost state file): a document waiting for its first upload takes an
 * entry that already holds its content, proven by the caller. Its queued upload is cancelled
 * and no budget slot is spent; it goes to ready or processing as the entry stands.
 */
export function adoptEntry(sql: SqlRunner, input: AdoptEntryInput): TransitionResult {
  const document = loadDocument(sql, input.documentId);
  if (!document) return notFound(input.documentId);
  const target = input.ready ? 'ready' : 'processing';
  if (document.entryId === input.entryId && isOneOf(document.state, ['processing', 'ready'])) return { ok: true, document };
  if (!isOneOf(document.state, ['extracted', 'queued'])) return wrongState(document, 'adopt an entry for', 'extracted or queued');
  if (document.entryId !== null || document.previousEntryId !== null) {
    return document.entryId === input.entryId ? entryMismatch(document, input.entryId) : entryRemains(document, 'adopt an entry for');
  }
  const uploads = openJobsOf(sql, document.id, UPLOAD_JOB_KINDS);
  if (uploads.some((job) => job.state === 'running')) return wrongState(document, 'adopt an entry for', 'no upload running');
  closeJobs(sql, uploads, input.now, { running: 'keep', queued: 'cancelled' });
  const patch = { entryId: input.entryId, state: target, lastError: null, nextAttemptAt: null } as const;
  const detail = { entryId: input.entryId, state: target, proof: input.proof };
  return { ok: true, document: patchDocument(sql, document, patch, input.now, { type: 'entry-adopted', detail }) };
}
