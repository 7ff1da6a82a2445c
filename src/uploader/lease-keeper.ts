import type { Clock } from '../clock/clock.js';
import type { JobLease } from '../store/jobs.js';
import type { Store } from '../store/store.js';

/**
 * Renews a job's lease every third of its length while the job runs (a 50 MB PUT can outlast a
 * lease), so no other process takes over a job that is still alive. `lost` turns true when the
 * store says the lease (owner + generation) is no longer ours; `ensureHeld` is called before
 * every request to the API and stops the worker there (issue 8 §3).
 */
export interface LeaseKeeper {
  readonly lease: JobLease;
  readonly lost: boolean;
  /**
   * Renews the lease in the store (one small write) and throws `LeaseLostError` when it is no
   * longer ours: a takeover is noticed before the next request, even one that happened between
   * two timer renewals (a stalled process, a lease expired by a dead-owner sweep).
   */
  ensureHeld(): Promise<void>;
  stop(): Promise<void>;
}

/** The worker no longer holds its job: it must stop without touching the job or its document. */
export class LeaseLostError extends Error {
  override readonly name = 'LeaseLostError';
  readonly code = 'LEASE_LOST';
  readonly jobId: number;
  constructor(lease: JobLease) {
    super(`lease on job ${lease.jobId} (generation ${lease.generation}) was lost; another worker holds it now`);
    this.jobId = lease.jobId;
  }
}

export function keepLease(deps: { clock: Clock; store: Store }, lease: JobLease, leaseMs: number): LeaseKeeper {
  const stopper = new AbortController();
  let lost = false;
  const renew = async (): Promise<void> => {
    // A store that cannot answer right now is not proof of a lost lease.
    const renewed = await deps.store.renewLease(lease.jobId, lease.owner, deps.clock.now(), leaseMs, lease.generation).catch(() => true);
    if (!renewed) lost = true;
  };
  const loop = (async () => {
    while (!lost) {
      try {
        await deps.clock.sleep(Math.max(1, Math.floor(leaseMs / 3)), stopper.signal);
      } catch {
        return;
      }
      await renew();
    }
  })();
  return {
    lease,
    get lost() {
      return lost;
    },
    async ensureHeld() {
      if (!lost) await renew();
      if (lost) throw new LeaseLostError(lease);
    },
    async stop() {
      stopper.abort();
      await loop;
    },
  };
}
