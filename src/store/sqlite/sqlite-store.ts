import type Database from 'better-sqlite3';
import type { Logger } from 'pino';
import type {
  AcquireSlotInput,
  BudgetBlock,
  BudgetStatus,
  ClaimUploadInput,
  ReplicaPause,
  SlotDecision,
  UploadClaim,
} from '../budget.js';
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
} from '../documents.js';
import { invalidArgument, StoreError } from '../errors.js';
import type { DocumentPage, DocumentQuery, PendingAction, PendingActionInput, PendingActionKind, SourcePause } from '../console-state.js';
import type { AppendEventInput, EventFilter, EventRecord } from '../events.js';
import type { ApproveDeletesResult, DeleteApproval, HeldDeleteRecord, SourceRootRecord } from '../held-deletes.js';
import type {
  ClaimFilter,
  EnqueueJobInput,
  EnqueueJobResult,
  FailJobInput,
  JobClaim,
  JobFilter,
  JobLease,
  JobRecord,
  ReleaseJobInput,
} from '../jobs.js';
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
} from '../hosts.js';
import type { IntegrityCheckMode, IntegrityReport, PruneHistoryInput, PruneHistoryResult } from '../maintenance.js';
import type { Store } from '../store.js';
import * as ledger from './budget-ledger.js';
import * as consoleTables from './console-tables.js';
import * as deletes from './delete-transitions.js';
import { queryDocumentRows } from './document-query.js';
import * as table from './document-table.js';
import * as holds from './held-deletes-table.js';
import * as hosts from './host-leases.js';
import { appendEventRow, listEventRows } from './event-log.js';
import { pruneHistoryRows } from './history-pruning.js';
import { checkIntegrity } from './integrity-check.js';
import { claimNext, claimUpload } from './job-claims.js';
import * as jobs from './job-table.js';
import { releaseJob } from './job-release.js';
import { getMetaValue, setMetaValue } from './meta-table.js';
import * as scans from './scan-transitions.js';
import type { SqlRunner } from './sql-runner.js';
import { toStoreError } from './sqlite-errors.js';
import * as updates from './update-transitions.js';
import * as uploads from './upload-transitions.js';
import { adoptEntry } from './adopt-transitions.js';

/**
 * The Store port on one SQLite file. better-sqlite3 is synchronous; each method does its work
 * in one transaction and hands back a settled Promise, which is what the port promises.
 */
export class SqliteStore implements Store {
  readonly path: string;
  readonly #sql: SqlRunner;
  readonly #log: Logger | undefined;
  #closed = false;

  constructor(sql: SqlRunner, path: string, log?: Logger) {
    this.#sql = sql;
    this.path = path;
    this.#log = log;
  }

  /** The underlying handle, for SQLite-only tooling (backups, tests); not part of the port. */
  get database(): Database.Database {
    return this.#sql.db;
  }

