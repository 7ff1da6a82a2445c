import type { Clock } from '../clock/clock.js';
import type { Store } from '../store/store.js';

export interface ApprovalWatchDeps {
  readonly store: Pick<Store, 'listDeleteApprovals'>;
  readonly clock: Clock;
  /** Makes a sync pass due (the daemon's `notify`). */
  readonly notify: () => void;
  readonly onError?: (err: unknown) => void;
}

/** How often a running daemon looks for approvals given by `approve-deletes`: one small read. */
export const APPROVAL_CHECK_MS = 5000;

/**
 * Lets a running `watch` apply `approve-deletes` at once: the approval lands in the state store
 * from another process, so the daemon looks for new approvals every few seconds and, on seeing
 * one, makes a pass due (the pass applies it), instead of leaving it to the next rescan.
 */
export async function watchApprovals(deps: ApprovalWatchDeps, signal: AbortSignal, everyMs = APPROVAL_CHECK_MS): Promise<void> {
  let seen = new Set<number>();
  let first = true;
  while (!signal.aborted) {
    try {
      const ids = new Set((await deps.store.listDeleteApprovals()).map((approval) => approval.id));
      const fresh = [...ids].some((id) => !seen.has(id));
      // Approvals already waiting at start-up are applied by the daemon's first pass anyway.
      if (fresh && !first) deps.notify();
      seen = ids;
      first = false;
    } catch (err) {
      deps.onError?.(err);
    }
    try {
      await deps.clock.sleep(everyMs, signal);
    } catch {
      return;
    }
  }
}
