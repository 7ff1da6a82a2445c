import type { DocumentRecord, DocumentState, FileVersion, LastError } from './documents.js';
import type { JsonObject } from './json-value.js';

/**
 * What a document transition changes, in the port's vocabulary, and the arithmetic every adapter
 * shares: which fields really change, and how they are stored.
 */
export interface DocumentPatch {
  relPath?: string;
  state?: DocumentState;
  kind?: string | null;
  size?: number;
  mtimeMs?: number;
  sha256?: string | null;
  textHash?: string | null;
  entryId?: number | null;
  previousEntryId?: number | null;
  attempts?: number;
  lastError?: LastError | null;
  rejectReason?: string | null;
  rejectDetail?: string | null;
  duplicateOf?: number | null;
  warnings?: string[];
  nextAttemptAt?: number | null;
  dev?: number | null;
  ino?: number | null;
}

export const DOCUMENT_COLUMNS: Record<keyof DocumentPatch, string> = {
  relPath: 'rel_path',
  state: 'state',
  kind: 'kind',
  size: 'size',
  mtimeMs: 'mtime_ms',
  sha256: 'sha256',
  textHash: 'text_hash',
  entryId: 'entry_id',
  previousEntryId: 'previous_entry_id',
  attempts: 'attempts',
  lastError: 'last_error',
  rejectReason: 'reject_reason',
  rejectDetail: 'reject_detail',
  duplicateOf: 'duplicate_of',
  warnings: 'warnings',
  nextAttemptAt: 'next_attempt_at',
  dev: 'dev',
  ino: 'ino',
};

const JSON_FIELDS = new Set<keyof DocumentPatch>(['lastError', 'warnings']);

/** A field's value as its column holds it (JSON fields as text). */
export function encodeField(field: keyof DocumentPatch, value: unknown): unknown {
  if (JSON_FIELDS.has(field)) return value === null || value === undefined ? null : JSON.stringify(value);
  return value;
}

/**
 * The fields of `patch` that differ from `document`. None: the transition was already made, so
 * the adapter writes nothing and appends no event.
 */
export function changedFields(document: DocumentRecord, patch: DocumentPatch): (keyof DocumentPatch)[] {
  return (Object.keys(patch) as (keyof DocumentPatch)[]).filter(
    (field) => patch[field] !== undefined && encodeField(field, patch[field]) !== encodeField(field, document[field]),
  );
}

/** The fields of a new version of the file. */
export function versionPatch(version: FileVersion): DocumentPatch {
  return {
    size: version.size,
    mtimeMs: version.mtimeMs,
    kind: version.kind,
    sha256: version.sha256,
    textHash: version.textHash,
    warnings: [...version.warnings],
    ...(version.dev !== undefined ? { dev: version.dev } : {}),
    ...(version.ino !== undefined ? { ino: version.ino } : {}),
  };
}

/** A LastError as an event's detail. */
export function errorDetail(error: LastError): JsonObject {
  const detail: JsonObject = { message: error.message };
  if (error.code !== undefined) detail.code = error.code;
  if (error.status !== undefined) detail.status = error.status;
  if (error.requestId !== undefined) detail.requestId = error.requestId;
  if (error.fingerprint !== undefined) detail.fingerprint = error.fingerprint;
  if (error.step !== undefined) detail.step = error.step;
  return detail;
}

/** States in which a document's recorded version is already on its way to (or in) Sensay. */
const VERSION_TAKEN_STATES: readonly DocumentState[] = ['queued', 'processing', 'ready', 'duplicate'];

/** Whether queueing `version` would upload content this document already has on its way. */
export function holdsVersion(document: DocumentRecord, version: FileVersion): boolean {
  return (
    VERSION_TAKEN_STATES.includes(document.state) &&
    document.sha256 !== null &&
    document.sha256 === version.sha256 &&
    document.textHash === version.textHash
  );
}
