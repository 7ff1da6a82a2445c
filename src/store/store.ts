import type {
  AcquireSlotInput,
  BudgetBlock,
  BudgetStatus,
  ClaimUploadInput,
  ReplicaPause,
  SlotDecision,
  UploadClaim,
} from './budget.js';
import type {
  AdoptEntryInput,
  DocumentCountFilter,
  DocumentFilter,
  DocumentRecord,
  DocumentState,
  EntryCreatedResult,
  FileVersion,
  LastError,
  MarkGoneOptions,
  QueuedResult,
  QueueUploadInput,
  RenameInput,
  RenameResult,
  RequeueAfterErrorInput,
  ScannedFile,
  StatRefresh,
  TransitionResult,
  UpsertScannedResult,
} from './documents.js';
import type { DocumentPage, DocumentQuery, PendingAction, PendingActionInput, PendingActionKind, SourcePause } from './console-state.js';
import type { AppendEventInput, EventFilter, EventRecord } from './events.js';
import type { ApproveDeletesResult, DeleteApproval, HeldDeleteRecord, SourceRootRecord } from './held-deletes.js';
import type {
  ClaimFilter,
  EnqueueJobInput,
  JobLease,
  EnqueueJobResult,
  FailJobInput,
  JobClaim,
  JobFilter,
  JobRecord,
  ReleaseJobInput,
} from './jobs.js';
import type {
  ClaimReplicaLeaseInput,
  ClaimSourceInput,
  HostRecord,
  PermitGrant,
  RegisterHostInput,
  RenewSourceInput,
  ReplicaLeaseClaim,
  ReplicaLeaseRecord,
  SourceClaim,
  SourceLease,
  SourceOwnerRecord,
  TakePermitsInput,
} from './hosts.js';
import type { IntegrityCheckMode, IntegrityReport, PruneHistoryInput, PruneHistoryResult } from './maintenance.js';

export type * from './budget.js';
export type * from './console-state.js';
export type * from './documents.js';
export type * from './events.js';
export type * from './held-deletes.js';
export type * from './hosts.js';
export type * from './jobs.js';
export type * from './json-value.js';
export type * from './maintenance.js';

/**
 * The durable state port (DESIGN §5). Every method returns a Promise so a networked adapter
 * (PostgreSQL) can implement it unchanged; every multi-step change is one method that the adapter
 * performs in one transaction. Times are epoch milliseconds and always passed in: the store never
 * reads a clock. Document transitions append their event in the same transaction and refuse,
 * as a value, to start from a state they do not expect; repeating a transition that already
 * happened (same state, same entry) succeeds without a second event.
 */
export interface Store extends AsyncDisposable {
  // ── documents ───────────────────────────────────────────────────────────────
  /** Inserts an unknown file as `discovered`; a known one is returned untouched, classified. */
  upsertScanned(file: ScannedFile, now: number): Promise<UpsertScannedResult>;
  /** `upsertScanned` for a whole batch in one transaction (a scan of thousands of files); results in order. */
  upsertScannedMany(files: readonly ScannedFile[], now: number): Promise<UpsertScannedResult[]>;
  getDocument(id: number): Promise<DocumentRecord | null>;
  getDocumentByPath(sourceName: string, relPath: string): Promise<DocumentRecord | null>;
  /** The document whose current or predecessor entry this is. */
  getDocumentByEntryId(entryId: number): Promise<DocumentRecord | null>;
  /** Ordered by id. */
  listDocuments(filter?: DocumentFilter): Promise<DocumentRecord[]>;
  /** Every state is present, zero when empty. */
  countDocumentsByState(filter?: DocumentCountFilter): Promise<Record<DocumentState, number>>;
  /** One page of the console's table: filtered, sorted and paged in the store, with the total. */
  queryDocuments(query: DocumentQuery): Promise<DocumentPage>;

