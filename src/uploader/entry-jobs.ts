import { SensayApiError } from '../sensay/errors.js';
import type { JobClaim } from '../store/store.js';
import type { LeaseKeeper } from './lease-keeper.js';
import { settleCutShortUpload } from './cut-short-upload.js';
import { retryDelayOf, type UploaderDeps } from './deps.js';
import { indexSources } from './source-index.js';

export type EntryJobOutcome = 'deleted' | 'renamed' | 'skipped' | 'released';

/**
 * A `delete` job: the file is gone, so are its entries (current and predecessor), and any entry an
 * upload cut short may have created unrecorded (found by title, see `settleCutShortUpload`). An
 * entry that is already gone counts as deleted. Idempotent, so a recovered claim simply runs it again.
 */
export async function runDelete(deps: UploaderDeps, claim: JobClaim, keeper: LeaseKeeper): Promise<EntryJobOutcome> {
  const { job } = claim;
  const { owner, generation } = keeper.lease;
  for (let pass = 0; pass < 3; pass++) {
    const doc = await deps.store.getDocument(job.documentId);
    if (!doc || doc.state !== 'deleting') {
      await deps.store.completeJob(job.id, owner, deps.clock.now(), generation);
      return 'skipped';
    }
    await keeper.ensureHeld();
    await settleCutShortUpload(deps, doc.id);
    const recorded = (await deps.store.getDocument(doc.id)) ?? doc;
    for (const entryId of [recorded.entryId, recorded.previousEntryId]) {
      if (entryId === null) continue;
      await keeper.ensureHeld();
      await deps.api.deleteEntry(doc.replicaUUID, entryId);
      await deps.store.forgetEntry(doc.id, entryId, deps.clock.now());
    }
    const gone = await deps.store.markGone(doc.id, deps.clock.now());
    if (gone.ok) return 'deleted';
    // ENTRY_REMAINS: an upload in flight recorded a new entry meanwhile; delete that one too.
    if (gone.reason !== 'ENTRY_REMAINS') break;
  }
  // An upload of this document is still in flight (CREATE_UNSETTLED): its entry will be
  // recorded, or its lease run out and be taken over here, then deleted.
  const now = deps.clock.now();
  await deps.store.releaseJob({ ...keeper.lease, notBefore: now + retryDelayOf(deps), now });
  return 'released';
}

/** A `rename` job: the file moved inside its source; its entries take the new title (no upload). */
export async function runRename(deps: UploaderDeps, claim: JobClaim, keeper: LeaseKeeper): Promise<EntryJobOutcome> {
  const { job } = claim;
  const doc = await deps.store.getDocument(job.documentId);
  if (doc) {
    const title = indexSources(deps.sources).titleOf(doc);
    for (const entryId of [doc.entryId, doc.previousEntryId]) {
      if (entryId === null) continue;
      try {
        await keeper.ensureHeld();
        await deps.api.patchEntry(doc.replicaUUID, entryId, { title });
      } catch (error) {
        // A vanished entry is the poller's to notice (re-upload); its title no longer matters.
        if (!(error instanceof SensayApiError && error.code === 'NOT_FOUND')) throw error;
      }
    }
    await deps.store.appendEvent({ at: deps.clock.now(), type: 'entry.renamed', documentId: doc.id, detail: { title } });
  }
  await deps.store.completeJob(job.id, keeper.lease.owner, deps.clock.now(), keeper.lease.generation);
  return doc ? 'renamed' : 'skipped';
}
