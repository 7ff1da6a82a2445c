import type { ApiEntry, ApiListItem, EntryError, EntryStatus, EntryType, ProcessingStatus } from './api-types.js';
import type { StoredEntry, StoredUpload } from './entry-store.js';
import type { FailurePlan } from './failures.js';
import { mimeTypeOf } from './file-types.js';
import { progressAt } from './timeline.js';

export interface EntryState {
  readonly status: EntryStatus;
  readonly error: EntryError | null;
  readonly updatedAt: number;
}

/** A test-only snapshot of an entry: API-visible state plus what only the simulator knows. */
export interface SimEntry {
  readonly id: number;
  readonly replicaUUID: string;
  readonly type: EntryType;
  readonly title: string | null;
  readonly filename: string | null;
  readonly url: string | null;
  /** The text of a text entry: as posted, or as last set by a PATCH of `rawText`. */
  readonly text: string | null;
  readonly status: EntryStatus;
  readonly error: EntryError | null;
  readonly createdAt: number;
  readonly updatedAt: number;
  /** Size and SHA-256 (hex) of the bytes PUT to the signed URL, null until then. */
  readonly upload: StoredUpload | null;
  readonly signedUrlExpiresAt: number | null;
  /** This entry is the n-th created with its title (filename when untitled). */
  readonly createOrdinal: number;
  /** How many entries have been created with its title so far. */
  readonly createCount: number;
  readonly failure: FailurePlan | null;
  readonly deleted: boolean;
  readonly deletedAt: number | null;
}

export function stateOf(entry: StoredEntry, durations: Readonly<Record<ProcessingStatus, number>>, now: number): EntryState {
  const progress = progressAt(
    { type: entry.type, createdAt: entry.processingFrom, uploadedAt: entry.upload?.at ?? null, failure: entry.failure },
    durations,
    now,
  );
  const planned = progress.failed && entry.failure ? { message: entry.failure.message, fingerprint: entry.fingerprint } : null;
  return {
    status: progress.status,
    error: entry.patch.error ?? planned,
    updatedAt: Math.max(progress.since, entry.patchedAt),
  };
}

/** How the server shows an entry: its clock's offset, and the origin its download links point to. */
export interface EntryViewContext {
  readonly clockOffsetMs: number;
  readonly origin: string;
}

const PLAIN_VIEW: EntryViewContext = { clockOffsetMs: 0, origin: '' };

export function toListItem(entry: StoredEntry, state: EntryState, view: EntryViewContext = PLAIN_VIEW): ApiListItem {
  const item: ApiListItem = {
    id: entry.id,
    replicaUUID: entry.replicaUUID,
    type: entry.type,
    status: state.status,
    createdAt: new Date(entry.createdAt + view.clockOffsetMs).toISOString(),
    updatedAt: new Date(state.updatedAt + view.clockOffsetMs).toISOString(),
  };
  if (entry.title !== undefined) item.title = entry.title;
  if (entry.url !== undefined) item.url = entry.url;
  const { generatedTitle, summary, language } = entry.patch;
  if (generatedTitle !== undefined) item.generatedTitle = generatedTitle;
  if (summary !== undefined) item.summary = summary;
  if (language !== undefined) item.language = language;
  if (entry.type === 'file' && entry.filename !== undefined) {
    item.file = { name: entry.filename, size: entry.upload?.size ?? null, mimeType: mimeTypeOf(entry.filename) };
    const downloadURL = downloadUrlOf(entry, view.origin);
    if (downloadURL !== null) item.file.downloadURL = downloadURL;
  }
  if (entry.type === 'website' && entry.url !== undefined) item.website = { url: entry.url, autoRefresh: entry.autoRefresh };
  if (entry.type === 'youtube' && entry.url !== undefined) item.youtube = { url: entry.url };
  if (state.error) item.error = { ...state.error };
  return item;
}

/** The single-entry view: the list item plus the content fields and `success`. */
export function toApiEntry(entry: StoredEntry, state: EntryState, context: EntryViewContext = PLAIN_VIEW): ApiEntry {
  const view: ApiEntry = { ...toListItem(entry, state, context), success: true };
  const rawText = entry.patch.rawText ?? entry.text;
  if (rawText !== undefined) view.rawText = rawText;
  if (entry.patch.generatedFacts) view.generatedFacts = [...entry.patch.generatedFacts];
  if (entry.patch.rawTextChunks) view.rawTextChunks = entry.patch.rawTextChunks.map((c) => ({ ...c }));
  return view;
}

/** Where the stored bytes of a file entry can be read (same origin, the upload token as credential). */
export function downloadUrlOf(entry: StoredEntry, origin: string): string | null {
  if (entry.upload?.bytes === undefined || entry.uploadToken === null || origin === '') return null;
  return `${origin}/__download/${entry.replicaUUID}/${entry.id}?token=${entry.uploadToken}`;
}

export function toSimEntry(entry: StoredEntry, state: EntryState, createCount: number): SimEntry {
  return Object.freeze({
    id: entry.id,
    replicaUUID: entry.replicaUUID,
    type: entry.type,
    title: entry.title ?? null,
    filename: entry.filename ?? null,
    url: entry.url ?? null,
    text: entry.patch.rawText ?? entry.text ?? null,
    status: state.status,
    error: state.error ? { ...state.error } : null,
    createdAt: entry.createdAt,
    updatedAt: state.updatedAt,
    // The bytes stay in the simulator (served at file.downloadURL); the snapshot says what arrived.
    upload: entry.upload && { size: entry.upload.size, sha256: entry.upload.sha256, at: entry.upload.at },
    signedUrlExpiresAt: entry.signedUrlExpiresAt,
    createOrdinal: entry.createOrdinal,
    createCount,
    failure: entry.failure,
    deleted: entry.deletedAt !== null,
    deletedAt: entry.deletedAt,
  });
}
