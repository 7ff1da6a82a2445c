import { guarded, type PollContext } from './poll-context.js';
import { finishErrored } from './settle-errored.js';
import { deleteFailedEntry, deletePredecessor, UNPROCESSABLE_CODE } from './settle-outcomes.js';

/**
 * Finishes what an earlier cycle (this process or a crashed one) left half done. Each poller
 * step is "store transition, then API call, then store transition"; these are the states a
 * crash or an API failure between them leaves behind. Store reads only, no list requests.
 */
export async function finishInterrupted(ctx: PollContext): Promise<void> {
  const { store } = ctx.deps;
  // errored: the entry may still exist; delete it (a 404 is fine), then recreate or fail.
  for (const doc of await store.listDocuments({ states: ['errored'] })) {
    ctx.signal?.throwIfAborted();
    if (!(await ctx.polls(doc.replicaUUID))) continue;
    await guarded(ctx, doc, () => finishErrored(ctx, doc));
  }
  // ready with a predecessor: the successor is READY, so the predecessor goes.
  for (const doc of await store.listDocuments({ states: ['ready'], hasPreviousEntry: true })) {
    ctx.signal?.throwIfAborted();
    if (!(await ctx.polls(doc.replicaUUID))) continue;
    await guarded(ctx, doc, () => deletePredecessor(ctx, doc));
  }
  // failed as UNPROCESSABLE while still recording its entry: the delete did not happen yet.
  for (const doc of await store.listDocuments({ states: ['failed'] })) {
    const entryId = doc.entryId;
    if (entryId === null || doc.lastError?.code !== UNPROCESSABLE_CODE || !(await ctx.polls(doc.replicaUUID))) continue;
    ctx.signal?.throwIfAborted();
    await guarded(ctx, doc, () => deleteFailedEntry(ctx, doc, entryId));
  }
}
