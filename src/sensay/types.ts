import type { FileHandle } from 'node:fs/promises';
import type { paths } from './generated/api.js';
import type { SensayApiError } from './errors.js';

/**
 * The client's public data types, derived from the generated OpenAPI types and widened where a
 * live API may legitimately say more than the schema (unknown statuses, extra fields).
 */

/** Any string, while editors still offer the known literals. */
type AnyString = string & Record<never, never>;

type KnowledgeBase = paths['/v1/replicas/{replicaUUID}/knowledge-base'];
type KnowledgeBaseEntryPath = paths['/v1/replicas/{replicaUUID}/knowledge-base/{knowledgeBaseID}'];
type GetEntryBody = KnowledgeBaseEntryPath['get']['responses'][200]['content']['application/json'];
type FileTypesBody = paths['/v1/knowledge-base/file-types']['get']['responses'][200]['content']['application/json'];

export type EntryType = GetEntryBody['type'];
/** The seven statuses the schema lists. */
export type KnowledgeBaseStatus = GetEntryBody['status'];
/** A status as read from the wire: a known one, a legacy one, or one invented after this release. */
export type EntryStatus = KnowledgeBaseStatus | AnyString;

/**
 * One entry. List items carry a subset of these fields (no rawText, generatedFacts, rawTextChunks).
 * Fields the schema does not know (e.g. `vectorEntryID`) are kept as they came.
 */
export type KnowledgeBaseEntry = Omit<GetEntryBody, 'success' | 'status' | 'type'> & {
  status: EntryStatus;
  type: EntryType | AnyString;
  [extra: string]: unknown;
};

/** What a PATCH may change; at least one field. `rawText` must not be empty (minLength 1). */
export type EntryPatch = { title: string; rawText?: string } | { title?: string; rawText: string };

export type CreateEntryInput = { title: string; filename: string } | { title: string; text: string };

export type CreateEntryRequestBody = NonNullable<KnowledgeBase['post']['requestBody']>['content']['application/json'];

/**
 * The single result of a create.
 * - `ok: true`: the entry exists; for a file entry `signedURL` is where its bytes go.
 * - `ok: false, ambiguous: false`: the API refused this input (`enqueued: false`); no entry exists.
 * - `ok: false, ambiguous: true`: the request may or may not have created an entry (timeout,
 *   reset after sending, 5xx, unreadable 2xx). Not retried: reconcile by listing entries.
 */
export type CreateEntryResult =
  | { ok: true; knowledgeBaseID: number; signedURL?: string; type: EntryType | AnyString }
  | { ok: false; ambiguous: false; error: string; type?: EntryType | AnyString }
  | { ok: false; ambiguous: true; cause: SensayApiError };

export interface ListEntriesFilters {
  status?: readonly EntryStatus[];
  type?: readonly EntryType[];
  hasError?: boolean;
  /** At least 3 characters (the API's rule); matches title, filename or URL. */
  search?: string;
  page?: number;
  /** 0–100; default 100. 0 returns only `total`. */
  pageSize?: number;
  sortBy?: 'createdAt';
  sortOrder?: 'asc' | 'desc';
}

export interface EntryPage {
  items: KnowledgeBaseEntry[];
  total: number;
}

export type DeleteEntryOutcome = 'deleted' | 'accepted' | 'already-gone';

export type MediaGroup = FileTypesBody['mediaGroups'][number];

export interface UploadFileOptions {
  /** The size extraction saw; a different size on disk now means the file changed: no upload. */
  expectedSize?: number;
  /**
   * Stream from this open descriptor (checked by the caller to be the scanned file) instead of
   * opening the path: a file swapped in under the path is never read. The caller closes it.
   */
  handle?: FileHandle;
  signal?: AbortSignal;
}

export interface UploadResult {
  bytes: number;
  /** sha256 (hex) of exactly the bytes sent, computed while streaming. */
  sha256: string;
  status: number;
}

export interface RequestOptions {
  signal?: AbortSignal;
}
