import type { Logger } from 'pino';
import { Agent, type Dispatcher } from 'undici';
import type { Clock } from '../clock/clock.js';
import { ApiRequester, type ApiCall } from './api-requester.js';
import { downloadDigest, type DownloadedDigest } from './entry-download.js';
import { SensayApiError } from './errors.js';
import { hasMultiValuedArray, listQuery, pageSizeOf, type ArrayStyle } from './list-query.js';
import { RequestLimiter, type RequestGate } from './request-limiter.js';
import { readCreateResponse, readEntry, readEntryPage, readFileTypes, type ReadResult } from './response-schemas.js';
import { defaultRetryPolicy, type RetryPolicy } from './retry-policy.js';
import { ServerClockTracker, type ClockOffset } from './server-clock.js';
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
import { userAgent as defaultUserAgent } from './user-agent.js';

export type * from './types.js';
export type { ClockOffset } from './server-clock.js';
export type { DownloadedDigest } from './entry-download.js';
export { QuotaExceededError, SensayApiError, SignedUrlExpiredError, type SensayErrorCode } from './errors.js';

export interface SensayClientOptions {
  /** API origin (and optional path prefix), e.g. `https://api.sensay.io`. The secret goes here only. */
  baseUrl: string;
  apiVersion: string;
  userId?: string | null;
  /**
   * Only for authenticating by a linked account's id (docs.sensay.io/authentication, method 3).
   * The schema's first security option (the org secret alone) never needs it, so it is not sent
   * unless configured.
   */
  userIdType?: string | null;
  secret: string;
  requestsPerMinute: number;
  /**
   * Where request permits come from when several hosts share `requestsPerMinute`. Default: this
   * process's own sliding window of `requestsPerMinute`.
   */
  limiter?: RequestGate;
  /** Per API request, including reading the body. Default 95 s (the API gives up at 90 s). */
  timeoutMs?: number;
  /** Per signed-URL PUT: 50 MB over a slow uplink needs more than the API timeout. Default 10 min. */
  uploadTimeoutMs?: number;
  clock: Clock;
  log: Logger;
  random?: () => number;
  /** Attempts per request including the first. Default 4. */
  maxAttempts?: number;
  /** Longest Retry-After waited out inside a request; longer ones are raised. Default 60 s. */
  maxRetryAfterMs?: number;
  userAgent?: string;
  /** Bring your own dispatcher (the client will not close it). Default: a keep-alive Agent it owns. */
  dispatcher?: Dispatcher;
}

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

