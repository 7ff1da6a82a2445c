import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { SimContext } from './context.js';
import { EntryStore } from './entry-store.js';
import { stateOf, toSimEntry, type SimEntry } from './entry-view.js';
import { FaultState, type FaultOptions } from './faults.js';
import { normaliseOptions, type SimulatorOptions } from './options.js';
import { emptyStats, RequestLog, type RecordedRequest, type SimStats } from './request-log.js';
import { createRequestListener } from './server.js';
import { SlidingWindow } from './sliding-window.js';

/** A running simulator. Everything but `close` is synchronous and safe to call at any time. */
export interface Simulator {
  /** Base URL of the API, e.g. `http://127.0.0.1:43817` (no trailing slash). */
  readonly url: string;
  /** The organisation secret it expects in `X-ORGANIZATION-SECRET`. */
  readonly secret: string;
  /** Stops listening and cuts every open connection (hung and slow requests included). Idempotent. */
  close(): Promise<void>;
  /** Every entry ever created, deleted ones flagged, in id order, as of the simulator's clock now. */
  entries(): SimEntry[];
  /** Recent requests (see `maxRecordedRequests`), the secret replaced by a marker. */
  requests(): RecordedRequest[];
  stats(): SimStats;
  /** Changes faults at runtime; see {@link FaultOptions}. */
  inject(faults: FaultOptions): void;
  resetFaults(): void;
  setQuota(on: boolean): void;
}

const HOUR_MS = 3_600_000;
const MINUTE_MS = 60_000;

/**
 * Starts the Sensay simulator on `options.host`:`options.port` (127.0.0.1:0 by default): a real
 * HTTP server for `openapi/knowledge-base.openapi.json` whose every response body follows that
 * schema. Choices where the API is silent:
 * - the legacy `/training` endpoints answer 410 Gone (removed upstream on 2025-10-08);
 * - an unknown path answers 404, a known path with another method 405 (+ `Allow`);
 * - a create must name exactly one of text/filename/url (else 400); an unsupported file
 *   extension or a Google URL is a 207 result with `enqueued: false` and creates nothing;
 * - signed uploads (`/__upload/…?token=…`, same origin) need `Content-Type:
 *   application/octet-stream` (415), refuse forged or expired tokens (403), a second upload
 *   (409) and more than `maxUploadBytes` (413);
 * - error codes: UNAUTHORIZED, INVALID_PARAMETER, INVALID_REQUEST_BODY, UNSUPPORTED_MEDIA_TYPE,
 *   PAYLOAD_TOO_LARGE, REQUEST_RATE_LIMIT_EXCEEDED, UPLOAD_RATE_LIMIT_EXCEEDED,
 *   KNOWLEDGE_BASE_CUSTOM_QUOTA_EXCEEDED, KNOWLEDGE_BASE_URL_ALREADY_EXISTS, SIGNED_URL_EXPIRED,
 *   INVALID_SIGNATURE, ALREADY_UPLOADED, METHOD_NOT_ALLOWED, ENDPOINT_REMOVED; 404s carry none
 *   (as in the schema's ErrorNotFound).
 */
export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  const config = normaliseOptions(options);
  const closing = new AbortController();
  const sim: SimContext = {
    config,
    store: new EntryStore(config.failures, config.signedUrlTtlMs),
    faults: new FaultState(config.faults),
    uploadsWindow: new SlidingWindow(config.uploadsPerHour, HOUR_MS),
    requestsWindow: new SlidingWindow(config.requestsPerMinute, MINUTE_MS),
    stats: emptyStats(),
    origin: '',
    quota: config.quota,
    closing: closing.signal,
  };
  const requestLog = new RequestLog(config.secret, config.maxRecordedRequests);
  const server = createServer(createRequestListener(sim, requestLog));
  await listen(server, config.port, config.host);
  sim.origin = originOf(server.address() as AddressInfo);
  let closed: Promise<void> | null = null;

  return {
    url: sim.origin,
    secret: config.secret,
    close: () => (closed ??= shutdown(server, closing)),
    entries: () => {
      const now = config.clock.now();
      return sim.store.all().map((e) => toSimEntry(e, stateOf(e, config.durations, now), sim.store.createCount(e.titleKey)));
    },
    requests: () => requestLog.snapshot(),
    stats: () => structuredClone(sim.stats),
    inject: (faults) => sim.faults.inject(faults),
    resetFaults: () => sim.faults.reset(),
    setQuota: (on) => {
      sim.quota = on;
    },
  };
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

function originOf(address: AddressInfo): string {
  const unspecified = address.address === '0.0.0.0' || address.address === '::';
  const host = unspecified ? '127.0.0.1' : address.address;
  return `http://${host.includes(':') ? `[${host}]` : host}:${address.port}`;
}

function shutdown(server: Server, closing: AbortController): Promise<void> {
  closing.abort();
  return new Promise((resolve, reject) => {
    server.close((err) => (err ? reject(err) : resolve()));
    server.closeAllConnections();
  });
}
