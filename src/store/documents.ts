import type { JobKind, JobRecord } from './jobs.js';

/**
 * A document is one file of one source (DESIGN §3). Its row describes one version of the file
 * (size, mtime, hashes) and where that version stands with Sensay. The store never overwrites the
 * known version on a mere scan: a new version is recorded together with the decision taken about
 * it (extracted, rejected, queued, duplicate), so a crash in between makes the next scan see the
 * change again instead of forgetting it.
 */
export const DOCUMENT_STATES = [
  'discovered',
  'extracted',
  'rejected',
  'queued',
  'uploading',
  'processing',
  'ready',
  'errored',
  'failed',
  'deleting',
  'gone',
  'duplicate',
] as const;
export type DocumentState = (typeof DOCUMENT_STATES)[number];

export interface LastError {
  message: string;
  code?: string;
  status?: number;
  requestId?: string;
  fingerprint?: string;
  /** Which step of the upload failed: the create, the signed-URL upload, or Sensay's processing. */
  step?: UploadStep;
}

export type UploadStep = 'create' | 'upload' | 'processing';

/** One version of a file, as the scanner and the extractor saw it. */
export interface FileVersion {
  size: number;
  /** `fs.Stats.mtimeMs`; may be fractional and is stored exactly. */
  mtimeMs: number;
  /** `pdf`, `docx`, `txt`, `md`, `html`; null when the file was rejected before detection. */
  kind: string | null;
  sha256: string | null;
  textHash: string | null;
  warnings: string[];
  /** Device and inode of the file the scan `lstat`ed; an upload streams only from that file. */
  dev?: number | null;
  ino?: number | null;
}

/** A new size/mtime (and, when known, device/inode) for the same content. */
export interface StatRefresh {
  size: number;
  mtimeMs: number;
  dev?: number | null;
  ino?: number | null;
}

export interface DocumentRecord {
  id: number;
  sourceName: string;
  relPath: string;
  replicaUUID: string;
  kind: string | null;
  size: number;
  mtimeMs: number;
  sha256: string | null;
  textHash: string | null;
  state: DocumentState;
  /** The entry this document's current version lives in (or is being uploaded to). */
  entryId: number | null;
  /**
   * During a replace: the predecessor's entry, still live until the successor is READY. When the
   * document is `failed` with a predecessor, the previous version is still live.
   */
  previousEntryId: number | null;
  /** Entries created for the current version (reset when a new version is queued). */
  attempts: number;
  lastError: LastError | null;
  rejectReason: string | null;
  rejectDetail: string | null;
  /** For `duplicate`: the document whose entry carries the same text. */
  duplicateOf: number | null;
  warnings: string[];
  discoveredAt: number;
  updatedAt: number;
  /** When the document entered its current state (stuck detection). */
  stateSince: number;
  /** When a queued retry may run (after a recreate backoff or a refused create). */
  nextAttemptAt: number | null;
  /** Device and inode the scan saw for this version; null when not recorded. */
  dev?: number | null;
  ino?: number | null;
}

export interface ScannedFile {
  sourceName: string;
  relPath: string;
  replicaUUID: string;
  size: number;
  mtimeMs: number;
}

/**
 * `new`: inserted as `discovered`. `unchanged`: same size and mtime as the known version.
 * `modified`: size or mtime differ. `reappeared`: known as `gone` or `deleting`.
 * An existing row is returned untouched in every case.
 */
export type ScanChange = 'new' | 'unchanged' | 'modified' | 'reappeared';

export interface UpsertScannedResult {
  document: DocumentRecord;
  change: ScanChange;
}

export interface DocumentFilter {
  states?: readonly DocumentState[];
  sourceName?: string;
  replicaUUID?: string;
  textHash?: string;
  duplicateOf?: number;
  /** Only documents that still hold (true) or do not hold (false) a predecessor entry. */
  hasPreviousEntry?: boolean;
  /** Only documents whose `stateSince` is strictly before this time (stuck detection). */
  stateSinceBefore?: number;
  /** Keyset paging: documents with an id above this one. */
  afterId?: number;
  limit?: number;
}

export interface DocumentCountFilter {
  sourceName?: string;
  replicaUUID?: string;
}

export type TransitionRefusal =
  | 'NOT_FOUND'
  /** The document is not in a state this transition starts from (another process moved it). */
  | 'WRONG_STATE'
  /** The entry id given is not the document's (a stale poll result, a superseded upload). */
  | 'ENTRY_MISMATCH'
  /** The document still holds an entry that must be deleted first. */
  | 'ENTRY_REMAINS'
  /** Rename: the target path belongs to a document that holds an entry. */
  | 'PATH_TAKEN'
  /**
   * Queue: this very version is already queued, uploaded or deduplicated (another process's
   * pass got there first); queueing it again would upload the same content twice.
   */
  | 'SAME_VERSION'
  /** The caller's job lease is no longer theirs (expired and taken over, or finished): hands off. */
  | 'LEASE_LOST'
  /**
   * An upload job of the document is running (its holder alive, or dead after it may have sent
   * its create): an entry may exist that nothing records. Its holder settles it, or whoever takes
   * its lease over reconciles by title first (DESIGN §6); until then the document cannot be let go.
   */
  | 'CREATE_UNSETTLED';

export type TransitionResult =
  | { ok: true; document: DocumentRecord }
  | { ok: false; reason: TransitionRefusal; detail: string; document: DocumentRecord | null };

export type QueuedResult =
  | { ok: true; document: DocumentRecord; job: JobRecord }
  | { ok: false; reason: TransitionRefusal; detail: string; document: DocumentRecord | null };

export type EntryCreatedResult =
  | {
      ok: true;
      document: DocumentRecord;
      /**
       * An entry no longer referenced by the document (an unfinished successor displaced by a
       * newer one); the caller deletes it from Sensay.
       */
      supersededEntryId: number | null;
    }
  | { ok: false; reason: TransitionRefusal; detail: string; document: DocumentRecord | null };

export interface QueueUploadInput {
  documentId: number;
  /** `update`: patch the text of the entry in place (text mode; no upload slot). */
  kind: Extract<JobKind, 'create' | 'replace' | 'recreate' | 'update'>;
  /** The version being queued; omitted = the one already recorded. */
  version?: FileVersion;
  priority?: number;
  notBefore?: number;
  now: number;
}

export interface RequeueAfterErrorInput {
  documentId: number;
  /** The errored entry the caller has deleted from Sensay (null if it had none). */
  deletedEntryId: number | null;
  /** Earliest time the recreate may run (the recreate backoff). */
  notBefore: number;
  priority?: number;
  now: number;
}

export interface AdoptEntryInput {
  documentId: number;
  /** An entry already in Sensay, proven by the caller to hold this document's current version. */
  entryId: number;
  /** The entry is READY (→ ready); otherwise the document waits for it in processing. */
  ready: boolean;
  /** How it was proven (kept in the event): `sha256`, `rawText`, `rawText-prefix`. */
  proof: string;
  now: number;
}

export interface RenameInput {
  documentId: number;
  newRelPath: string;
  /** The file's version at its new path (same content, possibly a new mtime). */
  version?: FileVersion;
  priority?: number;
  now: number;
}

export type RenameResult =
  | { ok: true; document: DocumentRecord; job: JobRecord | null }
  | { ok: false; reason: TransitionRefusal; detail: string; document: DocumentRecord | null };

export interface MarkGoneOptions {
  /** `onDelete: "keep"`: the entry stays in Sensay and stays recorded. */
  entryKept?: boolean;
}
