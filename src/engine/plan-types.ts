/**
 * The planner's contract: plain records in, plain decisions out. Nothing here knows about the
 * store, the API or the file system; the engine maps its rows onto these shapes.
 */

export type SourceMode = 'file' | 'text';
export type OnDelete = 'delete' | 'keep';

export interface PlanSource {
  readonly name: string;
  readonly replicaUUID: string;
  readonly mode: SourceMode;
  readonly onDelete: OnDelete;
  /** 0–100; a pass deleting more than this share of the source's documents deletes nothing. */
  readonly maxDeletePercent: number;
  /** Higher runs first. */
  readonly priority: number;
  /** When true, NO_TEXT is a rejection in file mode too. */
  readonly requireText: boolean;
  /**
   * `in-place`: a changed text document whose entry is live gets its text patched (an `update`
   * job, no upload slot). The caller passes `replace` for file mode and for a replica known to
   * refuse in-place updates. Absent: `replace`.
   */
  readonly update?: 'in-place' | 'replace';
  /** A drop folder that drains: emptying it is not held (its root must still be the one first scanned). */
  readonly allowEmpty?: boolean;
}

/** The deletes `approve-deletes` released for one source: exactly the documents held then. */
export interface PlanApproval {
  readonly id: number;
  readonly documentIds: readonly number[];
  /** The root's device when the approval was given (what a changed root is compared with). */
  readonly rootDevice: string | null;
}

/** The source root's device against the one recorded at its first scan. */
export type RootCheck =
  | { readonly status: 'same' }
  | { readonly status: 'changed'; readonly recorded: string; readonly current: string };

/** The extractor's verdict as the planner needs it; policy (NO_TEXT) is applied by the planner. */
export type FileExtraction =
  | { readonly ok: true }
  | { readonly ok: false; readonly reason: string; readonly detail: string };

/** A file found by this scan. */
export interface ScannedFile {
  readonly source: string;
  readonly relPath: string;
  readonly size: number;
  readonly mtimeMs: number;
  /** null when the bytes were not hashed (stat-only re-scan, or rejected before reading). */
  readonly sha256: string | null;
  /** Hash of the extracted text; null or absent when there is no text. */
  readonly textHash?: string | null;
  /**
   * null: not examined this scan — the scanner only stat'ed it because size and mtime matched
   * the store. A stat-only file whose size or mtime differ from the store cannot be decided
   * and is reported as `none` / `NOT_EXAMINED` so the caller extracts it.
   */
  readonly extraction: FileExtraction | null;
  /** Epoch ms of first discovery; orders work FIFO within a priority. */
  readonly discoveredAt?: number;
}

/**
 * Document states as the planner reads them. `deleting`/`deleted` are tombstones: they never
 * count as live, as known documents for the delete valve, or as rename sources.
 */
export type KnownState =
  | 'queued'
  | 'uploading'
  | 'processing'
  | 'ready'
  | 'errored'
  | 'failed'
  | 'rejected'
  | 'duplicate'
  | 'deleting'
  | 'deleted';

/** What the store knows about one document. */
export interface KnownDocument {
  readonly id: number;
  readonly source: string;
  readonly relPath: string;
  /** The replica the document's entry lives in (may differ from the source's after a config change). */
  readonly replicaUUID: string;
  readonly sha256: string | null;
  /** Must be null for documents without text (NO_TEXT uploads), so they never match by text. */
  readonly textHash: string | null;
  readonly size: number;
  readonly mtimeMs: number;
  readonly state: KnownState;
  /** The live Sensay entry, if any (for a failed replace: the predecessor still live). */
  readonly entryId: number | null;
  /** For state `duplicate`: the id of the document whose entry carries this content. */
  readonly duplicateOf: number | null;
  readonly rejectReason: string | null;
  readonly attempts: number;
  readonly discoveredAt?: number;
}

export interface PlanInput {
  readonly sources: readonly PlanSource[];
  readonly files: readonly ScannedFile[];
  readonly known: readonly KnownDocument[];
  /** Per source name; a missing or false entry means the scan failed: no deletes, no renames. */
  readonly scanComplete: Readonly<Record<string, boolean>>;
  /** Per source name: deletes released by `approve-deletes`. */
  readonly approvals?: Readonly<Record<string, PlanApproval>>;
  /** Per source name; missing means the root is the one first scanned. */
  readonly roots?: Readonly<Record<string, RootCheck>>;
}

export interface PlanWarning {
  readonly reason: string;
  readonly detail: string;
}

export type CreateReason = 'NEW' | 'CHANGED' | 'REEXAMINED' | 'PROMOTED' | 'REAPPEARED';
export type ReplaceReason = 'CHANGED' | 'REEXAMINED' | 'REPLICA_CHANGED';
export type UpdateReason = 'CHANGED';
export type DeleteReason = 'FILE_DELETED';
export type RenameReason = 'MOVED';
/**
 * `METADATA_CHANGED` and `TEXT_UNCHANGED` ask the caller to refresh the stored size, mtime and
 * sha256 (nothing to upload); `NOT_EXAMINED` asks it to extract the file; `UNSTABLE` means the
 * file changed while read and is left as it was, to be examined again by a later scan.
 */
