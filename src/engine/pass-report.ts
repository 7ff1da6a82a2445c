import type { HeldDeletes, Plan, PlanJob } from './plan-types.js';
import type { QueueEta } from './eta.js';

/** A file the policy refused, as people read it. */
export interface RejectedReport {
  readonly source: string;
  readonly path: string;
  readonly reason: string;
  readonly detail: string;
}

/** A source the scan could not see completely: no deletes were planned for it. */
export interface ScanProblemReport {
  readonly source: string;
  readonly problem: string;
}

/**
 * A planned step the store declined (another process moved the document meanwhile, an upload
 * is in flight). Nothing is lost: the next pass sees the document again and decides afresh.
 */
export interface DeferredReport {
  readonly source: string;
  readonly path: string;
  readonly action: PlanJob['action'] | 'duplicate' | 'rejected';
  readonly reason: string;
  readonly detail: string;
}

/** A file still being written: not read this pass. */
export interface SettlingFile {
  readonly source: string;
  readonly path: string;
}

/**
 * A file this pass could not read for a fault of this host, not of the file: no extraction
 * worker could start. Nothing is decided about it; the next pass examines it again.
 */
export interface UnprocessedFile {
  readonly source: string;
  readonly path: string;
  readonly reason: 'WORKER_UNAVAILABLE';
  readonly detail: string;
}

export interface PassCounts {
  /** Files found by every scan together. */
  scanned: number;
  /** Files read and extracted this pass (new, modified, reappeared or left unfinished by a crash). */
  extracted: number;
  create: number;
  replace: number;
  /** Text entries to be patched in place (no upload slot). */
  update: number;
  delete: number;
  rename: number;
  duplicate: number;
  rejected: number;
  /** Documents whose file is gone but kept (onDelete "keep"). */
  kept: number;
  unchanged: number;
  /**
   * New or changed files written too recently to be read (younger than the settle window): a
   * copy may still be in progress. Not read, not recorded; a later pass examines them.
   */
  settling: number;
  /** New or changed files that could not be read (no extraction worker could start): nothing decided. */
  unprocessed: number;
}

export interface SyncPassReport {
  readonly dryRun: boolean;
  readonly startedAt: number;
  readonly finishedAt: number;
  readonly counts: PassCounts;
  readonly rejected: readonly RejectedReport[];
  readonly held: readonly HeldDeletes[];
  readonly scanProblems: readonly ScanProblemReport[];
  /** The earliest moment a settling file of this pass is old enough to read; null: none is settling. */
  readonly settlingUntil: number | null;
  /** The files still being written after the settle window, left unread by this pass. */
  readonly settlingFiles: readonly SettlingFile[];
  /** Files that could not be read this pass (no extraction worker): the run did not complete. */
  readonly unprocessed: readonly UnprocessedFile[];
  readonly deferred: readonly DeferredReport[];
  /** The plan as computed; a dry run prints it. */
  readonly plan: Plan;
  /** Dry run only: when the upload backlog (already queued plus this plan) gets its slots. */
  readonly eta?: QueueEta;
}

export function emptyCounts(): PassCounts {
  return { scanned: 0, extracted: 0, create: 0, replace: 0, update: 0, delete: 0, rename: 0, duplicate: 0, rejected: 0, kept: 0, unchanged: 0, settling: 0, unprocessed: 0 };
}

/**
 * `apart` tells which `none` jobs are counted apart rather than as unchanged: settling files and
 * files no worker could read (`counts.settling` and `counts.unprocessed`).
 */
export function countPlan(plan: Plan, counts: PassCounts, apart: (job: PlanJob) => boolean = () => false): void {
  for (const job of plan.jobs) {
    if (job.action === 'none') {
      if (apart(job)) continue;
      if (job.reason === 'KEPT') counts.kept++;
      else counts.unchanged++;
    } else {
      counts[job.action]++;
    }
  }
  counts.duplicate += plan.duplicates.length;
  counts.rejected += plan.rejected.length;
}
