import { pino, type Logger } from 'pino';
import { systemClock, type Clock } from '../clock/clock.js';
import { PROCESSING_STATUSES, type ProcessingStatus } from './api-types.js';
import { SimulatorOptionsError } from './errors.js';
import { normaliseFaults, type FaultOptions } from './faults.js';
import { normaliseFailureRules, type FailureRule, type NormalisedFailureRule } from './failures.js';

/**
 * Options of the Sensay simulator. Every field is optional; the defaults mirror the real API's
 * published limits. The CLI `sensay-ingest sim` maps its flags onto these:
 * `--port` → `port`, `--step-ms` → `timeline.stepMs`, `--uploads-per-hour` → `uploadsPerHour`,
 * `--requests-per-minute` → `requestsPerMinute`, `--fail PATTERN:N` → `failures: [{ match, errorTimes: N }]`,
 * `--unprocessable PATTERN` → `failures: [{ match, unprocessable: true }]`, `--quota` → `quota: true`,
 * `--delete-mode 202` → `deleteMode: '202'`.
 */
export interface SimulatorOptions {
  /** TCP port; 0 (default) picks a free one. Read the chosen one from `sim.url`. */
  port?: number;
  /** Interface to bind. Default `127.0.0.1`. */
  host?: string;
  /**
   * The organisation secret every API call must carry in `X-ORGANIZATION-SECRET`
   * (missing or different → 401). Default `sim-secret`. Signed upload URLs never need it.
   */
  secret?: string;
  /**
   * Known replica UUIDs. A well-formed UUID not in the list → 404 "Cannot find replica".
   * Default: every well-formed UUID is a replica (created on first use).
   */
  replicas?: readonly string[];
  /**
   * Time source for everything time-dependent: the status timeline, both rate-limit windows,
   * signed-URL expiry, timestamps, and injected latency (which sleeps on this clock, so a
   * FakeClock test releases it with `advance`). Default: the system clock.
   */
  clock?: Clock;
  /**
   * How long an entry stays in each processing status. `stepMs` (default 300) is used for
   * every status not named in `durations`. A file entry stays `NEW` until its bytes are PUT
   * (its `NEW` duration is ignored); other entries start processing at creation:
   * file: NEW ─PUT─► FILE_UPLOADED → RAW_TEXT → PROCESSED_TEXT → VECTOR_CREATED → READY;
   * text/website/youtube: NEW → RAW_TEXT → PROCESSED_TEXT → VECTOR_CREATED → READY.
   * Progress is computed from the clock when an entry is read; no timers run.
   */
  timeline?: { stepMs?: number; durations?: Partial<Record<ProcessingStatus, number>> };
  /**
   * Creates (POSTs, any entry type) allowed in any sliding hour. Default 10. The 11th create
   * gets 429 with `Retry-After` = whole seconds until the oldest create leaves the window.
   * `Infinity` disables the limit.
   */
  uploadsPerHour?: number;
  /**
   * Authenticated API requests allowed in any sliding minute (signed uploads excluded, rejected
   * requests not counted). Default 100. Excess → 429 + `Retry-After`. `Infinity` disables it.
   */
  requestsPerMinute?: number;
  /**
   * Quota mode: every create answers 429 with `error_code` `KNOWLEDGE_BASE_CUSTOM_QUOTA_EXCEEDED`
   * and no `Retry-After`. Toggle at runtime with `sim.setQuota(on)`. Default false.
   */
  quota?: boolean;
  /** Lifetime of a signed upload URL. Default 15 minutes. A PUT after expiry → 403. */
  signedUrlTtlMs?: number;
  /** Largest accepted upload. Default 50 MiB; more → 413 and the entry stays `NEW`. */
  maxUploadBytes?: number;
  /** Largest accepted JSON request body (after gunzip). Default 10 MiB; more → 413. */
  maxJsonBodyBytes?: number;
  /**
   * Entries that do not simply become READY, chosen by title or filename (first rule wins).
   * See {@link FailureRule}.
   */
  failures?: readonly FailureRule[];
  /** Transport-level faults from the start; change them later with `sim.inject`. See {@link FaultOptions}. */
  faults?: FaultOptions;
  /** DELETE answers 200 `{success}` (default) or 202 `{success, message}`; either way the entry is gone. */
  deleteMode?: '200' | '202' | 200 | 202;
  /** How many recent requests `sim.requests()` keeps (oldest dropped first). Default 10 000. */
  maxRecordedRequests?: number;
  /** Logger for request lines (debug) and unexpected handler failures (error). Default: silent. */
  log?: Logger;
  /**
   * How far the server's clock is ahead of `clock` (negative: behind). Shifts the `Date` header
   * and every `createdAt`/`updatedAt` the API shows; the timeline and the limits keep `clock`.
   * Default 0. CLI: `sim --clock-offset-seconds`.
   */
  clockOffsetMs?: number;
}

