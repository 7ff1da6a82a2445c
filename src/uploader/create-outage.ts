import type { Logger } from 'pino';
import type { SensayApiError } from '../sensay/errors.js';
import { outageBackoffMs } from './attempt-policy.js';
import { randomOf, type UploaderDeps } from './deps.js';
import { release, type HeldUpload } from './held-upload.js';
import { lastErrorOf, type UploadOutcome } from './outcome.js';

/**
 * A create the API failed (5xx, timeout, connection refused) that provably created nothing: an
 * outage, not the document's fault. No attempt is counted, the slot goes back to the ledger, and
 * the job waits 5 s × 2^(k−1) (jitter, ≤ 5 min) for its k-th consecutive outage.
 */
export async function afterCreateOutage(deps: UploaderDeps, log: Logger, held: HeldUpload, error: SensayApiError): Promise<UploadOutcome> {
  const outages = held.job.outages + 1;
  const notBefore = deps.clock.now() + outageBackoffMs(outages, randomOf(deps));
  const released = await release(deps, held, 'outage', notBefore, { refund: true, outages, error: lastErrorOf(error, 'create') });
  if (released.outcome !== 'released') return released;
  log.warn(
    { relPath: held.document.relPath, ...error.toLogFields(), outages, notBefore: new Date(notBefore).toISOString() },
    'the API failed the create and nothing was created; slot refunded, retrying after the outage backoff',
  );
  return { outcome: 'outage', error, notBefore };
}