  // ── document transitions (each one transaction, each appends an event) ──────
  /**
   * Any state but uploading/deleting → extracted, recording the version and withdrawing a
   * queued upload. A recorded entry stays: `extracted` with an entry means a replace is due.
   */
  recordExtracted(documentId: number, version: FileVersion, now: number): Promise<TransitionResult>;
  /** Any state but uploading/deleting → rejected, withdrawing a queued upload. A live entry stays live (the old version). */
  recordRejected(
    documentId: number,
    rejection: { version: FileVersion; reason: string; detail: string },
    now: number,
  ): Promise<TransitionResult>;
  /** Records a new size/mtime for the same content (a touch), so the next scan skips it. No event. */
  refreshStat(documentId: number, stat: StatRefresh, now: number): Promise<TransitionResult>;
  /** → duplicate of another document of the same replica. Refused while it holds an entry. */
  markDuplicate(documentId: number, duplicateOf: number, version: FileVersion, now: number): Promise<TransitionResult>;
  /**
   * → queued, and enqueues the upload job (idempotent per document and kind). `create` and
   * `replace` start a new version: attempts and lastError are reset. Allowed from every state
   * except uploading, deleting and errored (delete the errored entry, then `requeueAfterError`).
   */
  queueUpload(input: QueueUploadInput): Promise<QueuedResult>;
  /**
   * uploading → uploading with `entryId` recorded (the POST answered), attempts + 1. The
   * document's previous live entry becomes its predecessor. Also accepted while `deleting`, so an
   * entry created by an upload that was in flight is deleted rather than orphaned.
   * With `lease` (here, in `markProcessing` and `markFailed`): refused as `LEASE_LOST`, changing
   * nothing, unless that lease still holds its running job.
   */
  recordEntryCreated(documentId: number, entryId: number, now: number, lease?: JobLease): Promise<EntryCreatedResult>;
  /** uploading → processing (the bytes are uploaded); completes the running upload job. */
  markProcessing(documentId: number, entryId: number, now: number, lease?: JobLease): Promise<TransitionResult>;
  /** uploading/processing → ready. A remaining `previousEntryId` is the caller's to delete. */
  markReady(documentId: number, entryId: number, now: number): Promise<TransitionResult>;
  /** uploading/processing → errored, keeping the error. */
  markErrored(documentId: number, entryId: number, error: LastError, now: number): Promise<TransitionResult>;
  /** errored → queued with a `recreate` job not before `notBefore`; the errored entry is forgotten. */
  requeueAfterError(input: RequeueAfterErrorInput): Promise<QueuedResult>;
  /**
   * → failed for good (attempts exhausted, UNPROCESSABLE). Fails the document's running jobs and
   * cancels its queued ones. Entries stay recorded: a predecessor is still live. Without `lease`,
   * refused (CREATE_UNSETTLED) while an upload job runs: only its holder knows what its create made.
   */
  markFailed(documentId: number, error: LastError, now: number, lease?: JobLease): Promise<TransitionResult>;
  /** The caller deleted this entry from Sensay: clear it from `entryId` or `previousEntryId`. */
  forgetEntry(documentId: number, entryId: number, now: number): Promise<TransitionResult>;
  /**
   * The file is gone: → deleting with a `delete` job, cancelling queued jobs. Straight to gone only
   * when nothing of it can be in Sensay: no entry recorded, not `uploading`, and no upload job
   * running (a live holder, or a dead one whose create may have made an entry nothing records).
   */
  queueDelete(documentId: number, now: number, priority?: number): Promise<TransitionResult>;
  /**
   * → gone; completes the running jobs and cancels the queued ones. Refused while an entry is
   * recorded, unless `entryKept` (onDelete "keep"), and while an upload job is running, its lease
   * live or expired (CREATE_UNSETTLED): its holder settles it, or a takeover (`claimNextJob` with
   * `documentId`) reconciles by title and ends it first.
   */
  markGone(documentId: number, now: number, options?: MarkGoneOptions): Promise<TransitionResult>;
  /**
   * Moves the document to a new path (same content), dropping an entry-less row already
   * scanned there, and enqueues a `rename` job (payload `{ from, to }`) when the document has an
   * entry whose title must change: its current entry or its predecessor (still live while a
   * replace or recreate is on its way). Refused (WRONG_STATE) while uploading or deleting: the
   * next pass, which `sync --wait` runs once its jobs moved, decides it again.
   */
  renameDocument(input: RenameInput): Promise<RenameResult>;
  /**
   * extracted/queued with no entry and no upload running → ready or processing with an entry that
   * already holds its content (adoption after a lost state file); queued uploads are cancelled.
   */
  adoptEntry(input: AdoptEntryInput): Promise<TransitionResult>;
  /**
   * The intent of an in-place update, recorded before its PATCH is sent: queued → uploading,
   * attempts + 1, for the running `update` job `jobId`. Already uploading (a retry, a recovered
   * lease): nothing changes. Refused (ENTRY_MISMATCH) when the document holds no entry.
   */
  beginUpdate(documentId: number, jobId: number, now: number, lease?: JobLease): Promise<TransitionResult>;
  /**
   * The in-place update cannot be made (the API refused the PATCH): its job ends (failed, with
   * `why`) and a `replace` is queued instead (a `create` if no entry is recorded); → queued.
   */
  replaceInstead(documentId: number, jobId: number, why: LastError, now: number, lease?: JobLease): Promise<QueuedResult>;