export interface SimConfig {
  readonly port: number;
  readonly host: string;
  readonly secret: string;
  readonly replicas: ReadonlySet<string> | null;
  readonly clock: Clock;
  readonly durations: Readonly<Record<ProcessingStatus, number>>;
  readonly uploadsPerHour: number;
  readonly requestsPerMinute: number;
  readonly quota: boolean;
  readonly signedUrlTtlMs: number;
  readonly maxUploadBytes: number;
  readonly maxJsonBodyBytes: number;
  readonly failures: readonly NormalisedFailureRule[];
  readonly faults: FaultOptions;
  readonly deleteMode: 200 | 202;
  readonly maxRecordedRequests: number;
  readonly log: Logger;
  readonly clockOffsetMs: number;
}

export const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Validates and freezes the options once; every later read uses the result. */
export function normaliseOptions(options: SimulatorOptions = {}): SimConfig {
  const stepMs = nonNegative('timeline.stepMs', options.timeline?.stepMs ?? 300);
  const durations = {} as Record<ProcessingStatus, number>;
  for (const status of PROCESSING_STATUSES) {
    durations[status] = nonNegative(`timeline.durations.${status}`, options.timeline?.durations?.[status] ?? stepMs);
  }
  for (const key of Object.keys(options.timeline?.durations ?? {})) {
    if (!(PROCESSING_STATUSES as readonly string[]).includes(key)) {
      throw new SimulatorOptionsError('timeline.durations', `keyed by one of ${PROCESSING_STATUSES.join(', ')}`, key);
    }
  }
  return Object.freeze({
    port: port(options.port ?? 0),
    host: nonEmpty('host', options.host ?? '127.0.0.1'),
    secret: nonEmpty('secret', options.secret ?? 'sim-secret'),
    replicas: replicas(options.replicas),
    clock: options.clock ?? systemClock,
    durations: Object.freeze(durations),
    uploadsPerHour: limit('uploadsPerHour', options.uploadsPerHour ?? 10),
    requestsPerMinute: limit('requestsPerMinute', options.requestsPerMinute ?? 100),
    quota: options.quota ?? false,
    signedUrlTtlMs: positive('signedUrlTtlMs', options.signedUrlTtlMs ?? 15 * 60_000),
    maxUploadBytes: positive('maxUploadBytes', options.maxUploadBytes ?? 50 * 1024 * 1024),
    maxJsonBodyBytes: positive('maxJsonBodyBytes', options.maxJsonBodyBytes ?? 10 * 1024 * 1024),
    failures: normaliseFailureRules(options.failures ?? []),
    faults: normaliseFaults(options.faults ?? {}),
    deleteMode: deleteMode(options.deleteMode ?? '200'),
    maxRecordedRequests: positive('maxRecordedRequests', options.maxRecordedRequests ?? 10_000),
    log: (options.log ?? pino({ enabled: false })).child({ component: 'sim' }),
    clockOffsetMs: finite('clockOffsetMs', options.clockOffsetMs ?? 0),
  });
}

function port(value: unknown): number {
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 65_535) return value;
  throw new SimulatorOptionsError('port', 'an integer from 0 to 65535', value);
}

function nonEmpty(key: string, value: unknown): string {
  if (typeof value === 'string' && value.length > 0) return value;
  throw new SimulatorOptionsError(key, 'a non-empty string', value);
}

export function nonNegative(key: string, value: unknown): number {
  if (typeof value === 'number' && Number.isFinite(value) && value >= 0) return value;
  throw new SimulatorOptionsError(key, 'a finite number >= 0', value);
}

function finite(key: string, value: unknown): number {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  throw new SimulatorOptionsError(key, 'a finite number', value);
}

function positive(key: string, value: unknown): number {
  if (typeof value === 'number' && Number.isFinite(value) && value > 0) return value;
  throw new SimulatorOptionsError(key, 'a finite number > 0', value);
}

function limit(key: string, value: unknown): number {
  if (value === Infinity || (typeof value === 'number' && Number.isInteger(value) && value >= 1)) return value;
  throw new SimulatorOptionsError(key, 'an integer >= 1 or Infinity', value);
}

function replicas(value: readonly string[] | undefined): ReadonlySet<string> | null {
  if (value === undefined) return null;
  if (!Array.isArray(value)) throw new SimulatorOptionsError('replicas', 'an array of UUIDs', value);
  value.forEach((uuid, i) => {
    if (typeof uuid !== 'string' || !UUID_PATTERN.test(uuid)) {
      throw new SimulatorOptionsError(`replicas[${i}]`, 'a UUID', uuid);
    }
  });
  return new Set(value.map((uuid) => uuid.toLowerCase()));
}

function deleteMode(value: unknown): 200 | 202 {
  if (value === '200' || value === 200) return 200;
  if (value === '202' || value === 202) return 202;
  throw new SimulatorOptionsError('deleteMode', '"200" or "202"', value);
}
