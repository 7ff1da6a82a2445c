import type { Handler } from './context.js';
import { createEntry } from './handlers/create.js';
import { deleteEntry, getEntry, patchEntry } from './handlers/entry.js';
import { listEntries } from './handlers/list.js';
import { getFileTypes, legacyGone } from './handlers/static.js';
import { downloadFile } from './handlers/download.js';
import { uploadFile } from './handlers/upload.js';
import type { RequestScope } from './faults.js';

export interface Route {
  readonly method: string;
  /** Segments; `:name` captures one, a trailing `*` matches the rest. */
  readonly pattern: readonly string[];
  readonly handler: Handler;
  /** `api` routes need the secret, count toward requests per minute and may take a JSON body. */
  readonly scope: RequestScope;
  readonly jsonBody: boolean;
  readonly gone: boolean;
}

const route = (method: string, path: string, handler: Handler, extra: Partial<Pick<Route, 'scope' | 'gone'>> = {}): Route => ({
  method,
  pattern: path.split('/').filter(Boolean),
  handler,
  scope: extra.scope ?? 'api',
  jsonBody: (extra.scope ?? 'api') === 'api' && (method === 'POST' || method === 'PATCH' || method === 'PUT') && !extra.gone,
  gone: extra.gone ?? false,
});

/** The upload path lives beside the API on the same origin, as `/__upload/…?token=…`. */
export const UPLOAD_PREFIX = '/__upload/';
/** Stored file bytes (`file.downloadURL`), same origin, the token as credential. */
export const DOWNLOAD_PREFIX = '/__download/';

const KB = '/v1/replicas/:replicaUUID/knowledge-base';
export const ROUTES: readonly Route[] = Object.freeze([
  route('POST', KB, createEntry),
  route('GET', KB, listEntries),
  route('GET', `${KB}/:knowledgeBaseID`, getEntry),
  route('PATCH', `${KB}/:knowledgeBaseID`, patchEntry),
  route('DELETE', `${KB}/:knowledgeBaseID`, deleteEntry),
  route('GET', '/v1/knowledge-base/file-types', getFileTypes),
  route('POST', '/v1/replicas/:replicaUUID/training', legacyGone, { gone: true }),
  route('PUT', '/v1/replicas/:replicaUUID/training/:trainingID', legacyGone, { gone: true }),
  route('GET', '/v1/replicas/:replicaUUID/training/files/upload', legacyGone, { gone: true }),
  route('GET', '/v1/training/:trainingID', legacyGone, { gone: true }),
  route('DELETE', '/v1/training/:trainingID', legacyGone, { gone: true }),
  route('GET', '/v1/training', legacyGone, { gone: true }),
  route('PUT', `${UPLOAD_PREFIX}*`, uploadFile, { scope: 'upload' }),
  route('GET', `${DOWNLOAD_PREFIX}*`, downloadFile, { scope: 'upload' }),
]);

export type RouteMatch =
  | { kind: 'found'; route: Route; params: Record<string, string> }
  | { kind: 'wrong-method'; allowed: string[]; scope: RequestScope }
  | { kind: 'none' };

export function matchRoute(method: string, pathname: string): RouteMatch {
  const segments = pathname.split('/').filter(Boolean);
  const allowed: Route[] = [];
  for (const candidate of ROUTES) {
    const params = matchPattern(candidate.pattern, segments);
    if (!params) continue;
    if (candidate.method === method) return { kind: 'found', route: candidate, params };
    allowed.push(candidate);
  }
  if (allowed.length > 0) {
    return { kind: 'wrong-method', allowed: allowed.map((r) => r.method), scope: allowed[0]?.scope ?? 'api' };
  }
  return { kind: 'none' };
}

function matchPattern(pattern: readonly string[], segments: readonly string[]): Record<string, string> | null {
  const params: Record<string, string> = {};
  for (let i = 0; i < pattern.length; i++) {
    const part = pattern[i] ?? '';
    if (part === '*') return params;
    const segment = segments[i];
    if (segment === undefined) return null;
    if (part.startsWith(':')) {
      try {
        params[part.slice(1)] = decodeURIComponent(segment);
      } catch {
        return null;
      }
    } else if (part !== segment) {
      return null;
    }
  }
  return pattern.length === segments.length ? params : null;
}