export type NoneReason =
  | 'UNCHANGED'
  | 'METADATA_CHANGED'
  | 'TEXT_UNCHANGED'
  | 'DUPLICATE'
  | 'REJECTED_UNCHANGED'
  | 'FAILED_UNCHANGED'
  | 'NOT_EXAMINED'
  | 'UNSTABLE'
  | 'WORKER_UNAVAILABLE'
  | 'KEPT'
  | 'DELETE_HELD'
  | 'SCAN_INCOMPLETE'
  | 'ALREADY_DELETED'
  | 'SOURCE_NOT_CONFIGURED';

export type JobAction = 'create' | 'replace' | 'update' | 'delete' | 'rename' | 'none';

interface JobBase {
  readonly action: JobAction;
  readonly source: string;
  readonly relPath: string;
  /** For create/replace: the replica to upload to. For delete/rename: where the entry lives. */
  readonly replicaUUID: string;
  readonly documentId?: number;
  readonly fromPath?: string;
  readonly entryId?: number;
  readonly reason: string;
}

/** Upload a new entry. With `documentId` the store row is reused; with `fromPath` it also moved. */
export interface CreateJob extends JobBase {
  readonly action: 'create';
  readonly reason: CreateReason;
  readonly sha256: string;
  readonly textHash: string | null;
  readonly warning?: PlanWarning;
}

/** Upload the new version; the entry `entryId` stays until the new one is READY. */
export interface ReplaceJob extends JobBase {
  readonly action: 'replace';
  readonly reason: ReplaceReason;
  readonly documentId: number;
  readonly entryId: number;
  /** Set when the old entry lives in another replica than the one uploaded to. */
  readonly previousReplicaUUID?: string;
  readonly sha256: string;
  readonly textHash: string | null;
  readonly warning?: PlanWarning;
}

/**
 * Patch the entry `entryId` with the new text (text mode, `update: "in-place"`): no upload slot,
 * the entry is processed again and is not READY meanwhile.
 */
export interface UpdateJob extends JobBase {
  readonly action: 'update';
  readonly reason: UpdateReason;
  readonly documentId: number;
  readonly entryId: number;
  readonly sha256: string;
  readonly textHash: string;
}

/** Delete the entry (if any) and forget the document. */
export interface DeleteJob extends JobBase {
  readonly action: 'delete';
  readonly reason: DeleteReason;
  readonly documentId: number;
}

/** Same content at a new path: move the row, PATCH the entry's title (if any); no upload. */
export interface RenameJob extends JobBase {
  readonly action: 'rename';
  readonly reason: RenameReason;
  readonly documentId: number;
  readonly fromPath: string;
}

export interface NoneJob extends JobBase {
  readonly action: 'none';
  readonly reason: NoneReason;
}

export type PlanJob = CreateJob | ReplaceJob | UpdateJob | DeleteJob | RenameJob | NoneJob;

/**
 * A file the policy refuses. With `entryId`, the previous version's entry stays live.
 */
export interface RejectedFile {
  readonly source: string;
  readonly relPath: string;
  readonly reason: string;
  readonly detail: string;
  readonly documentId?: number;
  readonly entryId?: number;
  readonly sha256: string | null;
}

export type DuplicateReason = 'NEW' | 'CHANGED' | 'REPOINTED' | 'REAPPEARED' | 'REEXAMINED';

/** Content already carried by another document's entry in the same replica: not uploaded. */
export interface DuplicateFile {
  readonly source: string;
  readonly relPath: string;
  readonly reason: DuplicateReason;
  readonly duplicateOfSource: string;
  readonly duplicateOfPath: string;
  /** Absent when the original is itself created by this plan. */
  readonly duplicateOfId?: number;
  readonly documentId?: number;
  /** Set when a known duplicate also moved. */
  readonly fromPath?: string;
  readonly sha256: string;
  readonly textHash: string | null;
}

/**
 * `MASS_DELETE`: above maxDeletePercent. `SOURCE_EMPTIED`: every document gone (no allowEmpty).
 * `ROOT_CHANGED`: the root is on another device than at its first scan. `SCAN_INCOMPLETE`: the
 * root vanished or something under it could not be read.
 */
export type HeldReason = 'MASS_DELETE' | 'SOURCE_EMPTIED' | 'ROOT_CHANGED' | 'SCAN_INCOMPLETE';

export interface HeldDeletes {
  readonly source: string;
  readonly reason: HeldReason;
  /** Documents whose file is gone and that would otherwise have been deleted. */
  readonly wouldDelete: number;
  /** The source's known documents (tombstones excluded). */
  readonly known: number;
  readonly percent: number;
  readonly maxDeletePercent: number;
  readonly detail: string;
  /** Whether `approve-deletes` can release them (never for an incomplete scan). */
  readonly approvable: boolean;
  /** The held documents, by id (ascending) and by path (same order). */
  readonly documentIds: readonly number[];
  readonly paths: readonly string[];
}

/**
 * Every scanned file and every known document appears exactly once: as a job, a rejection or
 * a duplicate (a rename job covers both its old document and its new path).
 */
export interface Plan {
  readonly jobs: readonly PlanJob[];
  readonly rejected: readonly RejectedFile[];
  readonly duplicates: readonly DuplicateFile[];
  readonly held: readonly HeldDeletes[];
}
