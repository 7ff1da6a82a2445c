import type { AdoptEntryInput, TransitionResult } from '../documents.js';
import { UPLOAD_JOB_KINDS } from '../jobs.js';
import { entryMismatch, entryRemains, isOneOf, notFound, wrongState } from '../refusals.js';
import { lockDocument, patchDocument } from './document-table.js';
import { closeJobs, openJobsOf } from './job-table.js';
import type { PgRunner } from './pg-runner.js';

/** Adoption after a lost state file: see the port's `adoptEntry`. */
export async function adoptEntry(sql: PgRunner, input: AdoptEntryInput): Promise<TransitionResult> {
  const document = await lockDocument(sql, input.documentId);
  if (!document) return notFound(input.documentId);
  const target = input.ready ? 'ready' : 'processing';
  if (document.entryId === input.entryId && isOneOf(document.state, ['processing', 'ready'])) return { ok: true, document };
  if (!isOneOf(document.state, ['extracted', 'queued'])) return wrongState(document, 'adopt an entry for', 'extracted or queued');
  if (document.entryId !== null || document.previousEntryId !== null) {
    return document.entryId === input.entryId ? entryMismatch(document, input.entryId) : entryRemains(document, 'adopt an entry for');
  }
  const uploads = await openJobsOf(sql, document.id, UPLOAD_JOB_KINDS);
  if (uploads.some((job) => job.state === 'running')) return wrongState(document, 'adopt an entry for', 'no upload running');
  await closeJobs(sql, uploads, input.now, { running: 'keep', queued: 'cancelled' });
  const patch = { entryId: input.entryId, state: target, lastError: null, nextAttemptAt: null } as const;
  const detail = { entryId: input.entryId, state: target, proof: input.proof };
  return { ok: true, document: await patchDocument(sql, document, patch, input.now, { type: 'entry-adopted', detail }) };
}