  // ── jobs with leases ────────────────────────────────────────────────────────
  /** Idempotent: at most one open (queued or running) job per document and kind. */
  enqueueJob(input: EnqueueJobInput): Promise<EnqueueJobResult>;
  /**
   * Leases the next eligible job: queued with `notBefore <= now`, or running with an expired
   * lease (taken over), bumping its lease generation. Priority DESC, then the one ready first
   * (`notBefore`; a taken-over job at its lease's end), so a job released for a retry backoff
   * queues behind work that was ready before it. Ignores the budget and replica pauses: upload
   * jobs go through `claimUpload`, except a takeover by `documentId` that spends no slot (a delete
   * job settling its document's cut-short upload).
   */
  claimNextJob(owner: string, now: number, leaseMs: number, filter?: ClaimFilter): Promise<JobClaim | null>;
  /**
   * False when the lease is no longer this owner's (taken over, finished, cancelled). Every
   * transition of a running job checks its holder in the same statement: `owner`, and the
   * `generation` when given (production callers always give it), so a worker that lost its
   * lease, even to a claim by its own process, changes nothing.
   */
  renewLease(jobId: number, owner: string, now: number, leaseMs: number, generation?: number): Promise<boolean>;
  completeJob(jobId: number, owner: string, now: number, generation?: number): Promise<boolean>;
  /** Back to queued, not before `notBefore`; an uploading document goes back to queued. */
  releaseJob(input: ReleaseJobInput): Promise<boolean>;
  /** The job failed for good; the document is not touched (see `markFailed`). */
  failJob(input: FailJobInput): Promise<boolean>;
  /**
   * Cancels a queued or running job, whoever holds it; never a running upload job (false), whose
   * create may have made an entry only its holder or a takeover that reconciles can settle.
   */
  cancelJob(jobId: number, now: number): Promise<boolean>;
  /** Makes every lease of `owner` expire now (a restart of a process known dead). */
  expireLeases(owner: string, now: number): Promise<number>;
  getJob(jobId: number): Promise<JobRecord | null>;
  /** Priority DESC, then oldest first. */
  listJobs(filter?: JobFilter): Promise<JobRecord[]>;

  // ── budget ledger and replica pauses ────────────────────────────────────────
  /** One atomic check-and-take across every process sharing the store. */
  acquireUploadSlot(input: AcquireSlotInput): Promise<SlotDecision>;
  /** Gives a slot back when the create was provably never sent. */
  refundUploadSlot(slotId: number): Promise<boolean>;
  /** From a throttling 429's Retry-After. Never moves an existing block earlier; returns the block in force. */
  setBlockedUntil(scope: string, until: number, reason: string): Promise<BudgetBlock>;
  budgetStatus(scope: string, limit: number, windowMs: number, now: number): Promise<BudgetStatus>;
  /** A quota 429: no uploads for this replica until `until` (null: until resumed). */
  pauseReplica(replicaUUID: string, reason: string, until: number | null): Promise<void>;
  resumeReplica(replicaUUID: string): Promise<boolean>;
  /** With `now`, pauses that have expired are left out. */
  pausedReplicas(now?: number): Promise<ReplicaPause[]>;
  /**
   * DESIGN §6 step 1 in one transaction: the next eligible upload job of a replica that is not
   * paused, a budget slot, the lease, and the document → uploading.
   */
  claimUpload(input: ClaimUploadInput): Promise<UploadClaim>;