  async #write<T>(fn: (sql: SqlRunner) => T): Promise<T> {
    return this.#guard(() => this.#sql.write(() => fn(this.#sql)));
  }

  async #read<T>(fn: (sql: SqlRunner) => T): Promise<T> {
    return this.#guard(() => this.#sql.read(() => fn(this.#sql)));
  }

  #guard<T>(fn: () => T): T {
    if (this.#closed) {
      throw new StoreError({ code: 'STORE_CLOSED', path: this.path, message: `State store ${this.path} is closed` });
    }
    try {
      return fn();
    } catch (error) {
      throw toStoreError(error, this.path);
    }
  }

  // documents
  upsertScanned(file: ScannedFile, now: number): Promise<UpsertScannedResult> {
    return this.#write((sql) => table.insertScanned(sql, file, now));
  }
  upsertScannedMany(files: readonly ScannedFile[], now: number): Promise<UpsertScannedResult[]> {
    return this.#write((sql) => files.map((file) => table.insertScanned(sql, file, now)));
  }
  getDocument(id: number): Promise<DocumentRecord | null> {
    return this.#read((sql) => table.loadDocument(sql, id));
  }
  getDocumentByPath(sourceName: string, relPath: string): Promise<DocumentRecord | null> {
    return this.#read((sql) => table.documentByPath(sql, sourceName, relPath));
  }
  getDocumentByEntryId(entryId: number): Promise<DocumentRecord | null> {
    return this.#read((sql) => table.documentByEntry(sql, entryId));
  }
  listDocuments(filter: DocumentFilter = {}): Promise<DocumentRecord[]> {
    return this.#read((sql) => table.listDocumentRows(sql, filter));
  }
  countDocumentsByState(filter: DocumentCountFilter = {}): Promise<Record<DocumentState, number>> {
    return this.#read((sql) => table.countByState(sql, filter));
  }

  queryDocuments(query: DocumentQuery): Promise<DocumentPage> {
    return this.#read((sql) => queryDocumentRows(sql, query));
  }

  // document transitions
  recordExtracted(documentId: number, version: FileVersion, now: number): Promise<TransitionResult> {
    return this.#write((sql) => scans.recordExtracted(sql, documentId, version, now));
  }
  recordRejected(
    documentId: number,
    rejection: { version: FileVersion; reason: string; detail: string },
    now: number,
  ): Promise<TransitionResult> {
    return this.#write((sql) => scans.recordRejected(sql, documentId, rejection, now));
  }
  refreshStat(documentId: number, stat: StatRefresh, now: number): Promise<TransitionResult> {
    return this.#write((sql) => scans.refreshStat(sql, documentId, stat, now));
  }
  markDuplicate(documentId: number, duplicateOf: number, version: FileVersion, now: number): Promise<TransitionResult> {
    return this.#write((sql) => scans.markDuplicate(sql, documentId, duplicateOf, version, now));
  }
  queueUpload(input: QueueUploadInput): Promise<QueuedResult> {
    return this.#write((sql) => scans.queueUpload(sql, input));
  }
  recordEntryCreated(documentId: number, entryId: number, now: number, lease?: JobLease): Promise<EntryCreatedResult> {
    return this.#write((sql) => uploads.recordEntryCreated(sql, documentId, entryId, now, lease));
  }
  markProcessing(documentId: number, entryId: number, now: number, lease?: JobLease): Promise<TransitionResult> {
    return this.#write((sql) => uploads.markProcessing(sql, documentId, entryId, now, lease));
  }
  markReady(documentId: number, entryId: number, now: number): Promise<TransitionResult> {
    return this.#write((sql) => uploads.markReady(sql, documentId, entryId, now));
  }
  markErrored(documentId: number, entryId: number, error: LastError, now: number): Promise<TransitionResult> {
    return this.#write((sql) => uploads.markErrored(sql, documentId, entryId, error, now));
  }
  requeueAfterError(input: RequeueAfterErrorInput): Promise<QueuedResult> {
    return this.#write((sql) => uploads.requeueAfterError(sql, input));
  }
  markFailed(documentId: number, error: LastError, now: number, lease?: JobLease): Promise<TransitionResult> {
    return this.#write((sql) => uploads.markFailed(sql, documentId, error, now, lease));
  }
  adoptEntry(input: AdoptEntryInput): Promise<TransitionResult> {
    return this.#write((sql) => adoptEntry(sql, input));
  }
  forgetEntry(documentId: number, entryId: number, now: number): Promise<TransitionResult> {
    return this.#write((sql) => uploads.forgetEntry(sql, documentId, entryId, now));
  }
  queueDelete(documentId: number, now: number, priority?: number): Promise<TransitionResult> {
    return this.#write((sql) => deletes.queueDelete(sql, documentId, now, priority));
  }
  markGone(documentId: number, now: number, options?: MarkGoneOptions): Promise<TransitionResult> {
    return this.#write((sql) => deletes.markGone(sql, documentId, now, options));
  }
  renameDocument(input: RenameInput): Promise<RenameResult> {
    return this.#write((sql) => scans.renameDocument(sql, input));
  }
  beginUpdate(documentId: number, jobId: number, now: number, lease?: JobLease): Promise<TransitionResult> {
    return this.#write((sql) => updates.beginUpdate(sql, documentId, jobId, now, lease));
  }
  replaceInstead(documentId: number, jobId: number, why: LastError, now: number, lease?: JobLease): Promise<QueuedResult> {
    return this.#write((sql) => updates.replaceInstead(sql, documentId, jobId, why, now, lease));
  }

  // jobs
  enqueueJob(input: EnqueueJobInput): Promise<EnqueueJobResult> {
    return this.#write((sql) => jobs.enqueueJobRow(sql, input));
  }
  claimNextJob(owner: string, now: number, leaseMs: number, filter?: ClaimFilter): Promise<JobClaim | null> {
    return this.#write((sql) => {
      validateLease(owner, leaseMs);
      return claimNext(sql, owner, now, leaseMs, filter);
    });
  }
  renewLease(jobId: number, owner: string, now: number, leaseMs: number, generation?: number): Promise<boolean> {
    return this.#write((sql) => {
      validateLease(owner, leaseMs);
      return jobs.renewJobLease(sql, { jobId, owner, generation }, now, leaseMs);
    });
  }
  completeJob(jobId: number, owner: string, now: number, generation?: number): Promise<boolean> {
    return this.#write((sql) => jobs.updateOwnedJob(sql, { jobId, owner, generation }, now, { state: 'done' }));
  }
  releaseJob(input: ReleaseJobInput): Promise<boolean> {
    return this.#write((sql) => releaseJob(sql, input));
  }
  failJob(input: FailJobInput): Promise<boolean> {
    return this.#write((sql) =>
      jobs.updateOwnedJob(sql, input, input.now, { state: 'failed', error: input.error }),
    );
  }
  cancelJob(jobId: number, now: number): Promise<boolean> {
    return this.#write((sql) => jobs.cancelJobRow(sql, jobId, now));
  }
  expireLeases(owner: string, now: number): Promise<number> {
    return this.#write((sql) => jobs.expireOwnerLeases(sql, owner, now));
  }
  getJob(jobId: number): Promise<JobRecord | null> {
    return this.#read((sql) => jobs.loadJob(sql, jobId));
  }
  listJobs(filter: JobFilter = {}): Promise<JobRecord[]> {
    return this.#read((sql) => jobs.listJobRows(sql, filter));
  }

  // budget
  acquireUploadSlot(input: AcquireSlotInput): Promise<SlotDecision> {
    return this.#write((sql) => ledger.acquireSlot(sql, input));
  }
  refundUploadSlot(slotId: number): Promise<boolean> {
    return this.#write((sql) => ledger.refundSlot(sql, slotId));
  }
  setBlockedUntil(scope: string, until: number, reason: string): Promise<BudgetBlock> {
    return this.#write((sql) => ledger.setBlock(sql, scope, until, reason));
  }
  budgetStatus(scope: string, limit: number, windowMs: number, now: number): Promise<BudgetStatus> {
    return this.#read((sql) => ledger.budgetStatusOf(sql, scope, limit, windowMs, now));
  }
  pauseReplica(replicaUUID: string, reason: string, until: number | null): Promise<void> {
    return this.#write((sql) => ledger.pause(sql, replicaUUID, reason, until));
  }
  resumeReplica(replicaUUID: string): Promise<boolean> {
    return this.#write((sql) => ledger.resume(sql, replicaUUID));
  }
  pausedReplicas(now?: number): Promise<ReplicaPause[]> {
    return this.#read((sql) => ledger.listPauses(sql, now));
  }
  claimUpload(input: ClaimUploadInput): Promise<UploadClaim> {
    return this.#write((sql) => {
      validateLease(input.owner, input.leaseMs);
      return claimUpload(sql, input);
    });
  }

  // held deletes, approvals, source roots
  replaceHeldDeletes(sourceNames: readonly string[], held: readonly HeldDeleteRecord[]): Promise<void> {
    return this.#write((sql) => holds.replaceHeld(sql, sourceNames, held));
  }
  listHeldDeletes(): Promise<HeldDeleteRecord[]> {
    return this.#read((sql) => holds.listHeld(sql));
  }
  approveHeldDeletes(sourceName: string, now: number): Promise<ApproveDeletesResult> {
    return this.#write((sql) => holds.approveHeld(sql, sourceName, now));
  }
  listDeleteApprovals(): Promise<DeleteApproval[]> {
    return this.#read((sql) => holds.listApprovals(sql));
  }
  consumeDeleteApprovals(ids: readonly number[]): Promise<number> {
    return this.#write((sql) => holds.consumeApprovals(sql, ids));
  }
  listSourceRoots(): Promise<SourceRootRecord[]> {
    return this.#read((sql) => holds.listRoots(sql));
  }
  setSourceRoot(sourceName: string, device: string, now: number): Promise<void> {
    return this.#write((sql) => holds.setRoot(sql, sourceName, device, now));
  }

  // several hosts
  registerHost(input: RegisterHostInput): Promise<HostRecord> {
    return this.#write((sql) => hosts.registerHost(sql, input));
  }
  listHosts(): Promise<HostRecord[]> {
    return this.#read((sql) => hosts.listHosts(sql));
  }
  claimSource(input: ClaimSourceInput): Promise<SourceClaim> {
    return this.#write((sql) => {
      validateLease(input.owner, input.leaseMs);
      return hosts.claimSource(sql, input);
    });
  }
  renewSourceLease(input: RenewSourceInput): Promise<boolean> {
    return this.#write((sql) => {
      validateLease(input.owner, input.leaseMs);
      return hosts.renewSource(sql, input);
    });
  }
  releaseSource(lease: SourceLease, now: number): Promise<boolean> {
    return this.#write((sql) => hosts.releaseSource(sql, lease, now));
  }
  listSourceOwners(): Promise<SourceOwnerRecord[]> {
    return this.#read((sql) => hosts.listSourceOwners(sql));
  }
  claimReplicaLease(input: ClaimReplicaLeaseInput): Promise<ReplicaLeaseClaim> {
    return this.#write((sql) => {
      validateLease(input.owner, input.leaseMs);
      return hosts.claimReplicaLease(sql, input);
    });
  }
  listReplicaLeases(): Promise<ReplicaLeaseRecord[]> {
    return this.#read((sql) => hosts.listReplicaLeases(sql));
  }
  takeRequestPermits(input: TakePermitsInput): Promise<PermitGrant> {
    return this.#write((sql) => hosts.takeRequestPermits(sql, input));
  }

  // source pauses and pending actions
  pauseSource(sourceName: string, now: number): Promise<boolean> {
    return this.#write((sql) => consoleTables.pauseSourceRow(sql, sourceName, now));
  }
  resumeSource(sourceName: string, now: number): Promise<boolean> {
    return this.#write((sql) => consoleTables.resumeSourceRow(sql, sourceName, now));
  }
  pausedSources(): Promise<SourcePause[]> {
    return this.#read((sql) => consoleTables.listSourcePauses(sql));
  }
  recordPendingAction(input: PendingActionInput): Promise<PendingAction> {
    return this.#write((sql) => consoleTables.insertPendingAction(sql, input));
  }
  listPendingActions(): Promise<PendingAction[]> {
    return this.#read((sql) => consoleTables.listPendingActionRows(sql));
  }
  takePendingActions(kinds: readonly PendingActionKind[]): Promise<PendingAction[]> {
    return this.#write((sql) => consoleTables.takePendingActionRows(sql, kinds));
  }

  // events and meta
  appendEvent(input: AppendEventInput): Promise<EventRecord> {
    return this.#write((sql) => {
      const document = input.documentId === undefined ? null : table.loadDocument(sql, input.documentId);
      return appendEventRow(sql, {
        at: input.at,
        type: input.type,
        documentId: input.documentId ?? null,
        sourceName: document?.sourceName ?? null,
        relPath: document?.relPath ?? null,
        detail: input.detail ?? null,
      });
    });
  }
  listEvents(filter: EventFilter = {}): Promise<EventRecord[]> {
    return this.#read((sql) => listEventRows(sql, filter));
  }
  getMeta(key: string): Promise<string | null> {
    return this.#read((sql) => getMetaValue(sql, key));
  }
  setMeta(key: string, value: string): Promise<void> {
    return this.#write((sql) => setMetaValue(sql, key, value));
  }

  pruneHistory(input: PruneHistoryInput): Promise<PruneHistoryResult> {
    if (!Number.isFinite(input.before)) {
      return Promise.reject(invalidArgument(`Expected \`before\` to be a finite time in ms, got \`${String(input.before)}\``));
    }
    return this.#write((sql) => pruneHistoryRows(sql, input));
  }
  async checkIntegrity(mode: IntegrityCheckMode): Promise<IntegrityReport> {
    return this.#guard(() => checkIntegrity(this.#sql.db, mode));
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    try {
      this.#sql.db.close();
    } catch (error) {
      throw toStoreError(error, this.path);
    }
    this.#log?.debug({ path: this.path }, 'state store closed');
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}

function validateLease(owner: string, leaseMs: number): void {
  if (typeof owner !== 'string' || owner.length === 0) {
    throw invalidArgument(`Expected \`owner\` to be a non-empty string, got \`${String(owner)}\``);
  }
  if (!Number.isFinite(leaseMs) || leaseMs <= 0) {
    throw invalidArgument(`Expected \`leaseMs\` to be a finite number > 0, got \`${String(leaseMs)}\``);
  }
}