export function createSensayClient(options: SensayClientOptions): SensayClient {
  const baseUrl = checkOptions(options);
  const log = options.log.child({ component: 'sensay' });
  const timeoutMs = options.timeoutMs ?? 95_000;
  const ownsDispatcher = options.dispatcher === undefined;
  const dispatcher =
    options.dispatcher ?? new Agent({ keepAliveTimeout: 10_000, headersTimeout: timeoutMs, bodyTimeout: timeoutMs, connect: { timeout: 10_000 } });
  const random = options.random ?? Math.random;
  const retryPolicy: RetryPolicy = Object.freeze({
    ...defaultRetryPolicy,
    maxAttempts: options.maxAttempts ?? defaultRetryPolicy.maxAttempts,
    maxRetryAfterMs: options.maxRetryAfterMs ?? defaultRetryPolicy.maxRetryAfterMs,
  });
  const userAgent = options.userAgent ?? defaultUserAgent;

  if (baseUrl.protocol === 'http:' && !isLoopback(baseUrl.hostname)) {
    log.warn({ origin: baseUrl.origin }, 'the API base URL is plain http: the organisation secret travels unencrypted');
  }

  const limiter = options.limiter ?? new RequestLimiter({ requestsPerMinute: options.requestsPerMinute, clock: options.clock });
  const serverClock = new ServerClockTracker();
  const api = new ApiRequester({
    baseUrl,
    headers: Object.freeze(apiHeaders(options, userAgent)),
    secret: options.secret,
    timeoutMs,
    dispatcher,
    limiter,
    serverClock,
    retryPolicy,
    clock: options.clock,
    log,
    random,
  });
  const uploadDeps = {
    dispatcher,
    userAgent,
    timeoutMs: options.uploadTimeoutMs ?? 600_000,
    retryPolicy,
    clock: options.clock,
    log,
    random,
  };

  /** Idempotent calls: either the parsed body or a thrown SensayApiError. */
  async function send<T>(call: ApiCall, read: (body: unknown, status: number) => ReadResult<T>): Promise<T> {
    const result = await api.call(call);
    if (!result.ok) throw result.error;
    const value = read(result.body, result.status);
    if (!value.ok) throw unexpected(call, result.status, value.problem);
    return value.value;
  }

  let closed: Promise<void> | undefined;
  let arrayStyle: ArrayStyle = 'comma';

  const client: SensayClient = {
    async createEntry(replicaUUID, input, opts = {}) {
      const json = 'filename' in input ? { title: input.title, filename: input.filename } : { title: input.title, text: input.text };
      const call: ApiCall = { method: 'POST', path: kbPath(replicaUUID), json, kind: 'create', signal: opts.signal };
      const result = await api.call(call);
      if (!result.ok) {
        if (result.ambiguous) return { ok: false, ambiguous: true, cause: result.error };
        throw result.error;
      }
      const read = readCreateResponse(result.body);
      const single = read.ok && read.value.length === 1 ? read.value[0] : undefined;
      if (!single) {
        const problem = read.ok ? `expected exactly one result, got ${read.value.length}` : read.problem;
        const cause = unexpected(call, result.status, problem);
        log.warn({ ...cause.toLogFields() }, 'sensay create answered unreadably; treating as ambiguous');
        return { ok: false, ambiguous: true, cause };
      }
      if (single.enqueued) {
        const accepted: CreateEntryResult = { ok: true, knowledgeBaseID: single.knowledgeBaseID, type: single.type };
        if (single.signedURL !== undefined) accepted.signedURL = single.signedURL;
        return accepted;
      }
      const error = typeof single.error === 'string' ? single.error : JSON.stringify(single.error ?? 'rejected');
      log.warn({ path: call.path, title: input.title, type: single.type, error }, 'sensay create rejected');
      return single.type === undefined ? { ok: false, ambiguous: false, error } : { ok: false, ambiguous: false, error, type: single.type };
    },

    uploadFile(signedURL, filePath, opts = {}) {
      return uploadToSignedUrl(uploadDeps, signedURL, filePath, opts);
    },

    async getEntry(replicaUUID, id, opts = {}) {
      const call: ApiCall = { method: 'GET', path: entryPath(replicaUUID, id), kind: 'idempotent', passStatuses: [404], signal: opts.signal };
      return send<KnowledgeBaseEntry | null>(call, (body, status) => (status === 404 ? { ok: true, value: null } : readEntry(body)));
    },

    async listEntries(replicaUUID, filters = {}, opts = {}) {
      const list = (style: ArrayStyle) =>
        send({ method: 'GET', path: kbPath(replicaUUID), query: listQuery(filters, style), kind: 'idempotent', signal: opts.signal }, readEntryPage);
      if (arrayStyle === 'repeat' || !hasMultiValuedArray(filters)) return list(arrayStyle);
      try {
        return await list('comma');
      } catch (error) {
        if (!(error instanceof SensayApiError) || error.code !== 'BAD_REQUEST') throw error;
        // A server that reads only repeated keys sees "A,B" as one invalid value: switch for good.
        const page = await list('repeat');
        arrayStyle = 'repeat';
        log.info('list filters: the server wants repeated keys (status=A&status=B); using them from now on');
        return page;
      }
    },

    async *iterateEntryPages(replicaUUID, filters = {}, opts = {}) {
      const pageSize = pageSizeOf(filters);
      if (pageSize === 0) throw new RangeError('Expected `pageSize` to be an integer from 1 to 100 when iterating, got `0`');
      const base: ListEntriesFilters = { sortBy: 'createdAt', sortOrder: 'asc', ...filters, pageSize };
      for (let page = filters.page ?? 1; ; page++) {
        const result = await client.listEntries(replicaUUID, { ...base, page }, opts);
        yield { ...result, page };
        if (result.items.length < pageSize || page * pageSize >= result.total) return;
      }
    },

    async *iterateEntries(replicaUUID, filters = {}, opts = {}) {
      for await (const page of client.iterateEntryPages(replicaUUID, filters, opts)) yield* page.items;
    },

    async countEntries(replicaUUID, filters = {}, opts = {}) {
      const page = await client.listEntries(replicaUUID, { ...filters, page: undefined, pageSize: 0 }, opts);
      return page.total;
    },

    async deleteEntry(replicaUUID, id, opts = {}) {
      const call: ApiCall = { method: 'DELETE', path: entryPath(replicaUUID, id), kind: 'idempotent', passStatuses: [404], signal: opts.signal };
      return send<DeleteEntryOutcome>(call, (_body, status) => ({
        ok: true,
        value: status === 404 ? 'already-gone' : status === 202 ? 'accepted' : 'deleted',
      }));
    },

    async patchEntry(replicaUUID, id, patch, opts = {}) {
      const json = {
        ...(patch.title !== undefined && { title: patch.title }),
        ...(patch.rawText !== undefined && { rawText: patch.rawText }),
      };
      // The same body sent twice leaves the entry as once: safe to repeat after a lost answer.
      const call: ApiCall = {
        method: 'PATCH',
        path: entryPath(replicaUUID, id),
        json,
        gzipAboveBytes: GZIP_ABOVE_BYTES,
        kind: 'idempotent',
        signal: opts.signal,
      };
      await send(call, () => ({ ok: true, value: undefined }));
    },

    getFileTypes(opts = {}) {
      return send({ method: 'GET', path: '/v1/knowledge-base/file-types', kind: 'idempotent', signal: opts.signal }, readFileTypes);
    },

    downloadDigest(downloadURL, opts) {
      return downloadDigest({ dispatcher, userAgent, timeoutMs, limiter }, downloadURL, opts);
    },

    serverClock: () => serverClock.current(),

    close() {
      closed ??= ownsDispatcher ? dispatcher.close() : Promise.resolve();
      return closed;
    },

    [Symbol.asyncDispose]() {
      return client.close();
    },
  };
  return client;
}

