import type { DocumentRecord } from './documents.js';
import type { JobKind, JobRecord, RecoveredLease } from './jobs.js';

/**
 * The upload budget (DESIGN §5): a sliding window over a ledger of slots, shared by every
 * process on the same store. `scope` names the budget (the organisation, or a replica), so one
 * store can hold several independent windows.
 */
export interface AcquireSlotInput {
  scope: string;
  /** Slots allowed per window (uploadsPerHour). */
  limit: number;
  windowMs: number;
  now: number;
  jobId?: number;
}

export type SlotRefusal = 'WINDOW_FULL' | 'BLOCKED';

export type SlotDecision =
  | { granted: true; slotId: number }
  | { granted: false; reason: SlotRefusal; retryAt: number };

export interface BudgetBlock {
  until: number;
  reason: string;
}

export interface BudgetStatus {
  /** Slots taken within the window ending now. */
  used: number;
  remaining: number;
  /** The earliest time an acquire can succeed (`now` when one can right away). */
  nextFreeAt: number;
  blockedUntil: number | null;
  blockedReason: string | null;
  /** When each slot in the window was taken, oldest first (each frees `windowMs` later). */
  slotTimes: number[];
}

export interface ReplicaPause {
  replicaUUID: string;
  reason: string;
  /** null: until resumed by hand (a quota). */
  until: number | null;
}

export interface ClaimUploadInput {
  owner: string;
  now: number;
  leaseMs: number;
  scope: string;
  limit: number;
  windowMs: number;
  /** Default: create, replace, recreate. */
  kinds?: readonly Extract<JobKind, 'create' | 'replace' | 'recreate'>[];
  replicaUUID?: string;
  /** Only jobs of documents of these sources (the ones this host owns); absent: any source. */
  sourceNames?: readonly string[];
}

/**
 * A fresh claim holds a slot; a recovered one (a crashed owner's job taken over) holds none,
 * because the caller must reconcile first and may not need to upload at all — it acquires a slot
 * with `acquireUploadSlot` if it does.
 */
export type UploadClaim =
  | {
      ok: true;
      job: JobRecord;
      document: DocumentRecord;
      slotId: number | null;
      recovered: RecoveredLease | null;
    }
  /** `nextJobAt`: when a waiting job becomes eligible (notBefore, or a lease expiring). */
  | { ok: false; reason: 'NO_JOB'; nextJobAt: number | null }
  | { ok: false; reason: 'BUDGET_FULL'; retryAt: number }
  | { ok: false; reason: 'BLOCKED'; retryAt: number; detail: string };
