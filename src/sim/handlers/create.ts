import type { ApiCreateResponse, ApiCreateResult, EntryType } from '../api-types.js';
import type { Handler } from '../context.js';
import type { StoredEntry } from '../entry-store.js';
import { fileTypeOf } from '../file-types.js';
import { apiError, json } from '../reply.js';
import { checkCreateBody, type CreateBody } from '../request-validation.js';
import { retryAfterSeconds } from '../sliding-window.js';
import { resolveReplica } from './replica.js';

export const QUOTA_CODE = 'KNOWLEDGE_BASE_CUSTOM_QUOTA_EXCEEDED';
export const UPLOAD_RATE_CODE = 'UPLOAD_RATE_LIMIT_EXCEEDED';

type Source = { type: EntryType; rejected: string | null };

/** POST /v1/replicas/{replicaUUID}/knowledge-base — always one source, so one result. */
export const createEntry: Handler = (sim, request) => {
  const replica = resolveReplica(sim, request);
  if (!replica.ok) return replica.reply;
  const checked = checkCreateBody(request.body);
  if (!checked.ok) return apiError(400, request.requestId, checked.detail, { code: 'INVALID_REQUEST_BODY' });
  const body = checked.value;
  const source = sourceOf(body);
  if (source.rejected !== null) {
    const rejected: ApiCreateResult = { type: source.type, enqueued: false, error: source.rejected };
    return json(207, { success: false, results: [rejected] } satisfies ApiCreateResponse);
  }
  if (body.url !== undefined && sim.store.hasLiveUrl(replica.uuid, body.url)) {
    return apiError(409, request.requestId, 'URL already exists in the knowledge base', { code: 'KNOWLEDGE_BASE_URL_ALREADY_EXISTS' });
  }
  if (sim.quota) {
    sim.stats.quotaRejected++;
    const used = sim.store.live(replica.uuid).length;
    const message =
      `Replica owner knowledge base entry custom quota exceeded. Current usage: ${used}/${used}. ` +
      'To fix this, either increase the totalUserQuota value or remove some existing Knowledge Base entries.';
    return apiError(429, request.requestId, message, { code: QUOTA_CODE });
  }
  // Sensay does not say whether the POST or the PUT counts; counting the POST is the strict reading.
  const slot = sim.uploadsWindow.tryAcquire(request.now);
  if (!slot.ok) {
    sim.stats.throttled++;
    sim.stats.throttledUploads++;
    const seconds = retryAfterSeconds(slot.retryAfterMs);
    return apiError(429, request.requestId, `Upload limit of ${sim.config.uploadsPerHour} per hour reached; retry in ${seconds} s`, {
      code: UPLOAD_RATE_CODE,
      headers: { 'retry-after': String(seconds) },
    });
  }
  const entry = sim.store.create({ replicaUUID: replica.uuid, type: source.type, ...body }, request.now);
  sim.stats.creates++;
  const timeout = sim.faults.takeCreateTimeout();
  if (timeout) {
    sim.stats.createTimeouts++;
    return { kind: timeout };
  }
  return json(207, { success: true, results: [resultFor(sim.origin, entry)] } satisfies ApiCreateResponse);
};

function resultFor(origin: string, entry: StoredEntry): ApiCreateResult {
  const result: ApiCreateResult = { type: entry.type, enqueued: true, knowledgeBaseID: entry.id };
  if (entry.uploadToken !== null && entry.filename !== undefined) {
    const name = encodeURIComponent(entry.filename.split('/').pop() ?? entry.filename);
    result.signedURL = `${origin}/__upload/${entry.replicaUUID}/${entry.id}/${name}?token=${entry.uploadToken}`;
  }
  return result;
}

function sourceOf(body: CreateBody): Source {
  if (body.text !== undefined) return { type: 'text', rejected: null };
  if (body.filename !== undefined) {
    return fileTypeOf(body.filename)
      ? { type: 'file', rejected: null }
      : { type: 'file', rejected: `Unsupported file type: "${body.filename}"` };
  }
  return urlSource(body.url ?? '');
}

function urlSource(url: string): Source {
  let host: string;
  try {
    host = new URL(url).hostname.toLowerCase();
  } catch {
    return { type: 'website', rejected: `Invalid URL: "${url}"` };
  }
  const isYoutube = ['youtube.com', 'www.youtube.com', 'm.youtube.com', 'youtu.be'].includes(host);
  if (host === 'google.com' || host.endsWith('.google.com')) {
    return { type: 'website', rejected: 'Google domains are not supported' };
  }
  return { type: isYoutube ? 'youtube' : 'website', rejected: null };
}
