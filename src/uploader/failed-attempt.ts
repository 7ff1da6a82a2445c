import type { Logger } from 'pino';
import type { LastError } from '../store/store.js';
import { decideAfterAttempt } from './attempt-policy.js';
import { attemptLimitsOf, randomOf, type UploaderDeps } from './deps.js';
import { leaseLost, release, type HeldUpload } from './held-upload.js';
import type { ReleaseReason, UploadOutcome } from './outcome.js';

/**
 * A slot was spent and no complete entry came of it (the PUT was refused, the file changed after
 * the create, a create's lost answer had made an entry that reconciliation deleted). Any entry is
 * already deleted. Retried after `recreateBackoffSeconds × 2^(n−1)`, behind work ready before
 * then; once `maxAttempts` are spent, the document fails with this error.
 * `countsAttempt`: the attempt is not counted yet (no entry was ever recorded for it).
 */
export async function afterFailedAttempt(
  deps: UploaderDeps,
  log: Logger,
  held: HeldUpload,
  reason: ReleaseReason,
  error: LastError,
  options: { countsAttempt?: boolean } = {},
): Promise<UploadOutcome> {
  const document = (await deps.store.getDocument(held.document.id)) ?? held.document;
  const attempts = document.attempts + (options.countsAttempt === true ? 1 : 0);
  const limits = attemptLimitsOf(deps);
  const now = deps.clock.now();
  const decision = decideAfterAttempt(attempts, limits, now, randomOf(deps));
  const fields = { relPath: document.relPath, attempts, maxAttempts: limits.maxAttempts, reason, error };
  if (decision.action === 'retry') {
    log.warn({ ...fields, notBefore: new Date(decision.notBefore).toISOString() }, 'upload attempt failed; retrying after the backoff');
    return release(deps, held, reason, decision.notBefore, {
      error,
      outages: 0,
      ...(options.countsAttempt === true ? { countsAttempt: true } : {}),
    });
  }
  const failed = await deps.store.markFailed(document.id, error, now, held.keeper.lease);
  if (!failed.ok) {
    if (failed.reason === 'LEASE_LOST') return leaseLost(held, 'failing the document');
    log.info({ ...fields, refused: failed.detail }, 'document moved meanwhile; not failed');
    return { outcome: 'abandoned', detail: failed.detail };
  }
  log.warn(fields, `upload failed ${attempts} times; document failed`);
  return { outcome: 'failed', error };
}
