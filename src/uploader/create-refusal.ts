import type { Logger } from 'pino';
import { AUTH_CODES, SensayApiError } from '../sensay/errors.js';
import { afterCreateOutage } from './create-outage.js';
import type { UploaderDeps } from './deps.js';
import { leaseLost, release, type HeldUpload } from './held-upload.js';
import { lastErrorOf, type UploadOutcome } from './outcome.js';
import { pauseReason } from './pause-reasons.js';

/** Retry-After missing from a throttle: wait a minute rather than hammer. */
const DEFAULT_THROTTLE_MS = 60_000;

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
  const { document } = held;
  const fields = { documentId: document.id, relPath: document.relPath, ...error.toLogFields() };
  const back = (notBefore: number) => release(deps, held, 'budget', notBefore, { refund: true, error: lastErrorOf(error, 'create') });

  if (error.code === 'RATE_LIMITED') {
    const block = await deps.store.setBlockedUntil(deps.budget.scope, now + (error.retryAfterMs ?? DEFAULT_THROTTLE_MS), 'HTTP 429 throttle');
    const released = await back(block.until);
    await deps.store.appendEvent({ at: now, type: 'upload.throttled', documentId: document.id, detail: { until: block.until } });
    log.warn({ ...fields, blockedUntil: block.until }, 'upload throttled by the API; every process waits for Retry-After');
    return released.outcome === 'released' ? { outcome: 'throttled', until: block.until } : released;
  }
  if (error.code === 'QUOTA_EXCEEDED' || error.code === 'NOT_FOUND') {
    const reason = pauseReason(error.code === 'QUOTA_EXCEEDED' ? 'quota' : 'replica-not-found', document.replicaUUID);
    await deps.store.pauseReplica(document.replicaUUID, reason, null);
    const released = await back(now);
    await deps.store.appendEvent({ at: now, type: 'upload.paused', documentId: document.id, detail: { replicaUUID: document.replicaUUID, reason } });
    log.error(fields, reason);
    return released.outcome === 'released' ? { outcome: 'paused', replicaUUID: document.replicaUUID, reason } : released;
  }
  if (AUTH_CODES.has(error.code)) {
    await back(now);
    log.error(fields, 'the API refused the organisation secret; uploads stopped');
    return { outcome: 'auth', error };
  }
  if (error.code === 'UNEXPECTED_REDIRECT') {
    // Not the document's fault: the base URL points somewhere that redirects (http → https, a
    // moved host). The secret is never sent across a redirect; the run stops for the user to fix it.
    await release(deps, held, 'misconfigured', now, { refund: true, error: lastErrorOf(error, 'create') });
    log.error(fields, 'the API answered the create with a redirect: check api.baseUrl');
    return { outcome: 'misconfigured', error };
  }
  // Refused at the connection: nothing was sent, so nothing was created.
  if (error.code === 'UNREACHABLE') return afterCreateOutage(deps, log, held, error);
  // Any other answer (400, 409, 413, 415, 422 …) is the API refusing this content: retrying the
  // same bytes cannot help. The slot stays spent: the API may have counted the create.
  const failed = lastErrorOf(error, 'create');
  const marked = await deps.store.markFailed(document.id, failed, now, held.keeper.lease);
  if (!marked.ok && marked.reason === 'LEASE_LOST') return leaseLost(held, 'failing the document');
  log.warn(fields, 'the API refused the create; document failed');
  return { outcome: 'failed', error: failed };
}

