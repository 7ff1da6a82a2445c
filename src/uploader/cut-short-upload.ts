import { leaseOf, UPLOAD_JOB_KINDS } from '../store/jobs.js';
import { leaseMsOf, type UploaderDeps } from './deps.js';
import { fencedApi } from './fenced-api.js';
import { keepLease } from './lease-keeper.js';
import { reconcileClaim } from './reconcile.js';

/**
 * What a delete job found of its document's upload: `settled` (an upload cut short was taken over,
 * reconciled by title, and ended), `none` (no upload open, or its holder is alive and at work: the
 * store's `markGone` refuses until it finishes).
 */
export type CutShortUpload = { found: 'settled'; deleted: number } | { found: 'none' };

/**
 * A document deleted while its upload was cut short (its holder died after it may have sent its
 * create, before the entry was recorded) cannot simply go: the entry may exist with nothing
 * recording it. The delete job takes that upload's lease over, which fences the old holder out of
 * every later transition, then reconciles the document by title the way any recovered claim does
 * (`reconcileClaim`: server timestamps read through the offset seen in `Date`; a `deleting`
 * document keeps nothing, so every entry of ours it finds is deleted), and ends the upload job.
 * Should reconciling fail (the API unreachable), the upload job stays running under our lease
 * until it runs out, then is taken over again: released, it would pass for settled.
 */
export async function settleCutShortUpload(deps: UploaderDeps, documentId: number): Promise<CutShortUpload> {
  const leaseMs = leaseMsOf(deps);
  const claim = await deps.store.claimNextJob(deps.owner, deps.clock.now(), leaseMs, { kinds: UPLOAD_JOB_KINDS, documentId });
  if (!claim) return { found: 'none' };
  const keeper = keepLease(deps, leaseOf(claim.job), leaseMs);
  try {
    let deleted = 0;
    // A queued upload never sent a create (a release always follows its settling): nothing to find.
    if (claim.recovered !== null) {
      // Only an `uploading` document adopts; should one have, its entry is recorded and deleted next.
      const reconciled = await reconcileClaim({ ...deps, api: fencedApi(deps.api, keeper) }, documentId);
      deleted = reconciled.action === 'upload' ? reconciled.deleted : 0;
    }
    await deps.store.appendEvent({
      at: deps.clock.now(),
      type: 'upload-cut-short-settled',
      documentId,
      detail: { jobId: claim.job.id, deleted, recovered: claim.recovered !== null },
    });
    await deps.store.completeJob(claim.job.id, deps.owner, deps.clock.now(), claim.job.leaseGeneration);
    return { found: 'settled', deleted };
  } finally {
    await keeper.stop();
  }
}
