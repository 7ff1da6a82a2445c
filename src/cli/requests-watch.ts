import type { Clock } from '../clock/clock.js';
import type { Store } from '../store/store.js';

export interface RequestsWatchDeps {
  readonly store: Pick<Store, 'listDeleteApprovals' | 'listPendingActions' | 'pausedSources'>;
  readonly clock: Clock;
  /** A new delete approval: makes a sync pass due (the daemon's `notify`). */
  readonly notify: () => void;
  /** A recorded "sync now": a pass at once (the daemon's `scanNow`). */
  readonly scanNow?: () => void;
  /** A source was resumed: its queued jobs may run (the daemon's `jobsNow`). */
  readonly jobsNow?: () => void;
  readonly onError?: (err: unknown) => void;
}

/** How often a running daemon looks for what other processes asked of it: three small reads. */
export const REQUESTS_CHECK_MS = 5000;

/**
 * Lets a running `watch` act at once on what another process recorded in the state store
 * (`approve-deletes`, `resume`, `sync-now`, a `console` on the same state): it looks every few
 * seconds and, on a change, makes the daemon do the work now instead of at its next rescan.
 * What was already waiting at start-up is done by the daemon's first pass anyway.
 */
export async function watchRequests(deps: RequestsWatchDeps, signal: AbortSignal, everyMs = REQUESTS_CHECK_MS): Promise<void> {
  let seen: Seen | null = null;
  while (!signal.aborted) {
    try {
      const now = await look(deps);
      if (seen !== null) react(deps, seen, now);
      seen = now;
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

interface Seen {
  readonly approvals: ReadonlySet<number>;
  readonly pending: number;
  readonly paused: ReadonlySet<string>;
}

async function look(deps: RequestsWatchDeps): Promise<Seen> {
  return {
    approvals: new Set((await deps.store.listDeleteApprovals()).map((approval) => approval.id)),
    pending: (await deps.store.listPendingActions()).length,
    paused: new Set((await deps.store.pausedSources()).map((pause) => pause.sourceName)),
  };
}

function react(deps: RequestsWatchDeps, before: Seen, now: Seen): void {
  if ([...now.approvals].some((id) => !before.approvals.has(id))) deps.notify();
  // A pass takes the pending actions; any left (or new) ones ask for one.
  if (now.pending > 0) deps.scanNow?.();
  if ([...before.paused].some((name) => !now.paused.has(name))) deps.jobsNow?.();
}
