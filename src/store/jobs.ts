import type { DocumentRecord, LastError } from './documents.js';
import type { JsonValue } from './json-value.js';

export const JOB_KINDS = ['create', 'replace', 'recreate', 'delete', 'rename', 'update'] as const;
export type JobKind = (typeof JOB_KINDS)[number];

/** The kinds that POST a new entry and therefore spend an upload slot. */
export const UPLOAD_JOB_KINDS: readonly JobKind[] = Object.freeze(['create', 'replace', 'recreate']);

/**
 * The kinds that carry a new version of the document to Sensay: the uploads, and `update` (a
 * text entry patched in place, which spends a request but no upload slot). At most one of them
 * is open per document: queueing one withdraws the others.
 */
export const VERSION_JOB_KINDS: readonly JobKind[] = Object.freeze([...UPLOAD_JOB_KINDS, 'update']);

export const JOB_STATES = ['queued', 'running', 'done', 'failed', 'cancelled'] as const;
export type JobState = (typeof JOB_STATES)[number];

export interface JobRecord {
  id: number;
  documentId: number;
  kind: JobKind;
  state: JobState;
  /** Higher runs first; equal priorities run first in, first out. */
  priority: number;
  /** The job is not claimed before this time. */
  notBefore: number;
  /** Who holds the lease while `running` (and who last held it afterwards). */
  owner: string | null;
  leaseUntil: number | null;
  /** How many times the job has been claimed (a takeover counts). */
  claims: number;
  /**
   * Bumped at every claim and takeover. A transition of a running job names the generation it
   * holds (see `JobLease`), so a worker whose lease was taken over, even by its own process,
   * can no longer change the job.
   */
  leaseGeneration: number;
  /** Consecutive creates of this job that the API failed without creating anything (outage backoff). */
  outages: number;
  payload: JsonValue;
  lastError: LastError | null;
  createdAt: number;
  updatedAt: number;
  finishedAt: number | null;
}

export interface EnqueueJobInput {
  documentId: number;
  kind: JobKind;
  priority?: number;
  notBefore?: number;
  payload?: JsonValue;
  now: number;
}

/** `created: false` means an open (queued or running) job of that kind already existed. */
export interface EnqueueJobResult {
  job: JobRecord;
  created: boolean;
}

export interface ClaimFilter {
  kinds?: readonly JobKind[];
  replicaUUID?: string;
  /** Only this document's jobs (a delete job taking over its document's cut-short upload). */
  documentId?: number;
  /** Only jobs of documents of these sources (the ones this host owns); absent: any source. */
  sourceNames?: readonly string[];
}

/** Set when the job was running under another owner whose lease had expired (a crash). */
export interface RecoveredLease {
  previousOwner: string;
  leaseExpiredAt: number;
}

export interface JobClaim {
  job: JobRecord;
  document: DocumentRecord;
  /** Non-null: the caller must reconcile before acting (DESIGN §6). */
  recovered: RecoveredLease | null;
}

/** What a worker holds while it runs a job: the fencing token of every transition it makes. */
export interface JobLease {
  jobId: number;
  owner: string;
  generation: number;
}

export function leaseOf(job: Pick<JobRecord, 'id' | 'owner' | 'leaseGeneration'>): JobLease {
  return { jobId: job.id, owner: job.owner ?? '', generation: job.leaseGeneration };
}

export interface ReleaseJobInput {
  jobId: number;
  owner: string;
  /** The lease generation held; given, a job re-claimed since (by anyone) is not released. */
  generation?: number;
  /** When the job may be claimed again. */
  notBefore: number;
  error?: LastError;
  /** Sets the job's consecutive outage count (absent: unchanged). */
  outages?: number;
  /**
   * The create spent a slot and made something that had to be deleted without its entry ever
   * being recorded (an answer lost, then reconciled): the document's attempts + 1.
   */
  countsAttempt?: boolean;
  now: number;
}

export interface FailJobInput {
  jobId: number;
  owner: string;
  generation?: number;
  error: LastError;
  now: number;
}

export interface JobFilter {
  states?: readonly JobState[];
  kinds?: readonly JobKind[];
  documentId?: number;
  replicaUUID?: string;
  owner?: string;
  limit?: number;
}
