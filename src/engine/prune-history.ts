import type { Logger } from 'pino';
import { DAY_MS } from '../store/maintenance.js';
import type { Store } from '../store/store.js';

/**
 * Drops events and finished jobs older than `retentionDays` (DESIGN §5: the state must not grow
 * forever). Run after each writing pass; indexed by time, so a prune with nothing to do is a
 * lookup.
 */
export async function pruneHistory(store: Store, retentionDays: number, now: number, log: Logger): Promise<void> {
  const pruned = await store.pruneHistory({ before: now - retentionDays * DAY_MS });
  if (pruned.events + pruned.jobs > 0) log.debug({ ...pruned, retentionDays }, 'old history pruned');
}
