import type { Clock } from '../clock/clock.js';
import type { SensayApiError } from '../sensay/errors.js';
import { emptyPollResult, type PollResult } from '../status/poller.js';
import type { DocumentState } from '../store/store.js';
import type { RunSummary } from '../uploader/index.js';
import type { UnadoptedEntry } from '../uploader/unadopted.js';
import type { Engine, EngineSummary, ReconcileAllReport } from './create-engine.js';
import type { SyncPassReport } from './pass-report.js';

export interface SyncRunOptions {
  /** Keep uploading and polling until every document of this host's sources is terminal (or `maxWaitMs` passes). */
  readonly wait?: boolean;
  /** With `wait`: give up after this long (default: no limit). */
  readonly maxWaitMs?: number;
  /** With `wait`: how often entries in flight are polled. */
  readonly pollIntervalMs: number;
  readonly signal?: AbortSignal;
}

export type SyncStop =
  /** Every document is terminal (`--wait`). */
  | 'done'
  /** One round ran (no `--wait`): the rest is for the next run. */
  | 'round'
  | 'max-wait'
  | 'signal'
  | 'auth'
  /** The API stayed unavailable and nothing could be done (CLI exit 4). */
  | 'unreachable'
  /** The API redirected: `api.baseUrl` is wrong (CLI exit 2). */
  | 'config'
  /** Nothing can move without help (a replica paused by a quota). */
  | 'stalled';

export type JobTotals = Omit<RunSummary, 'nextWakeAt' | 'stoppedBy' | 'error'>;

export interface SyncRunResult {
  readonly reconcile: ReconcileAllReport;
  /** The last pass: with `wait`, files that were settling get passes of their own once settled. */
  readonly pass: SyncPassReport;
  /** Sync passes run (more than one only with `wait`, for settling files). */
  readonly passes: number;
  readonly jobs: JobTotals;
  readonly polls: PollResult & { cycles: number };
  readonly stoppedBy: SyncStop;
  /** For `auth`, `unreachable` and `config`: what the API said. */
  readonly error?: SensayApiError;
  readonly summary: EngineSummary;
  /** Entries titled like no document of ours, or not proven identical: left alone, for the user. */
  readonly unadopted: readonly UnadoptedEntry[];
}

const MIN_SLEEP_MS = 1000;
/**
 * With `wait`, how long the API may fail every create (outages, each retried on its own backoff:
 * 5 s doubling to 5 min) before the run gives up with exit 4; the daemon never gives up.
 */
export const OUTAGE_PATIENCE_MS = 10 * 60_000;

/** Documents that still need the uploader or the poller. `discovered` waits for the next scan. */
const IN_FLIGHT: readonly DocumentState[] = ['uploading', 'processing', 'errored', 'deleting'];
const OUTSTANDING: readonly DocumentState[] = ['queued', ...IN_FLIGHT];

/**
 * What `sync` does (issue 5): reconcile, one pass, run the jobs the budget allows, poll once.
 * With `wait`, keeps sleeping on the clock until the next slot or poll is due, or a file still
 * being written has settled (then it scans again), until every document of this host's sources
 * is terminal and no file is settling, or the deadline passes. A pass that deferred decisions is
 * run again after a round of jobs that did something: a one-shot run has no later pass to leave
 * them to.
 */
