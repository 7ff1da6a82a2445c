import type { Logger } from 'pino';
import type { Clock } from '../clock/clock.js';
import type { Config } from '../config/types.js';
import type { SensayClient } from '../sensay/client.js';
import type { DocumentRecord, Store } from '../store/store.js';

/** The three calls the poller makes; a test may hand it a fake with just these. */
export type PollerApi = Pick<SensayClient, 'listEntries' | 'getEntry' | 'deleteEntry'>;

/** The knobs of DESIGN §4, taken from `limits` and `status` of the config. */
export interface PollPolicy {
  /** Creates per document, in total, before it is `failed`. */
  maxAttempts: number;
  recreateBackoffSeconds: number;
  stuckAfterMinutes: number;
}

export interface StatusPollerDeps extends PollPolicy {
  clock: Clock;
  store: Store;
  api: PollerApi;
  log: Logger;
  /**
   * Whether the document's file is still on disk. Asked only when its entry vanished from
   * Sensay: yes → upload again, no → forget the document.
   */
  fileExists(doc: DocumentRecord): boolean | Promise<boolean>;
  /**
   * Whether this process polls the replica now (one host at a time polls a replica: the engine
   * claims its poll lease). Asked once per replica per cycle. Default: every replica.
   */
  mayPoll?(replicaUUID: string): Promise<boolean>;
  /** Called once a document is READY (the engine drops its cached text). */
  onReady?(doc: DocumentRecord): Promise<void>;
  /** List page size. Default 100 (the API's maximum). */
  pageSize?: number;
  /** Jitter of the recreate backoff. Default: none (exact backoffs). */
  random?: () => number;
  /**
   * How far before our own record of an entry's creation the server's `createdAt` may lie
   * (request latency plus clock skew). Bounds the walk over READY/UNPROCESSABLE entries.
   * Default 15 minutes.
   */
  creationSlackMs?: number;
  /** The server's clock against ours (`api.serverClock`); default: no offset. */
  serverClock?: () => { offsetMs: number; marginMs: number };
}

/** What one poll cycle did. Every count is of documents, except `requests`. */
export interface PollResult {
  /** Processing documents whose entry was looked at. */
  checked: number;
  ready: number;
  /** Entries found errored or stuck (each one is deleted). */
  errored: number;
  /** Of those, entries stuck past `stuckAfterMinutes`. */
  stuck: number;
  recreatesQueued: number;
  failed: number;
  /** Tracked entries the API no longer has (404). */
  gone: number;
  /** Predecessors deleted after their successor became READY. */
  predecessorsDeleted: number;
  /** Entries whose status string the poller does not know (treated as processing). */
  unknownStatuses: number;
  /** API requests made by this cycle: list pages, single GETs and DELETEs. */
  requests: number;
  /** Replicas whose entries could not be listed this cycle (they are retried next cycle). */
  replicasSkipped: number;
  /** Documents whose handling hit an API error and is retried next cycle. */
  deferred: number;
}

export function emptyPollResult(): PollResult {
  return {
    checked: 0,
    ready: 0,
    errored: 0,
    stuck: 0,
    recreatesQueued: 0,
    failed: 0,
    gone: 0,
    predecessorsDeleted: 0,
    unknownStatuses: 0,
    requests: 0,
    replicasSkipped: 0,
    deferred: 0,
  };
}

export function pollPolicyFromConfig(config: Pick<Config, 'limits' | 'status'>): PollPolicy {
  return {
    maxAttempts: config.limits.maxAttempts,
    recreateBackoffSeconds: config.limits.recreateBackoffSeconds,
    stuckAfterMinutes: config.status.stuckAfterMinutes,
  };
}
