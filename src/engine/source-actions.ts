import type { Clock } from '../clock/clock.js';
import type { PendingAction, Store } from '../store/store.js';

/**
 * `pause SOURCE`, `resume SOURCE` and "sync now" (issue 11), for the CLI commands and the
 * console alike. A paused source is scanned as usual, but no job of its documents is claimed
 * (nothing is uploaded, deleted or renamed for it) until it is resumed; the pause lives in the
 * store, so every process sharing it honours it. "Sync now" is recorded in the store: a running
 * daemon sees it within seconds (or at once, when asked through its own console), otherwise the
 * next run's pass carries it out.
 */
export interface SourceActionDeps {
  readonly store: Store;
  readonly clock: Clock;
  /** The configured source names. */
  readonly sources: readonly string[];
}

export type SourceActionResult =
  | { readonly ok: true; readonly source: string; readonly changed: boolean }
  | { readonly ok: false; readonly code: 'UNKNOWN_SOURCE'; readonly source: string; readonly message: string };

export type SyncRequestResult =
  | { readonly ok: true; readonly action: PendingAction }
  | { readonly ok: false; readonly code: 'UNKNOWN_SOURCE'; readonly source: string; readonly message: string };

export async function pauseSource(deps: SourceActionDeps, source: string): Promise<SourceActionResult> {
  const unknown = unknownSource(deps, source);
  if (unknown) return unknown;
  return { ok: true, source, changed: await deps.store.pauseSource(source, deps.clock.now()) };
}

export async function resumeSource(deps: SourceActionDeps, source: string): Promise<SourceActionResult> {
  const unknown = unknownSource(deps, source);
  // A source removed from the config may still be paused: resuming it is always allowed.
  if (unknown && !(await deps.store.pausedSources()).some((p) => p.sourceName === source)) return unknown;
  return { ok: true, source, changed: await deps.store.resumeSource(source, deps.clock.now()) };
}

/** Records a "sync now" (of one source, or of all when `source` is null). */
export async function requestSync(deps: SourceActionDeps, source: string | null = null): Promise<SyncRequestResult> {
  if (source !== null) {
    const unknown = unknownSource(deps, source);
    if (unknown) return unknown;
  }
  return { ok: true, action: await deps.store.recordPendingAction({ kind: 'sync-now', sourceName: source, now: deps.clock.now() }) };
}

function unknownSource(deps: SourceActionDeps, source: string): Extract<SourceActionResult, { ok: false }> | null {
  if (deps.sources.includes(source)) return null;
  return {
    ok: false,
    code: 'UNKNOWN_SOURCE',
    source,
    message: `no source named "${source}" in the config; sources: ${deps.sources.join(', ')}`,
  };
}
