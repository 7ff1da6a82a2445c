import PQueue from 'p-queue';
import type { Logger } from 'pino';
import { AUTH_CODES, SensayApiError, UNREACHABLE_CODES } from '../sensay/errors.js';
import { StoreError } from '../store/errors.js';
import { leaseOf, type JobLease } from '../store/jobs.js';
import type { JobClaim } from '../store/store.js';
import { leaseMsOf, retryDelayOf, type UploaderDeps } from './deps.js';
import { runDelete, runRename } from './entry-jobs.js';
import { countUpdate, runUpdate } from './in-place-update.js';
import { keepLease, LeaseLostError, type LeaseKeeper } from './lease-keeper.js';
import { lastErrorOf, type UploadOutcome } from './outcome.js';
import { runUpload, type ClaimedUpload } from './upload-protocol.js';

/**
 * `outage`: every upload tried ran into an API outage and nothing else got done; each waits out
 * its outage backoff (`nextWakeAt`). `config`: the API redirected a request (CLI exit 2).
 */
export type StopReason = 'budget' | 'blocked' | 'idle' | 'signal' | 'auth' | 'unreachable' | 'outage' | 'config';

export interface RunSummary {
  uploaded: number;
  /** Uploads found complete on the server by reconciliation (no create spent). */
  adopted: number;
  deleted: number;
  renamed: number;
  /** Text entries patched in place (no upload slot). */
  updated: number;
  failed: number;
  /** Jobs put back in the queue (file changed, URL expired, throttled, outage…). */
  released: number;
  /** Creates the API failed without creating anything (not attempts; their slots went back). */
  outages: number;
  /** When something becomes runnable: a slot frees, a block ends, a job's notBefore. */
  nextWakeAt: number | null;
  stoppedBy: StopReason;
  /** For `auth`, `unreachable`, `outage` and `config`: the error to report (CLI exit 3 / 4 / 4 / 2). */
  error?: SensayApiError;
}

export interface JobRunnerDeps extends UploaderDeps {
  /** Jobs run at once. Default 2. */
  concurrency?: number;
}

export interface JobRunner {
  /** Runs every job runnable now; returns when none is (it never waits for the budget). */
  /** `onProgress` is called as each job ends (liveness: a long run that moves on is alive). */
  runUntilIdle(options?: { signal?: AbortSignal; onProgress?: () => void }): Promise<RunSummary>;
  /** `runUntilIdle`, sleeping on the clock for the budget until everything ran or `deadline` passed. */
  runUntil(deadline: number, options?: { signal?: AbortSignal }): Promise<RunSummary>;
}

type Claimed = { kind: 'upload'; claim: ClaimedUpload } | { kind: 'entry'; claim: JobClaim };
type Nothing = { kind: 'none'; stop: StopReason; wakeAt: number | null };

const ENTRY_KINDS = ['delete', 'rename', 'update'] as const;

export function createJobRunner(deps: JobRunnerDeps): JobRunner {
  const log = deps.log.child({ component: 'job-runner' });
  const concurrency = deps.concurrency ?? 2;
  const leaseMs = leaseMsOf(deps);

  async function claimNext(): Promise<Claimed | Nothing> {
    const now = deps.clock.now();
    const owned = deps.ownedSources && { sourceNames: deps.ownedSources() };
    const entryJob = await deps.store.claimNextJob(deps.owner, now, leaseMs, { kinds: ENTRY_KINDS, ...owned });
    if (entryJob) return { kind: 'entry', claim: entryJob };
    const upload = await deps.store.claimUpload({ owner: deps.owner, now, leaseMs, ...deps.budget, ...owned });
    if (upload.ok) return { kind: 'upload', claim: upload };
    if (upload.reason === 'NO_JOB') return { kind: 'none', stop: 'idle', wakeAt: upload.nextJobAt };
    return { kind: 'none', stop: upload.reason === 'BLOCKED' ? 'blocked' : 'budget', wakeAt: upload.retryAt };
  }

  /**
   * Uploads cut off by a store that could not answer (a database restart): what they did is
   * uncertain, so they are recovered through reconciliation like a crashed worker's, but at once
   * (their lease is ended as soon as the store answers again) rather than after the lease.
   */
  const cutOff: JobLease[] = [];
  async function endCutOffLeases(): Promise<void> {
    for (const lease of cutOff.splice(0)) {
      const answered = await deps.store.renewLease(lease.jobId, lease.owner, deps.clock.now(), 1, lease.generation).then(
        () => true,
        () => false,
      );
      if (!answered) cutOff.push(lease);
    }
  }

  async function runUntilIdle(options: { signal?: AbortSignal; onProgress?: () => void } = {}): Promise<RunSummary> {
    await endCutOffLeases();
    const summary: RunSummary = emptySummary();
    let lastOutage: SensayApiError | undefined;
    const queue = new PQueue({ concurrency });
    const running = new Set<Promise<void>>();
    let halt: { stop: StopReason; error?: SensayApiError } | null = null;

    const execute = async (job: Claimed): Promise<void> => {
      const keeper = keepLease(deps, leaseOf(job.claim.job), leaseMs);
      try {
        if (job.kind === 'upload') {
          const outcome = await runUpload(deps, job.claim, keeper);
          if (outcome.outcome === 'outage') lastOutage = outcome.error;
          tally(summary, outcome, (h) => (halt ??= h));
        } else if (job.claim.job.kind === 'update') {
          countUpdate(summary, await runUpdate(deps, job.claim, keeper), (h) => (halt ??= h));
        } else if (job.claim.job.kind === 'delete') count(summary, await runDelete(deps, job.claim, keeper));
        else count(summary, await runRename(deps, job.claim, keeper));
      } catch (error) {
        if (error instanceof LeaseLostError) {
          log.warn({ jobId: job.claim.job.id, kind: job.claim.job.kind }, 'lease lost; stopped before the next API request');
          return;
        }
        if (job.kind === 'upload' && error instanceof StoreError) cutOff.push(keeper.lease);
        const stop = await afterError(deps, log, job, keeper, error);
        if (stop) halt ??= stop;
        summary.released++;
      } finally {
        await keeper.stop();
        options.onProgress?.();
      }
    };

    for (;;) {
      if (options.signal?.aborted) halt ??= { stop: 'signal' };
      if (halt) break;
      if (running.size >= concurrency) {
        await Promise.race(running);
        continue;
      }
      const next = await claimNext();
      if (next.kind !== 'none') {
        const task: Promise<void> = queue.add(() => execute(next)).finally(() => running.delete(task));
        running.add(task);
        continue;
      }
      if (running.size > 0) {
        await Promise.race(running);
        continue;
      }
      summary.stoppedBy = next.stop;
      summary.nextWakeAt = await earliest(deps, next.wakeAt);
      break;
    }
    await Promise.all(running);
    if (halt) {
      summary.stoppedBy = halt.stop;
      if (halt.error) summary.error = halt.error;
    } else if (lastOutage && summary.uploaded + summary.adopted + summary.deleted + summary.renamed + summary.failed === 0) {
      summary.stoppedBy = 'outage';
      summary.error = lastOutage;
    }
    log.debug({ ...summary, error: summary.error?.code }, 'job run finished');
    return summary;
  }

  async function runUntil(deadline: number, options: { signal?: AbortSignal } = {}): Promise<RunSummary> {
    const total = emptySummary();
    for (;;) {
      const run = await runUntilIdle(options);
      for (const key of SUMMED) total[key] += run[key];
      Object.assign(total, { nextWakeAt: run.nextWakeAt, stoppedBy: run.stoppedBy });
      if (run.error) total.error = run.error;
      const wake = run.nextWakeAt;
      if (['auth', 'unreachable', 'signal', 'config'].includes(run.stoppedBy) || wake === null || wake > deadline) return total;
      try {
        await deps.clock.sleep(Math.max(0, wake - deps.clock.now()), options.signal);
      } catch {
        total.stoppedBy = 'signal';
        return total;
      }
    }
  }

  return { runUntilIdle, runUntil };
}

