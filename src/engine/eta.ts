import { slotSchedule } from '../uploader/budget-math.js';
import type { JobAction, Plan } from './plan-types.js';

/** Every create takes an upload slot (new, replace, recreate); deletes, renames and polls do not. */
export function takesUploadSlot(action: JobAction): boolean {
  return action === 'create' || action === 'replace';
}

export function uploadsInPlan(plan: Plan): number {
  return plan.jobs.reduce((n, job) => n + (takesUploadSlot(job.action) ? 1 : 0), 0);
}

export interface BudgetView {
  /** Epoch ms of the ledger's slots (those older than the window are ignored). */
  readonly slotTimes: readonly number[];
  readonly limit: number;
  readonly windowMs: number;
  readonly blockedUntil?: number | null;
}

export interface QueueEta {
  /** Uploads still to be given a slot: those already queued plus the plan's. */
  readonly uploads: number;
  /** When the first of them gets its slot; null when there is nothing to upload. */
  readonly firstSlotAt: number | null;
  /** When the last of them gets its slot; null when there is nothing to upload. */
  readonly lastSlotAt: number | null;
}

/**
 * When the upload backlog will have been handed its slots, for `status` and `sync --dry-run`.
 * It says when uploads start, not when Sensay finishes processing them.
 */
export function estimateQueue(
  input: { readonly queuedUploads: number; readonly plan?: Plan },
  budget: BudgetView,
  now: number,
): QueueEta {
  const uploads = input.queuedUploads + (input.plan ? uploadsInPlan(input.plan) : 0);
  const schedule = slotSchedule(uploads, budget.slotTimes, budget.limit, budget.windowMs, now, budget.blockedUntil);
  return {
    uploads,
    firstSlotAt: schedule[0] ?? null,
    lastSlotAt: schedule[schedule.length - 1] ?? null,
  };
}
