import type { Clock } from '../clock/clock.js';
import type { Store } from '../store/store.js';

/**
 * Renews a job's lease every third of its length while the job runs (a 50 MB PUT can outlast a
 * lease), so no other process takes over a job that is still alive. `lost` turns true when the
 * store says the lease is no longer ours.
 */
export interface LeaseKeeper {
  readonly lost: boolean;
  stop(): Promise<void>;
}

export function keepLease(deps: { clock: Clock; store: Store }, jobId: number, owner: string, leaseMs: number): LeaseKeeper {
  const stopper = new AbortController();
  let lost = false;
  const loop = (async () => {
    for (;;) {
      try {
        await deps.clock.sleep(Math.max(1, Math.floor(leaseMs / 3)), stopper.signal);
      } catch {
        return;
      }
      const renewed = await deps.store.renewLease(jobId, owner, deps.clock.now(), leaseMs).catch(() => true);
      if (!renewed) {
        lost = true;
        return;
      }
    }
  })();
  return {
    get lost() {
      return lost;
    },
    async stop() {
      stopper.abort();
      await loop;
    },
  };
}