const SUMMED = ['uploaded', 'adopted', 'deleted', 'renamed', 'updated', 'failed', 'released', 'outages'] as const;

function emptySummary(): RunSummary {
  return { uploaded: 0, adopted: 0, deleted: 0, renamed: 0, updated: 0, failed: 0, released: 0, outages: 0, nextWakeAt: null, stoppedBy: 'idle' };
}

function tally(summary: RunSummary, result: UploadOutcome, stop: (h: { stop: StopReason; error?: SensayApiError }) => void): void {
  switch (result.outcome) {
    case 'uploaded':
      summary.uploaded++;
      return;
    case 'adopted':
      summary.adopted++;
      return;
    case 'failed':
      summary.failed++;
      return;
    case 'auth':
      summary.released++;
      stop({ stop: 'auth', error: result.error });
      return;
    case 'unreachable':
      summary.released++;
      stop({ stop: 'unreachable', error: result.error });
      return;
    case 'outage':
      summary.released++;
      summary.outages++;
      return;
    case 'misconfigured':
      summary.released++;
      stop({ stop: 'config', error: result.error });
      return;
    case 'abandoned':
    case 'lease-lost':
      return;
    default:
      summary.released++;
  }
}

function count(summary: RunSummary, outcome: 'deleted' | 'renamed' | 'skipped' | 'released'): void {
  if (outcome === 'deleted') summary.deleted++;
  else if (outcome === 'renamed') summary.renamed++;
  else if (outcome === 'released') summary.released++;
}

/**
 * A job that threw (an API error outside the protocol's own handling, a store error): put it
 * back and decide whether the whole run must stop. An upload whose create may have been sent
 * is left to its lease, so that its recovery reconciles.
 */
async function afterError(
  deps: UploaderDeps,
  log: Logger,
  job: Claimed,
  keeper: LeaseKeeper,
  error: unknown,
): Promise<{ stop: StopReason; error: SensayApiError } | null> {
  const api = error instanceof SensayApiError ? error : null;
  log.error({ jobId: job.claim.job.id, kind: job.claim.job.kind, err: api ? api.toLogFields() : error }, 'job failed unexpectedly');
  const now = deps.clock.now();
  const delay = api?.code === 'RATE_LIMITED' ? (api.retryAfterMs ?? retryDelayOf(deps)) : retryDelayOf(deps);
  if (job.kind === 'entry') {
    await deps.store
      .releaseJob({ ...keeper.lease, notBefore: now + delay, now, ...(api ? { error: lastErrorOf(api) } : {}) })
      .catch(() => false);
  }
  if (api && AUTH_CODES.has(api.code)) return { stop: 'auth', error: api };
  if (api?.code === 'UNEXPECTED_REDIRECT') return { stop: 'config', error: api };
  if (api && UNREACHABLE_CODES.has(api.code)) return { stop: 'unreachable', error: api };
  return null;
}

/** The run's wake-up time: the upload side's, or a delete/rename job waiting for its notBefore. */
async function earliest(deps: UploaderDeps, uploadWake: number | null): Promise<number | null> {
  const now = deps.clock.now();
  const waiting = await deps.store.listJobs({ states: ['queued'], kinds: ENTRY_KINDS });
  const times = waiting.map((j) => j.notBefore).filter((t) => t > now);
  if (uploadWake !== null) times.push(uploadWake);
  return times.length === 0 ? null : Math.min(...times);
}
