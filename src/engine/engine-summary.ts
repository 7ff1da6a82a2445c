import type { JobRecord, ReplicaPause, SourcePause, Store } from '../store/store.js';
import type { DocumentState } from '../store/store.js';
import { DOCUMENT_STATES, UPLOAD_JOB_KINDS } from '../store/index.js';
import { estimateQueue, type QueueEta } from './eta.js';

export interface BudgetSummary {
  readonly scope: string;
  readonly limit: number;
  readonly windowMs: number;
  readonly used: number;
  readonly remaining: number;
  /** The earliest time a slot can be taken (now when one is free and nothing blocks). */
  readonly nextFreeAt: number;
  readonly blockedUntil: number | null;
  readonly blockedReason: string | null;
}

export interface EngineSummary {
  readonly at: number;
  readonly documents: Readonly<Record<DocumentState, number>>;
  readonly budget: BudgetSummary;
  /** Upload jobs (create, replace, recreate) queued or running. */
  readonly queuedUploads: number;
  /** When the next queued upload may start (slot free and its notBefore reached); null: none queued. */
  readonly nextUploadAt: number | null;
  readonly eta: QueueEta;
  readonly paused: readonly ReplicaPause[];
  /** Sources paused by hand: their queued jobs wait, and count in neither `nextUploadAt` nor the ETA. */
  readonly pausedSources: readonly SourcePause[];
  /** Documents of paused sources waiting for a job (queued, deleting): nothing moves them until a resume. */
  readonly heldByPause: number;
}

/**
 * A read-only picture of the durable state: nothing here writes. With `sourceNames`, `documents`
 * and `heldByPause` count those sources' documents only (what one host of several waits for); the
 * budget and the queue stay the organisation's.
 */
export async function summariseState(
  store: Store,
  budget: { scope: string; limit: number; windowMs: number },
  now: number,
  sourceNames?: readonly string[],
): Promise<EngineSummary> {
  const documents = sourceNames === undefined ? await store.countDocumentsByState() : await countOfSources(store, sourceNames);
  const status = await store.budgetStatus(budget.scope, budget.limit, budget.windowMs, now);
  const pausedSources = await store.pausedSources();
  const uploads = await store.listJobs({ states: ['queued', 'running'], kinds: UPLOAD_JOB_KINDS });
  const queued = await withoutPausedSources(store, pausedSources, uploads.filter((job) => job.state === 'queued'));
  let heldByPause = 0;
  for (const pause of pausedSources) {
    if (sourceNames !== undefined && !sourceNames.includes(pause.sourceName)) continue;
    const counts = await store.countDocumentsByState({ sourceName: pause.sourceName });
    heldByPause += counts.queued + counts.deleting;
  }
  const earliestJob = queued.reduce<number | null>((min, job) => (min === null ? job.notBefore : Math.min(min, job.notBefore)), null);
  const nextUploadAt = earliestJob === null ? null : Math.max(status.nextFreeAt, earliestJob, now);
  const eta = estimateQueue(
    { queuedUploads: queued.length },
    { slotTimes: status.slotTimes, limit: budget.limit, windowMs: budget.windowMs, blockedUntil: status.blockedUntil },
    now,
  );
  return {
    at: now,
    documents,
    budget: {
      ...budget,
      used: status.used,
      remaining: status.remaining,
      nextFreeAt: status.nextFreeAt,
      blockedUntil: status.blockedUntil,
      blockedReason: status.blockedReason,
    },
    queuedUploads: uploads.length,
    nextUploadAt,
    eta,
    paused: await store.pausedReplicas(now),
    pausedSources,
    heldByPause,
  };
}

async function countOfSources(store: Store, sourceNames: readonly string[]): Promise<Record<DocumentState, number>> {
  const total = Object.fromEntries(DOCUMENT_STATES.map((state) => [state, 0])) as Record<DocumentState, number>;
  for (const sourceName of sourceNames) {
    const counts = await store.countDocumentsByState({ sourceName });
    for (const state of DOCUMENT_STATES) total[state] += counts[state];
  }
  return total;
}

/** The jobs not held back by a source paused by hand (one query per paused source, usually none). */
export async function withoutPausedSources(store: Store, paused: readonly SourcePause[], jobs: JobRecord[]): Promise<JobRecord[]> {
  if (paused.length === 0) return jobs;
  const held = new Set<number>();
  for (const pause of paused) {
    for (const doc of await store.listDocuments({ sourceName: pause.sourceName, states: ['queued', 'uploading', 'errored', 'deleting'] })) held.add(doc.id);
  }
  return jobs.filter((job) => !held.has(job.documentId));
}
