import { Agent, request } from 'undici';
import { sharedValidator, type OpenApiValidator } from './openapi-validator.js';

/**
 * A deliberately raw HTTP helper for the simulator's own tests (not the real client): it sends
 * exactly what it is told, and passes EVERY response through the OpenAPI validator, so a schema
 * violation fails the test that received it.
 */
export interface RawResponse<T = any> { // eslint-disable-line @typescript-eslint/no-explicit-any
  status: number;
  headers: Record<string, string>;
  /** Parsed JSON when the response was JSON, else undefined. */
  body: T;
  text: string;
}

export type Query = string | Record<string, string | number | boolean | readonly (string | number)[]>;

export interface RawRequest {
  /** A raw `a=b&c=d` string, or an object whose array values become repeated keys. */
  query?: Query;
  /** Serialised as JSON. */
  json?: unknown;
  /** Sent as is (use for malformed bodies and uploads). */
  raw?: string | Buffer;
  headers?: Record<string, string>;
  /** The organisation secret; null leaves the header out. Default: the simulator's. */
  secret?: string | null;
  /** Content-Type; null leaves it out. Default: application/json when there is a body. */
  contentType?: string | null;
  signal?: AbortSignal;
}

export class SimClient {
  readonly baseUrl: string;
  readonly secret: string;
  readonly #validator: OpenApiValidator;
  readonly #agent = new Agent({ keepAliveTimeout: 1_000 });
  /** Every response this client received, already validated. */
  readonly seen: { method: string; path: string; status: number }[] = [];

  constructor(sim: { url: string; secret: string }, validator: OpenApiValidator = sharedValidator()) {
    this.baseUrl = sim.url;
    this.secret = sim.secret;
    this.#validator = validator;
  }

  async send(method: string, pathOrUrl: string, options: RawRequest = {}): Promise<RawResponse> {
    const url = new URL(pathOrUrl, this.baseUrl);
    appendQuery(url, options.query);
    const headers: Record<string, string> = { ...options.headers };
    const secret = options.secret === undefined ? this.secret : options.secret;
    if (secret !== null) headers['x-organization-secret'] = secret;
    const body = options.json !== undefined ? JSON.stringify(options.json) : options.raw;
    const contentType = options.contentType === undefined ? (body !== undefined ? 'application/json' : null) : options.contentType;
    if (contentType !== null) headers['content-type'] = contentType;
    const response = await request(url, {
      method: method as 'GET',
      headers,
      body,
      signal: options.signal,
      dispatcher: this.#agent,
    });
    const text = await response.body.text();
    const flatHeaders: Record<string, string> = {};
    for (const [name, value] of Object.entries(response.headers)) {
      if (value !== undefined) flatHeaders[name] = Array.isArray(value) ? value.join(', ') : value;
    }
    const isJson = /^application\/json\b/i.test(flatHeaders['content-type'] ?? '');
    const parsed: unknown = isJson && text.length > 0 ? JSON.parse(text) : undefined;
    this.#validator.assertValid({ method, path: url.pathname, status: response.statusCode, contentType: flatHeaders['content-type'], body: parsed });
    this.seen.push({ method, path: url.pathname, status: response.statusCode });
    return { status: response.statusCode, headers: flatHeaders, body: parsed, text };
  }

  get(path: string, options?: RawRequest) {
    return this.send('GET', path, options);
  }
  post(path: string, json: unknown, options?: RawRequest) {
    return this.send('POST', path, { ...options, json });
  }
  patch(path: string, json: unknown, options?: RawRequest) {
    return this.send('PATCH', path, { ...options, json });
  }
  delete(path: string, options?: RawRequest) {
    return this.send('DELETE', path, options);
  }
  /** PUT bytes to a signed URL the way the protocol says: octet-stream, no secret. */
  upload(signedURL: string, bytes: string | Buffer, options: RawRequest = {}) {
    return this.send('PUT', signedURL, { secret: null, contentType: 'application/octet-stream', raw: bytes, ...options });
  }

  close(): Promise<void> {
    return this.#agent.close();
  }
}

export const kbPath = (replicaUUID: string, id?: number | string) =>
  `/v1/replicas/${replicaUUID}/knowledge-base${id === undefined ? '' : `/${id}`}`;

function appendQuery(url: URL, query: Query | undefined): void {
  if (query === undefined) return;
  if (typeof query === 'string') {
    url.search = query;
    return;
  }
  for (const [key, value] of Object.entries(query)) {
    const values = Array.isArray(value) ? value : [value];
    for (const v of values) url.searchParams.append(key, String(v));
  }
}

/** Replica UUIDs for tests (the simulator accepts any UUID unless told otherwise). */
export const REPLICA = '03db5651-cb61-4bdf-9ef0-89561f7c9c53';
export const OTHER_REPLICA = '9b2f8a1e-4c3d-4e5f-8a6b-7c8d9e0f1a2b';
