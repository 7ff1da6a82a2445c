import type { DocumentRecord, LastError } from '../store/store.js';
import type { PollContext } from './poll-context.js';
import { decideAfterError } from './recreate-policy.js';

/**
 * errored (or stuck, or vanished while the file is still there) → the entry is deleted, then
 * recreated after the backoff or, once `maxAttempts` creates are spent, the document fails
 * keeping the last error. Marking `errored` first makes the rest resumable: a crash after it
 * leaves an `errored` document that `finishErrored` completes on the next cycle.
 */
export async function settleErrored(
  ctx: PollContext,
  doc: DocumentRecord,
  entryId: number,
  error: LastError,
  options: { entryGone?: boolean } = {},
): Promise<void> {
  const { store, clock } = ctx.deps;
  const marked = await store.markErrored(doc.id, entryId, error, clock.now());
  if (!marked.ok) {
    ctx.log.debug({ documentId: doc.id, reason: marked.reason, detail: marked.detail }, 'errored entry already handled elsewhere');
    return;
  }
  // A vanished entry is counted as `gone` by its caller, not as errored.
  if (options.entryGone !== true) {
    ctx.result.errored++;
    ctx.log.info({ documentId: doc.id, relPath: doc.relPath, entryId, error }, 'entry errored; deleting it');
  }
  await finishErrored(ctx, marked.document, options);
}

/** Completes an `errored` document: delete its entry (if still recorded), then recreate or fail. */
export async function finishErrored(ctx: PollContext, doc: DocumentRecord, options: { entryGone?: boolean } = {}): Promise<void> {
  const { store, clock } = ctx.deps;
  const entryId = doc.entryId;
  if (entryId !== null && options.entryGone !== true) {
    await ctx.api.deleteEntry(doc.replicaUUID, entryId, { signal: ctx.signal });
  }
  const lastError = doc.lastError ?? { message: `entry ${String(entryId)} errored` };
  const now = clock.now();
  const decision = decideAfterError({
    attempts: doc.attempts,
    maxAttempts: ctx.deps.maxAttempts,
    recreateBackoffSeconds: ctx.deps.recreateBackoffSeconds,
    ...(ctx.deps.random && { random: ctx.deps.random }),
    now,
    lastError,
  });
  if (decision.action === 'recreate') {
    const queued = await store.requeueAfterError({ documentId: doc.id, deletedEntryId: entryId, notBefore: decision.notBefore, now });
    if (!queued.ok) {
      ctx.log.warn({ documentId: doc.id, reason: queued.reason, detail: queued.detail }, 'recreate refused by the store');
      return;
    }
    ctx.result.recreatesQueued++;
    ctx.log.info(
      { documentId: doc.id, relPath: doc.relPath, attempt: decision.attempt, notBefore: new Date(decision.notBefore).toISOString() },
      'recreate queued',
    );
    return;
  }
  // The entry is deleted: forget it before failing, so a failed document never points at it.
  if (entryId !== null) await store.forgetEntry(doc.id, entryId, now);
  await failDocument(ctx, doc, lastError, decision.reason);
}

/**
 * → failed, keeping `error` as the document's last error. With a replace in progress the
 * predecessor stays live and recorded; the event says so, for `status` to show.
 */
export async function failDocument(
  ctx: PollContext,
  doc: DocumentRecord,
  error: LastError,
  reason: 'ATTEMPTS_EXHAUSTED' | 'UNPROCESSABLE',
): Promise<boolean> {
  const { store, clock } = ctx.deps;
  const now = clock.now();
  const failed = await store.markFailed(doc.id, error, now);
  if (!failed.ok) {
    ctx.log.warn({ documentId: doc.id, reason: failed.reason, detail: failed.detail }, 'failing the document refused by the store');
    return false;
  }
  const previousVersionLive = failed.document.previousEntryId !== null;
  const summary = previousVersionLive ? 'failed (previous version still live)' : 'failed';
  await store.appendEvent({
    at: now,
    type: 'poll.failed',
    documentId: doc.id,
    detail: {
      reason,
      summary,
      attempts: failed.document.attempts,
      previousEntryId: failed.document.previousEntryId,
      message: error.message,
      ...(error.fingerprint === undefined ? {} : { fingerprint: error.fingerprint }),
    },
  });
  ctx.result.failed++;
  ctx.log.warn({ documentId: doc.id, relPath: doc.relPath, reason, error, previousVersionLive }, summary);
  return true;
}