  // ── held deletes, approvals, source roots ───────────────────────────────────
  /**
   * Replaces, for each of `sourceNames` (the sources a pass judged), what is held with the
   * records of `held` (none: nothing held for it any more). One transaction.
   */
  replaceHeldDeletes(sourceNames: readonly string[], held: readonly HeldDeleteRecord[]): Promise<void>;
  /** By source name. */
  listHeldDeletes(): Promise<HeldDeleteRecord[]>;
  /**
   * Approves exactly the documents held for the source now (replacing an older approval of it),
   * in one transaction; refused as a value when nothing is held or the hold is not approvable.
   */
  approveHeldDeletes(sourceName: string, now: number): Promise<ApproveDeletesResult>;
  /** By source name. */
  listDeleteApprovals(): Promise<DeleteApproval[]>;
  /** Removes approvals a pass has used, by id; returns how many were still there. */
  consumeDeleteApprovals(ids: readonly number[]): Promise<number>;
  /** By source name. */
  listSourceRoots(): Promise<SourceRootRecord[]>;
  /** Records (or replaces) the device a source root is on. */
  setSourceRoot(sourceName: string, device: string, now: number): Promise<void>;

  // ── several hosts (issue 10 §2–4) ───────────────────────────────────────────
  /** Records that a process of `hostName` runs; a name seen for the first time gets `newId`. */
  registerHost(input: RegisterHostInput): Promise<HostRecord>;
  /** By name. */
  listHosts(): Promise<HostRecord[]>;
  /**
   * Claims (or renews) a source for a host, in one serialised transaction: see
   * `decideSourceClaim` for who wins. A grant that changes the holder bumps the generation.
   */
  claimSource(input: ClaimSourceInput): Promise<SourceClaim>;
  /** False (nothing changed) unless the lease's host and generation still hold the source. */
  renewSourceLease(input: RenewSourceInput): Promise<boolean>;
  /** Ends the lease now (a standby giving a source back); the registration stays. Fenced like renew. */
  releaseSource(lease: SourceLease, now: number): Promise<boolean>;
  /** By source name. */
  listSourceOwners(): Promise<SourceOwnerRecord[]>;
  /** Claims or renews a per-replica lease (one poller per replica). Another host takes it only once expired. */
  claimReplicaLease(input: ClaimReplicaLeaseInput): Promise<ReplicaLeaseClaim>;
  /** By replica, then role. */
  listReplicaLeases(): Promise<ReplicaLeaseRecord[]>;
  /** Takes up to `want` request permits from the window shared by every host (`decidePermits`). */
  takeRequestPermits(input: TakePermitsInput): Promise<PermitGrant>;
  // ── source pauses and pending actions (the console's actions, issue 11) ────
  /**
   * `pause SOURCE`: no job of the source's documents is claimed (uploads, deletes, renames,
   * updates) until it is resumed; scanning and planning go on. True when it was not paused
   * already. Appends a `source-paused` event.
   */
  pauseSource(sourceName: string, now: number): Promise<boolean>;
  /** True when it was paused. Appends a `source-resumed` event. */
  resumeSource(sourceName: string, now: number): Promise<boolean>;
  /** By source name. */
  pausedSources(): Promise<SourcePause[]>;
  /** Records an action for the next run (or a running daemon) to carry out. */
  recordPendingAction(input: PendingActionInput): Promise<PendingAction>;
  /** Oldest first. */
  listPendingActions(): Promise<PendingAction[]>;
  /** Removes and returns the pending actions of these kinds, in one transaction (the taker carries them out). */
  takePendingActions(kinds: readonly PendingActionKind[]): Promise<PendingAction[]>;

  // ── events and meta ─────────────────────────────────────────────────────────
  appendEvent(input: AppendEventInput): Promise<EventRecord>;
  listEvents(filter?: EventFilter): Promise<EventRecord[]>;
  getMeta(key: string): Promise<string | null>;
  setMeta(key: string, value: string): Promise<void>;

  // ── upkeep (never run on open) ──────────────────────────────────────────────
  /**
   * Deletes events and finished jobs older than `before` (`state.retentionDays`), in one
   * transaction, cheaply (indexed by time). The history of documents still in flight is kept.
   */
  pruneHistory(input: PruneHistoryInput): Promise<PruneHistoryResult>;
  /** Reads the whole store and reports damage (`sensay-ingest doctor`); cost grows with its size. */
  checkIntegrity(mode: IntegrityCheckMode): Promise<IntegrityReport>;

  close(): Promise<void>;
}
