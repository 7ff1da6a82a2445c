/**
 * The validated, fully defaulted configuration the rest of the program reads.
 * Every path here is absolute; every object is frozen.
 */
import type { PdfEngine } from '../extractors/pdf-engine.js';

export type SourceMode = 'file' | 'text';
export type OnDelete = 'delete' | 'keep';
export type UpdateMode = 'in-place' | 'replace';

export interface ApiConfig {
  /** No trailing slash. SENSAY_API_URL, when set, has already replaced the file's value. */
  readonly baseUrl: string;
  /** Sent as X-API-Version. */
  readonly apiVersion: string;
  /** Sent as X-USER-ID when not null. */
  readonly userId: string | null;
  /** Absolute path, or null. The secret itself is never part of the config: see resolveSecret. */
  readonly organizationSecretFile: string | null;
  /** Per-request timeout. */
  readonly timeoutSeconds: number;
}

export interface LimitsConfig {
  readonly uploadsPerHour: number;
  readonly requestsPerMinute: number;
  readonly maxFileBytes: number;
  /** Creates per document, in total, before it is `failed`. */
  readonly maxAttempts: number;
  readonly recreateBackoffSeconds: number;
}

export interface StatusConfig {
  readonly pollIntervalSeconds: number;
  readonly stuckAfterMinutes: number;
}

export interface ExtractionConfig {
  readonly workers: number;
  readonly taskTimeoutSeconds: number;
  readonly maxWorkerMemoryMb: number;
  readonly maxDocxUncompressedBytes: number;
  readonly maxDocxEntries: number;
  /** A worker without work exits after this many seconds; the next file starts one again. */
  readonly idleSeconds: number;
  /** A worker not ready this many seconds after it was started is killed: a failed start (backoff). */
  readonly startTimeoutSeconds: number;
  /** Which engine reads PDF text: PDFium with pdf.js as its fallback (default), or pdf.js alone. */
  readonly pdfEngine: PdfEngine;
}

export interface DaemonConfig {
  /** HTTP port for /healthz, /readyz and /metrics (default 7441); 0 = not served. */
  readonly port: number;
  readonly host: string;
  readonly awaitWriteFinishMs: number;
  /** Full rescan of every source this often while `watch` runs: the safety net for missed events. */
  readonly rescanMinutes: number;
  /** `/readyz` answers 503 once the API has been unreachable this long. */
  readonly unhealthyAfterSeconds: number;
  /**
   * Absolute path of the file holding the console's access token, or null. Required when `host`
   * is not a loopback address: then `/`, `/api/` and `/metrics` ask for it.
   */
  readonly tokenFile: string | null;
  /** A further host name the console accepts in `Host` (besides the bound address and loopback names). */
  readonly publicHost: string | null;
}

/** Where the state lives: a SQLite file (one host) or a PostgreSQL database (several hosts). */
export type StateConfig = SqliteStateConfig | PostgresStateConfig;

export interface SqliteStateConfig {
  readonly kind?: undefined;
  /** Absolute path of the SQLite state file (or ":memory:"). */
  readonly path: string;
  /** Events and finished jobs older than this many days are pruned. */
  readonly retentionDays: number;
}

export interface PostgresStateConfig {
  readonly kind: 'postgres';
  /** A postgres:// URL without a password (checked), or null when `urlFile` gives it. */
  readonly url: string | null;
  /** Absolute path of a file holding the whole URL, password included (read when the store opens). */
  readonly urlFile: string | null;
  readonly retentionDays: number;
}

export interface SourceConfig {
  /** Unique among sources; defaults to the folder's name. */
  readonly name: string;
  /** Absolute folder path. */
  readonly path: string;
  /** Lower-case UUID. */
  readonly replicaUUID: string;
  readonly include: readonly string[];
  readonly exclude: readonly string[];
  readonly mode: SourceMode;
  readonly onDelete: OnDelete;
  readonly maxDeletePercent: number;
  readonly priority: number;
  readonly requireText: boolean;
  /**
   * How a changed document reaches Sensay: `in-place` patches the text of its entry (text mode
   * only; no upload slot), `replace` uploads a new entry and deletes the old one once READY.
   */
  readonly update: UpdateMode;
  /**
   * A drop folder that drains: emptying it deletes its entries instead of being held, as long as
   * its root is present, readable and on the device recorded at its first scan. Always set by
   * the config loader (default false); optional so hand-built configs need not name it.
   */
  readonly allowEmpty?: boolean;
  /**
   * Another host owns this source: this host takes it over only while that host is down (its
   * source lease expired) and gives it back when it returns. Default false.
   */
  readonly standby?: boolean;
}

export interface HostConfig {
  /** Who this host is to the other hosts sharing the state: the key of source ownership. Default: the hostname. */
  readonly name: string;
  /** A source lease lasts this long without renewal; a standby takes over after it. Default 60. */
  readonly sourceLeaseSeconds: number;
}

export interface Config {
  readonly api: ApiConfig;
  readonly state: StateConfig;
  readonly limits: LimitsConfig;
  readonly status: StatusConfig;
  readonly extraction: ExtractionConfig;
  readonly daemon: DaemonConfig;
  readonly host: HostConfig;
  readonly sources: readonly SourceConfig[];
}

export interface LoadedConfig extends Config {
  /** Absolute path of the file this came from. */
  readonly configPath: string;
  /** Its folder: what relative paths in the file were resolved against. */
  readonly configDir: string;
}
