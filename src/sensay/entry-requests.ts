import type { Logger } from 'pino';
import type { ApiCall, ApiRequester } from './api-requester.js';
import { SensayApiError } from './errors.js';
import { readCreateResponse, readEntry, readFileTypes, type ReadResult } from './response-schemas.js';
import type {
  CreateEntryInput,
  CreateEntryResult,
  DeleteEntryOutcome,
  EntryPatch,
  KnowledgeBaseEntry,
  MediaGroup,
  RequestOptions,
} from './types.js';

/** JSON bodies larger than this go gzipped (the PATCH schema allows `Content-Encoding: gzip`). */
export const GZIP_ABOVE_BYTES = 64 * 1024;

/** The knowledge-base endpoints of one replica, one request each. */

export function kbPath(replicaUUID: string): string {
  return `/v1/replicas/${encodeURIComponent(replicaUUID)}/knowledge-base`;
}

function entryPath(replicaUUID: string, id: number): string {
  if (!Number.isSafeInteger(id) || id < 0) throw new RangeError(`Expected \`id\` to be a non-negative integer, got \`${id}\``);
  return `${kbPath(replicaUUID)}/${id}`;
}

/** An idempotent call: the parsed body, or a thrown SensayApiError. */
export async function sendIdempotent<T>(api: ApiRequester, call: ApiCall, read: (body: unknown, status: number) => ReadResult<T>): Promise<T> {
  const result = await api.call(call);
  if (!result.ok) throw result.error;
  const value = read(result.body, result.status);
  if (!value.ok) throw unexpectedResponse(call, result.status, value.problem);
  return value.value;
}

function unexpectedResponse(call: ApiCall, status: number, problem: string): SensayApiError {
  return new SensayApiError({ method: call.method, path: call.path, status, code: 'UNEXPECTED_RESPONSE', message: `Unexpected response body: ${problem}` });
}

/**
 * POST of a new entry. Never retried blindly: an answer lost on the way (5xx, timeout, reset) or
 * unreadable comes back as `ambiguous`, for the caller to reconcile; a refusal throws.
 */
export async function createEntry(
  api: ApiRequester,
  log: Logger,
  replicaUUID: string,
  input: CreateEntryInput,
  opts: RequestOptions = {},
): Promise<CreateEntryResult> {
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
    const cause = unexpectedResponse(call, result.status, problem);
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
}

/** null when the entry does not exist (404). */
export function getEntry(api: ApiRequester, replicaUUID: string, id: number, opts: RequestOptions = {}): Promise<KnowledgeBaseEntry | null> {
  const call: ApiCall = { method: 'GET', path: entryPath(replicaUUID, id), kind: 'idempotent', passStatuses: [404], signal: opts.signal };
  return sendIdempotent<KnowledgeBaseEntry | null>(api, call, (body, status) => (status === 404 ? { ok: true, value: null } : readEntry(body)));
}

/** An entry already gone (404) counts as deleted. */
export function deleteEntry(api: ApiRequester, replicaUUID: string, id: number, opts: RequestOptions = {}): Promise<DeleteEntryOutcome> {
  const call: ApiCall = { method: 'DELETE', path: entryPath(replicaUUID, id), kind: 'idempotent', passStatuses: [404], signal: opts.signal };
  return sendIdempotent<DeleteEntryOutcome>(api, call, (_body, status) => ({
    ok: true,
    value: status === 404 ? 'already-gone' : status === 202 ? 'accepted' : 'deleted',
  }));
}

export async function patchEntry(api: ApiRequester, replicaUUID: string, id: number, patch: EntryPatch, opts: RequestOptions = {}): Promise<void> {
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
  await sendIdempotent(api, call, () => ({ ok: true, value: undefined }));
}

export function getFileTypes(api: ApiRequester, opts: RequestOptions = {}): Promise<MediaGroup[]> {
  return sendIdempotent(api, { method: 'GET', path: '/v1/knowledge-base/file-types', kind: 'idempotent', signal: opts.signal }, readFileTypes);
}
