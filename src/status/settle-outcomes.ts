import type { DocumentRecord, LastError } from '../store/store.js';
import type { PollContext } from './poll-context.js';
import { decideAfterError, decideWhenGone } from './recreate-policy.js';
import { failDocument, settleErrored } from './settle-errored.js';

/** Error code of a document failed because the API called its content UNPROCESSABLE. */
export const UNPROCESSABLE_CODE = 'UNPROCESSABLE';
export const ENTRY_ERROR_CODE = 'ENTRY_ERROR';
export const STUCK_CODE = 'STUCK';
export const ENTRY_GONE_CODE = 'ENTRY_GONE';

/** READY → ready; only now may a replaced predecessor go (never at VECTOR_CREATED). */
export async function settleReady(ctx: PollContext, doc: DocumentRecord, entryId: number): Promise<void> {
  const ready = await ctx.deps.store.markReady(doc.id, entryId, ctx.deps.clock.now());
  if (!ready.ok) return;
  ctx.result.ready++;
  ctx.log.info({ documentId: doc.id, relPath: doc.relPath, entryId }, 'entry ready');
  await ctx.deps.onReady?.(ready.document);
  if (ready.document.previousEntryId !== null) await deletePredecessor(ctx, ready.document);
}

/** Deletes the predecessor of a ready document; a crash in between is finished by the sweep. */
export async function deletePredecessor(ctx: PollContext, doc: DocumentRecord): Promise<void> {
  const previous = doc.previousEntryId;
  if (previous === null) return;
  const outcome = await ctx.api.deleteEntry(doc.replicaUUID, previous, { signal: ctx.signal });
  await ctx.deps.store.forgetEntry(doc.id, previous, ctx.deps.clock.now());
  ctx.result.predecessorsDeleted++;
  ctx.log.info({ documentId: doc.id, relPath: doc.relPath, previousEntryId: previous, outcome }, 'predecessor deleted');
}

/**
 * UNPROCESSABLE → failed at once, never recreated (the content itself is refused). The entry is
 * then deleted so no junk stays in the knowledge base; the document is failed first, so a crash
 * before the delete can never turn it into a "gone, upload again".
 */
export async function settleUnprocessable(ctx: PollContext, doc: DocumentRecord, entryId: number, error: LastError): Promise<void> {
  const current = await ctx.deps.store.getDocument(doc.id);
  if (current?.state !== 'processing' || current.entryId !== entryId) return;
  if (!(await failDocument(ctx, current, error, 'UNPROCESSABLE'))) return;
  await deleteFailedEntry(ctx, current, entryId);
}

export async function deleteFailedEntry(ctx: PollContext, doc: DocumentRecord, entryId: number): Promise<void> {
  await ctx.api.deleteEntry(doc.replicaUUID, entryId, { signal: ctx.signal });
  await ctx.deps.store.forgetEntry(doc.id, entryId, ctx.deps.clock.now());
}

/**
 * A tracked entry the API no longer has. The file still there → treated as an errored entry
 * that needs no delete: a `recreate` that counts toward `maxAttempts`, because each one spends
 * an upload slot and an entry that keeps vanishing must not drain the hourly budget. The file
 * gone too → the document is forgotten (its predecessor, if any, deleted by a delete job).
 */
export async function settleGone(ctx: PollContext, doc: DocumentRecord, entryId: number | null): Promise<void> {
  const { store, clock } = ctx.deps;
  const current = await store.getDocument(doc.id);
  if (current?.state !== 'processing' || current.entryId !== entryId) return;
  ctx.result.gone++;
  const decision = decideWhenGone({ fileExists: await ctx.deps.fileExists(current) });
  ctx.log.info({ documentId: doc.id, relPath: doc.relPath, entryId, action: decision.action }, 'tracked entry is gone');
  if (decision.action === 'reupload') {
    const error: LastError = { message: `entry ${String(entryId)} no longer exists in Sensay (404)`, code: ENTRY_GONE_CODE };
    if (entryId !== null) return settleErrored(ctx, current, entryId, error, { entryGone: true });
    return requeueWithoutEntry(ctx, current, error);
  }
  const now = clock.now();
  if (entryId !== null) await store.forgetEntry(doc.id, entryId, now);
  const done = current.previousEntryId === null ? await store.markGone(doc.id, now) : await store.queueDelete(doc.id, now);
  if (!done.ok) ctx.log.warn({ documentId: doc.id, reason: done.reason, detail: done.detail }, 'forgetting the document refused');
}

/** A processing document whose vanished entry was already forgotten (a crash mid-way). */
async function requeueWithoutEntry(ctx: PollContext, doc: DocumentRecord, error: LastError): Promise<void> {
  const now = ctx.deps.clock.now();
  const decision = decideAfterError({
    attempts: doc.attempts,
    maxAttempts: ctx.deps.maxAttempts,
    recreateBackoffSeconds: ctx.deps.recreateBackoffSeconds,
    ...(ctx.deps.random && { random: ctx.deps.random }),
    now,
    lastError: error,
  });
  if (decision.action === 'fail') {
    await failDocument(ctx, doc, error, 'ATTEMPTS_EXHAUSTED');
    return;
  }
  const queued = await ctx.deps.store.queueUpload({ documentId: doc.id, kind: 'recreate', notBefore: decision.notBefore, now });
  if (queued.ok) ctx.result.recreatesQueued++;
}
