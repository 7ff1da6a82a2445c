import { validateClientOptions, warnIfSecretUnencrypted, type SensayClientOptions } from './client-options.js';
import { openTransport } from './client-transport.js';
import { downloadDigest, type DownloadedDigest } from './entry-download.js';
import { createEntryListing } from './entry-listing.js';
import { createEntry, deleteEntry, getEntry, getFileTypes, patchEntry } from './entry-requests.js';
import type { ClockOffset } from './server-clock.js';
import { uploadToSignedUrl } from './signed-upload.js';
import type {
  CreateEntryInput,
  CreateEntryResult,
  DeleteEntryOutcome,
  EntryPatch,
  EntryPage,
  KnowledgeBaseEntry,
  ListEntriesFilters,
  MediaGroup,
  RequestOptions,
  UploadFileOptions,
  UploadResult,
} from './types.js';

export type * from './types.js';
export type { ClockOffset } from './server-clock.js';
export type { DownloadedDigest } from './entry-download.js';
export type { SensayClientOptions } from './client-options.js';
export { GZIP_ABOVE_BYTES } from './entry-requests.js';
export { QuotaExceededError, SensayApiError, SignedUrlExpiredError, type SensayErrorCode } from './errors.js';

/** The port the engine depends on; tests may hand the engine a fake with this shape. */
export interface SensayClient {
  createEntry(replicaUUID: string, input: CreateEntryInput, options?: RequestOptions): Promise<CreateEntryResult>;
  uploadFile(signedURL: string, filePath: string, options?: UploadFileOptions): Promise<UploadResult>;
  /** null when the entry does not exist (404). */
  getEntry(replicaUUID: string, id: number, options?: RequestOptions): Promise<KnowledgeBaseEntry | null>;
  /** One page. `pageSize` defaults to 100. */
  listEntries(replicaUUID: string, filters?: ListEntriesFilters, options?: RequestOptions): Promise<EntryPage>;
  /** Every entry matching the filters, page by page (default oldest first, so new entries don't shift pages). */
  iterateEntries(replicaUUID: string, filters?: ListEntriesFilters, options?: RequestOptions): AsyncIterable<KnowledgeBaseEntry>;
  iterateEntryPages(
    replicaUUID: string,
    filters?: ListEntriesFilters,
    options?: RequestOptions,
  ): AsyncIterable<EntryPage & { page: number }>;
  /** The number of entries matching the filters, in one request (pageSize=0). */
  countEntries(replicaUUID: string, filters?: Omit<ListEntriesFilters, 'page' | 'pageSize'>, options?: RequestOptions): Promise<number>;
  deleteEntry(replicaUUID: string, id: number, options?: RequestOptions): Promise<DeleteEntryOutcome>;
  /**
   * PATCH of an entry's title and/or its text. A new `rawText` makes Sensay process the entry
   * again (status back to processing, then READY); a body over 64 KiB is sent gzipped.
   */
  patchEntry(replicaUUID: string, id: number, patch: EntryPatch, options?: RequestOptions): Promise<void>;
  getFileTypes(options?: RequestOptions): Promise<MediaGroup[]>;
  /**
   * Hashes the bytes behind an entry's `file.downloadURL` (no Sensay header goes there), reading
   * at most `maxBytes + 1`; counted by the request limiter.
   */
  downloadDigest(downloadURL: string, options: { maxBytes: number; signal?: AbortSignal }): Promise<DownloadedDigest>;
  /** The server's clock against ours, from the `Date` header of every answer so far. */
  serverClock(): ClockOffset;
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

/**
 * The API client: options checked, one transport (pool, limiter, server clock, requester) shared
 * by every call, each endpoint a small function of its own (`entry-requests`, `entry-listing`).
 */
export function createSensayClient(options: SensayClientOptions): SensayClient {
  const baseUrl = validateClientOptions(options);
  const log = options.log.child({ component: 'sensay' });
  warnIfSecretUnencrypted(baseUrl, log);
  const transport = openTransport(options, baseUrl, log);
  const api = transport.requester;
  const client: SensayClient = {
    createEntry: (replicaUUID, input, opts) => createEntry(api, log, replicaUUID, input, opts),
    uploadFile: (signedURL, filePath, opts = {}) => uploadToSignedUrl(transport.upload, signedURL, filePath, opts),
    getEntry: (replicaUUID, id, opts) => getEntry(api, replicaUUID, id, opts),
    ...createEntryListing(api, log),
    deleteEntry: (replicaUUID, id, opts) => deleteEntry(api, replicaUUID, id, opts),
    patchEntry: (replicaUUID, id, patch, opts) => patchEntry(api, replicaUUID, id, patch, opts),
    getFileTypes: (opts) => getFileTypes(api, opts),
    downloadDigest: (downloadURL, opts) => downloadDigest(transport.download, downloadURL, opts),
    serverClock: () => transport.serverClock.current(),
    close: () => transport.close(),
    [Symbol.asyncDispose]: () => transport.close(),
  };
  return client;
}
