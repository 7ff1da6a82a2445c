import { withoutPausedSources } from '../engine/engine-summary.js';
import { UPLOAD_JOB_KINDS } from '../store/index.js';
import type { DocumentRecord, JobRecord } from '../store/store.js';
import { slotSchedule } from '../uploader/budget-math.js';
import type { ConsoleReadDeps } from './console-reads.js';

/** How many queued documents get their own expected start time (the rest are counted). */
const QUEUE_SHOWN = 100;

/**
 * `GET /api/budget`: what the budget picture draws. The creates of the sliding window, the next
 * free slots, a 429's `blockedUntil`, quota pauses, and when each queued upload is expected to
 * start, from the budget and the queue's claim order (the same schedule `status` uses for its ETA).
 * It says when uploads start, not when Sensay finishes them.
 */
export async function budgetView(deps: ConsoleReadDeps) {
  const { store, budget } = deps;
  const now = deps.clock.now();
  const status = await store.budgetStatus(budget.scope, budget.limit, budget.windowMs, now);
  const quotaPauses = await store.pausedReplicas(now);
  const jobs = await runnableUploads(deps, new Set(quotaPauses.map((p) => p.replicaUUID)));
  const free = slotSchedule(Math.max(budget.limit, Math.min(jobs.length, QUEUE_SHOWN)), status.slotTimes, budget.limit, budget.windowMs, now, status.blockedUntil);
  const queue = [];
  for (const [i, { job, source, path }] of jobs.slice(0, QUEUE_SHOWN).entries()) {
    const slot = free[i] ?? now;
    queue.push({ documentId: job.documentId, source, path, kind: job.kind, startsAt: iso(Math.max(slot, job.notBefore)) });
  }
  const all = slotSchedule(jobs.length, status.slotTimes, budget.limit, budget.windowMs, now, status.blockedUntil);
  return {
    now: iso(now),
    limit: budget.limit,
    windowMs: budget.windowMs,
    used: status.used,
    remaining: status.remaining,
    slots: status.slotTimes.map(iso),
    nextFreeSlots: free.slice(0, budget.limit).map(iso),
    nextFreeAt: iso(status.nextFreeAt),
    blockedUntil: status.blockedUntil === null ? null : iso(status.blockedUntil),
    blockedReason: status.blockedReason,
    quotaPauses: quotaPauses.map((p) => ({ replicaUUID: p.replicaUUID, reason: p.reason, until: p.until === null ? null : iso(p.until) })),
    queue: {
      uploads: jobs.length,
      firstSlotAt: all[0] === undefined ? null : iso(all[0]),
      lastSlotAt: all[all.length - 1] === undefined ? null : iso(all[all.length - 1]!),
      documents: queue,
    },
  };
}

/** Queued uploads in claim order, without those of paused sources or quota-paused replicas. */
async function runnableUploads(deps: ConsoleReadDeps, quotaPaused: ReadonlySet<string>): Promise<{ job: JobRecord; source: string; path: string }[]> {
  const queued = await deps.store.listJobs({ states: ['queued'], kinds: UPLOAD_JOB_KINDS });
  const jobs = await withoutPausedSources(deps.store, await deps.store.pausedSources(), queued);
  const out: { job: JobRecord; source: string; path: string }[] = [];
  for (const job of jobs) {
    const doc: DocumentRecord | null = out.length < QUEUE_SHOWN || quotaPaused.size > 0 ? await deps.store.getDocument(job.documentId) : null;
    if (doc && quotaPaused.has(doc.replicaUUID)) continue;
    out.push({ job, source: doc?.sourceName ?? '', path: doc?.relPath ?? '' });
  }
  return out;
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
