import type { Logger } from 'pino';
import type { Clock } from '../clock/clock.js';
import type { SourceConfig } from '../config/types.js';
import type { Extractor } from '../extractors/extraction.js';
import type { SensayClient } from '../sensay/client.js';
import type { Store } from '../store/store.js';
import { DEFAULT_ATTEMPT_LIMITS, type AttemptLimits } from './attempt-policy.js';
import type { TextCache } from '../store/text-cache.js';

/** The protocol steps a test hook can stop at (a crash test SIGKILLs the process there). */
export const PROTOCOL_STEPS = [
  'claimed',
  'create-sent',
  'create-answered',
  'entry-recorded',
  'upload-sent',
  'upload-done',
  'processing',
  // An in-place update (text mode): the intent is recorded, the PATCH is on the wire, it answered.
  'update-begun',
  'patch-sent',
  'patch-answered',
] as const;
export type ProtocolStep = (typeof PROTOCOL_STEPS)[number];

export interface ProtocolHooks {
  /** Called at each step; may not return (a crash test kills the process here). */
  at(step: ProtocolStep, detail: { documentId: number; jobId: number }): void | Promise<void>;
}

/** The budget the store's ledger enforces (DESIGN §5); `scope` is the API origin, never the secret. */
export interface UploadBudget {
  scope: string;
  limit: number;
  windowMs: number;
}

/** Everything the uploader needs, narrowly: ports, not the whole config. */
export interface UploaderDeps {
  clock: Clock;
  store: Store;
  api: SensayClient;
  log: Logger;
  /** Every configured source: titles, modes and absolute paths come from here. */
  sources: readonly SourceConfig[];
  /** Extracts a text-mode document again when its text is not in `texts` (a miss). */
  extractor: Extractor;
  /** Text-mode texts as the pass extracted them; without it every text-mode create extracts again. */
  texts?: TextCache;
  budget: UploadBudget;
  /** Lease owner id (see `leaseOwnerId`). */
  owner: string;
  /**
   * The sources whose jobs this process may run now: the ones its host owns (issue 10: jobs run
   * on the host that owns their source, the one that can read its files). Default: every source.
   */
  ownedSources?: () => readonly string[];
  /** Default 5 minutes. */
  leaseMs?: number;
  /** How long a released job waits before it is claimed again (file changed, source missing…). Default 60 s. */
  retryDelayMs?: number;
  /** `limits.maxAttempts` and `limits.recreateBackoffSeconds`. Default 3 and 60. */
  attempts?: AttemptLimits;
  /** Jitter of the retry backoffs. Default Math.random. */
  random?: () => number;
  hooks?: ProtocolHooks;
}

export const DEFAULT_LEASE_MS = 5 * 60_000;
export const DEFAULT_RETRY_DELAY_MS = 60_000;

export function leaseMsOf(deps: Pick<UploaderDeps, 'leaseMs'>): number {
  return deps.leaseMs ?? DEFAULT_LEASE_MS;
}

export function retryDelayOf(deps: Pick<UploaderDeps, 'retryDelayMs'>): number {
  return deps.retryDelayMs ?? DEFAULT_RETRY_DELAY_MS;
}

export function attemptLimitsOf(deps: Pick<UploaderDeps, 'attempts'>): AttemptLimits {
  return deps.attempts ?? DEFAULT_ATTEMPT_LIMITS;
}

export function randomOf(deps: Pick<UploaderDeps, 'random'>): () => number {
  return deps.random ?? Math.random;
}