export async function runSync(engine: Engine, clock: Clock, options: SyncRunOptions): Promise<SyncRunResult> {
  const signal = options.signal;
  const deadline = options.maxWaitMs === undefined ? Number.POSITIVE_INFINITY : clock.now() + options.maxWaitMs;
  const reconcile = await engine.reconcile({ ...(signal && { signal }) });
  // A one-shot run has no later pass to defer a young file to: it waits out the settle window.
  let pass = await engine.syncPass({ settle: 'wait', ...(signal && { signal }) });
  let passes = 1;
  const jobs: JobTotals = { uploaded: 0, adopted: 0, deleted: 0, renamed: 0, updated: 0, failed: 0, released: 0, outages: 0 };
  let outageSince: number | null = null;
  const polls = { ...emptyPollResult(), cycles: 0 };

  let stoppedBy: SyncStop = 'round';
  let error: SensayApiError | undefined;
  for (;;) {
    if (signal?.aborted) {
      stoppedBy = 'signal';
      break;
    }
    if (pass.settlingUntil !== null && clock.now() >= pass.settlingUntil) {
      pass = await engine.syncPass({ settle: 'wait', ...(signal && { signal }) });
      passes++;
    }
    const run = await engine.runJobs({ ...(signal && { signal }) });
    addJobs(jobs, run);
    if (options.wait && pass.deferred.length > 0 && didWork(run)) {
      // The pass left decisions to the next one (a rename or delete refused while a job held the
      // document, e.g. an upload a kill cut short); the jobs have moved, so that pass is now.
      pass = await engine.syncPass({ settle: 'wait', ...(signal && { signal }) });
      passes++;
    }
    if (run.stoppedBy === 'auth' || run.stoppedBy === 'unreachable' || run.stoppedBy === 'signal' || run.stoppedBy === 'config') {
      stoppedBy = run.stoppedBy;
      error = run.error;
      break;
    }
    outageSince = run.stoppedBy === 'outage' ? (outageSince ?? clock.now()) : null;
    if (outageSince !== null && (!options.wait || clock.now() - outageSince >= OUTAGE_PATIENCE_MS || clock.now() >= deadline)) {
      stoppedBy = 'unreachable';
      error = run.error;
      break;
    }
    try {
      addPoll(polls, await engine.pollOnce({ ...(signal && { signal }) }));
    } catch (err) {
      if (signal?.aborted) {
        stoppedBy = 'signal';
        break;
      }
      throw err;
    }
    if (!options.wait) break;

    // Another host's documents are its own to finish (DECISIONS "Several hosts").
    const state = await engine.summary({ onlyOwnSources: true });
    const wake = nextWake(state, options.pollIntervalMs, pass.settlingUntil);
    if (wake === 'done' || wake === 'stalled') {
      stoppedBy = wake;
      break;
    }
    const now = clock.now();
    if (now >= deadline) {
      stoppedBy = 'max-wait';
      break;
    }
    try {
      // The floor keeps a queue that cannot start yet (a paused replica) from spinning.
      await clock.sleep(Math.max(MIN_SLEEP_MS, Math.min(wake, deadline) - now), signal);
    } catch {
      stoppedBy = 'signal';
      break;
    }
  }
  const summary = await engine.summary();
  return { reconcile, pass, passes, jobs, polls, stoppedBy, ...(error && { error }), summary, unadopted: await engine.unadopted() };
}

/**
 * When there is something to do next, or why there never will be. `settlingUntil`: files still
 * being written wait for a pass then, so the run is not done before it.
 */
export function nextWake(state: EngineSummary, pollIntervalMs: number, settlingUntil: number | null = null): number | 'done' | 'stalled' {
  const outstanding = OUTSTANDING.reduce((n, s) => n + state.documents[s], 0);
  if (outstanding === 0 && settlingUntil === null) return 'done';
  // Queued uploads and deletes of a source paused by hand wait for a `resume`, not for time.
  const inFlight = Math.max(0, IN_FLIGHT.reduce((n, s) => n + state.documents[s], 0) - state.heldByPause);
  if (outstanding <= state.heldByPause && settlingUntil === null) return 'stalled';
  const candidates: number[] = [];
  if (settlingUntil !== null) candidates.push(settlingUntil);
  if (inFlight > 0) candidates.push(state.at + pollIntervalMs);
  // A replica paused until further notice will not take its queued uploads.
  const pausedForGood = state.paused.some((p) => p.until === null);
  if (state.nextUploadAt !== null && !(pausedForGood && inFlight === 0)) candidates.push(state.nextUploadAt);
  if (candidates.length === 0) return 'stalled';
  return Math.min(...candidates);
}

/** Whether a round of jobs moved anything a deferred decision may have waited for. */
function didWork(run: RunSummary): boolean {
  return run.uploaded + run.adopted + run.deleted + run.renamed + run.updated + run.failed + run.released > 0;
}

function addJobs(total: JobTotals, run: RunSummary): void {
  for (const key of ['uploaded', 'adopted', 'deleted', 'renamed', 'updated', 'failed', 'released', 'outages'] as const) total[key] += run[key];
}

function addPoll(total: PollResult & { cycles: number }, poll: PollResult): void {
  for (const key of Object.keys(poll) as (keyof PollResult)[]) total[key] += poll[key];
  total.cycles++;
}