/** JSON bodies larger than this go gzipped (the PATCH schema allows `Content-Encoding: gzip`). */
export const GZIP_ABOVE_BYTES = 64 * 1024;

function apiHeaders(options: SensayClientOptions, userAgent: string): Record<string, string> {
  const headers: Record<string, string> = {
    'X-ORGANIZATION-SECRET': options.secret,
    'X-API-Version': options.apiVersion,
    'User-Agent': userAgent,
    Accept: 'application/json',
  };
  if (options.userId) headers['X-USER-ID'] = options.userId;
  if (options.userId && options.userIdType) headers['X-USER-ID-TYPE'] = options.userIdType;
  return headers;
}

function checkOptions(options: SensayClientOptions): URL {
  let url: URL;
  try {
    url = new URL(options.baseUrl);
  } catch {
    throw new TypeError(`Expected \`baseUrl\` to be an absolute http(s) URL, got \`${options.baseUrl}\``);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new TypeError(`Expected \`baseUrl\` to be an absolute http(s) URL, got \`${options.baseUrl}\``);
  }
  if (url.username || url.password || url.search || url.hash) {
    throw new TypeError('Expected `baseUrl` without credentials, query or fragment');
  }
  // The secret's value is never echoed, not even in this message.
  if (typeof options.secret !== 'string' || options.secret.trim() === '' || /[\r\n]/.test(options.secret)) {
    throw new TypeError('Expected `secret` to be a non-empty single-line string');
  }
  if (typeof options.apiVersion !== 'string' || options.apiVersion === '') {
    throw new TypeError(`Expected \`apiVersion\` to be a non-empty string, got \`${String(options.apiVersion)}\``);
  }
  for (const key of ['timeoutMs', 'uploadTimeoutMs', 'maxRetryAfterMs'] as const) {
    const value = options[key];
    if (value !== undefined && !(Number.isFinite(value) && value > 0)) {
      throw new TypeError(`Expected \`${key}\` to be a finite number > 0, got \`${value}\``);
    }
  }
  if (options.maxAttempts !== undefined && !(Number.isInteger(options.maxAttempts) && options.maxAttempts >= 1)) {
    throw new TypeError(`Expected \`maxAttempts\` to be an integer >= 1, got \`${options.maxAttempts}\``);
  }
  return url;
}

function kbPath(replicaUUID: string): string {
  return `/v1/replicas/${encodeURIComponent(replicaUUID)}/knowledge-base`;
}

function entryPath(replicaUUID: string, id: number): string {
  if (!Number.isSafeInteger(id) || id < 0) throw new RangeError(`Expected \`id\` to be a non-negative integer, got \`${id}\``);
  return `${kbPath(replicaUUID)}/${id}`;
}

function unexpected(call: ApiCall, status: number, problem: string): SensayApiError {
  return new SensayApiError({ method: call.method, path: call.path, status, code: 'UNEXPECTED_RESPONSE', message: `Unexpected response body: ${problem}` });
}

function isLoopback(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '::1' || hostname === '[::1]' || /^127\./.test(hostname);
}
