import type { DocumentRecord, DocumentState, LastError } from './documents.js';
import type { EventRecord } from './events.js';
import type { JobKind, JobRecord, JobState } from './jobs.js';
import type { JsonObject, JsonValue } from './json-value.js';

/** Column-for-column shapes of the tables, and their mapping to the port's records. */

export interface DocumentRow {
  id: number;
  source_name: string;
  rel_path: string;
  replica_uuid: string;
  kind: string | null;
  size: number;
  mtime_ms: number;
  sha256: string | null;
  text_hash: string | null;
  state: DocumentState;
  entry_id: number | null;
  previous_entry_id: number | null;
  attempts: number;
  last_error: string | null;
  reject_reason: string | null;
  reject_detail: string | null;
  duplicate_of: number | null;
  warnings: string;
  discovered_at: number;
  updated_at: number;
  state_since: number;
  next_attempt_at: number | null;
  dev: number | null;
  ino: number | null;
}

export interface JobRow {
  id: number;
  document_id: number;
  kind: JobKind;
  state: JobState;
  priority: number;
  not_before: number;
  owner: string | null;
  lease_until: number | null;
  claims: number;
  lease_generation: number;
  outages: number;
  payload: string;
  last_error: string | null;
  created_at: number;
  updated_at: number;
  finished_at: number | null;
}

export interface EventRow {
  id: number;
  at: number;
  document_id: number | null;
  source_name: string | null;
  rel_path: string | null;
  type: string;
  detail: string | null;
}

/** An event as a transition appends it (source and path copied from the document). */
export interface EventRowInput {
  at: number;
  type: string;
  documentId: number | null;
  sourceName: string | null;
  relPath: string | null;
  detail: JsonObject | null;
}

export function toDocument(row: DocumentRow): DocumentRecord {
  return {
    id: row.id,
    sourceName: row.source_name,
    relPath: row.rel_path,
    replicaUUID: row.replica_uuid,
    kind: row.kind,
    size: row.size,
    mtimeMs: row.mtime_ms,
    sha256: row.sha256,
    textHash: row.text_hash,
    state: row.state,
    entryId: row.entry_id,
    previousEntryId: row.previous_entry_id,
    attempts: row.attempts,
    lastError: parseJson<LastError>(row.last_error),
    rejectReason: row.reject_reason,
    rejectDetail: row.reject_detail,
    duplicateOf: row.duplicate_of,
    warnings: parseJson<string[]>(row.warnings) ?? [],
    discoveredAt: row.discovered_at,
    updatedAt: row.updated_at,
    stateSince: row.state_since,
    nextAttemptAt: row.next_attempt_at,
    dev: row.dev,
    ino: row.ino,
  };
}

export function toJob(row: JobRow): JobRecord {
  return {
    id: row.id,
    documentId: row.document_id,
    kind: row.kind,
    state: row.state,
    priority: row.priority,
    notBefore: row.not_before,
    owner: row.owner,
    leaseUntil: row.lease_until,
    claims: row.claims,
    leaseGeneration: row.lease_generation,
    outages: row.outages,
    payload: parseJson<JsonValue>(row.payload) ?? null,
    lastError: parseJson<LastError>(row.last_error),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    finishedAt: row.finished_at,
  };
}

export function toEvent(row: EventRow): EventRecord {
  return {
    id: row.id,
    at: row.at,
    documentId: row.document_id,
    sourceName: row.source_name,
    relPath: row.rel_path,
    type: row.type,
    detail: parseJson<JsonObject>(row.detail),
  };
}

export function parseJson<T>(text: string | null): T | null {
  return text === null ? null : (JSON.parse(text) as T);
}

export function jsonOrNull(value: unknown): string | null {
  return value === null || value === undefined ? null : JSON.stringify(value);
}
