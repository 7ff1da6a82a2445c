import type { Logger } from 'pino';
import { AUTH_CODES, SensayApiError } from '../sensay/errors.js';
import type { DocumentRecord, JobRecord } from '../store/store.js';
import type { UploaderDeps } from './deps.js';
import { retryDelayOf } from './deps.js';
import { lastErrorOf, type UploadOutcome } from './outcome.js';
import { pauseReason } from './pause-reasons.js';

/** Retry-After missing from a throttle: wait a minute rather than hammer. */
const DEFAULT_THROTTLE_MS = 60_000;

export interface HeldUpload {
  job: JobRecord;
  document: DocumentRecord;
  slotId: number | null;
}

/**
 * A create that threw: the API answered with a refusal (it created nothing), or could not be
 * reached before anything was sent. Ambiguous outcomes never come here (the client returns
 * them as values and the protocol reconciles).
 */
export async function handleCreateRefusal(
  deps: UploaderDeps,
  log: Logger,
  held: HeldUpload,
  error: unknown,
): Promise<UploadOutcome> {
  if (!(error instanceof SensayApiError)) throw error;
  const now = deps.clock.now();
  const { job, document } = held;
  const release = (notBefore: number) =>
    deps.store.releaseJob({ jobId: job.id, owner: deps.owner, notBefore, error: lastErrorOf(error), now });
  const refund = async () => {
    if (held.slotId !== null) await deps.store.refundUploadSlot(held.slotId);
  };
  const fields = { documentId: document.id, relPath: document.relPath, ...error.toLogFields() };

  if (error.code === 'RATE_LIMITED') {
    await refund();
    const block = await deps.store.setBlockedUntil(deps.budget.scope, now + (error.retryAfterMs ?? DEFAULT_THROTTLE_MS), 'HTTP 429 throttle');
    await release(block.until);
    await deps.store.appendEvent({ at: now, type: 'upload.throttled', documentId: document.id, detail: { until: block.until } });
    log.warn({ ...fields, blockedUntil: block.until }, 'upload throttled by the API; every process waits for Retry-After');
    return { outcome: 'throttled', until: block.until };
  }
  if (error.code === 'QUOTA_EXCEEDED' || error.code === 'NOT_FOUND') {
    const reason = pauseReason(error.code === 'QUOTA_EXCEEDED' ? 'quota' : 'replica-not-found', document.replicaUUID);
    await deps.store.pauseReplica(document.replicaUUID, reason, null);
    await refund();
    await release(now);
    await deps.store.appendEvent({ at: now, type: 'upload.paused', documentId: document.id, detail: { replicaUUID: document.replicaUUID, reason } });
    log.error(fields, reason);
    return { outcome: 'paused', replicaUUID: document.replicaUUID, reason };
  }
  if (AUTH_CODES.has(error.code)) {
    await refund();
    await release(now);
    log.error(fields, 'the API refused the organisation secret; uploads stopped');
    return { outcome: 'auth', error };
  }
  if (error.code === 'UNREACHABLE') {
    // Nothing was sent: the slot was not used.
    await refund();
    await release(now + retryDelayOf(deps));
    log.warn(fields, 'the API is unreachable; upload released');
    return { outcome: 'unreachable', error };
  }
  // Any other answer is the API refusing this content: retrying the same bytes cannot help.
  const failed = lastErrorOf(error);
  await deps.store.markFailed(document.id, failed, now);
  log.warn(fields, 'the API refused the create; document failed');
  return { outcome: 'failed', error: failed };
}
