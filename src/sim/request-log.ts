import type { IncomingHttpHeaders } from 'node:http';

export const SECRET_HEADER = 'x-organization-secret';
/** What `requests()` shows instead of the secret header's value. */
export const SECRET_CORRECT = '<secret:correct>';
export const SECRET_WRONG = '<secret:wrong>';
/** Replaces the secret wherever else it turns up (a URL, another header): a leak made visible. */
export const SECRET_ELSEWHERE = '<secret:leaked>';

/** `answered` with a status, or how the request ended without one. */
export type RequestOutcome = 'pending' | 'answered' | 'dropped' | 'hung' | 'aborted';

export interface RecordedRequest {
  readonly seq: number;
  /** Simulator-clock time the request arrived. */
  readonly at: number;
  readonly method: string;
  readonly path: string;
  readonly query: Readonly<Record<string, string | string[]>>;
  /** Lower-case names; the secret header's value is one of the SECRET_* markers. */
  readonly headers: Readonly<Record<string, string>>;
  readonly status: number | null;
  readonly outcome: RequestOutcome;
  readonly requestId: string;
  /** The client's address as the server saw it (e.g. `127.0.0.1`); `''` when the socket had none. */
  readonly remoteAddress: string;
}

/** The live record the server fills in as the request ends. */
export type MutableRecord = { -readonly [K in keyof RecordedRequest]: RecordedRequest[K] };

/** Recent requests, oldest dropped first once `max` is reached. */
export class RequestLog {
  readonly #secret: string;
  readonly #max: number;
  #records: MutableRecord[] = [];

  constructor(secret: string, max: number) {
    this.#secret = secret;
    this.#max = max;
  }

  start(fields: {
    seq: number;
    at: number;
    method: string;
    url: URL;
    headers: IncomingHttpHeaders;
    requestId: string;
    remoteAddress: string | undefined;
  }): MutableRecord {
    const query: Record<string, string | string[]> = {};
    for (const key of new Set(fields.url.searchParams.keys())) {
      const values = fields.url.searchParams.getAll(key).map((v) => this.#scrub(v));
      query[this.#scrub(key)] = values.length === 1 ? (values[0] ?? '') : values;
    }
    const record: MutableRecord = {
      seq: fields.seq,
      at: fields.at,
      method: fields.method,
      path: this.#scrub(fields.url.pathname),
      query,
      headers: this.#headers(fields.headers),
      status: null,
      outcome: 'pending',
      requestId: fields.requestId,
      remoteAddress: fields.remoteAddress ?? '',
    };
    this.#records.push(record);
    // Trimmed in batches so a long benchmark run does not copy the log on every request.
    if (this.#records.length >= 2 * this.#max) this.#records = this.#records.slice(-this.#max);
    return record;
  }

  snapshot(): RecordedRequest[] {
    return this.#records.slice(-this.#max).map((r) => Object.freeze({ ...r }));
  }

  #headers(headers: IncomingHttpHeaders): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [name, raw] of Object.entries(headers)) {
      if (raw === undefined) continue;
      const value = Array.isArray(raw) ? raw.join(', ') : raw;
      out[name] = name === SECRET_HEADER ? (value === this.#secret ? SECRET_CORRECT : SECRET_WRONG) : this.#scrub(value);
    }
    return out;
  }

  #scrub(value: string): string {
    return value.includes(this.#secret) ? value.split(this.#secret).join(SECRET_ELSEWHERE) : value;
  }
}

/** Counters of what the simulator did; operation counts include successful calls only. */
export interface SimStats {
  /** Every HTTP request received, signed uploads and refused ones included. */
  requests: number;
  /** Entries created (a dropped create answer still counts: the entry exists). */
  creates: number;
  /** Successful PUTs to signed URLs. */
  uploads: number;
  /** Successful reads of a file entry's `downloadURL`. */
  downloads: number;
  gets: number;
  lists: number;
  patches: number;
  /** Of those, PATCHes that set `rawText` (the entry is processed again). */
  rawTextPatches: number;
  deletes: number;
  fileTypes: number;
  /** 429s with `Retry-After` (either sliding window). */
  throttled: number;
  throttledUploads: number;
  throttledRequests: number;
  quotaRejected: number;
  unauthorized: number;
  injectedErrors: number;
  dropped: number;
  createTimeouts: number;
  /** Signed-URL uploads that carried X-ORGANIZATION-SECRET (a client must never send it there). */
  secretSentToUpload: number;
  byStatus: Record<string, number>;
}

export function emptyStats(): SimStats {
  return {
    requests: 0,
    creates: 0,
    uploads: 0,
    downloads: 0,
    gets: 0,
    lists: 0,
    patches: 0,
    rawTextPatches: 0,
    deletes: 0,
    fileTypes: 0,
    throttled: 0,
    throttledUploads: 0,
    throttledRequests: 0,
    quotaRejected: 0,
    unauthorized: 0,
    injectedErrors: 0,
    dropped: 0,
    createTimeouts: 0,
    secretSentToUpload: 0,
    byStatus: {},
  };
}
