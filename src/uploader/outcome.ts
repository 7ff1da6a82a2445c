import type { SensayApiError } from '../sensay/errors.js';
import type { LastError, UploadStep } from '../store/store.js';

/** How one upload job ended, for the runner's summary and its decision to go on. */
export type UploadOutcome =
  | { outcome: 'uploaded'; entryId: number }
  /** Reconciliation found the entry complete on the server: nothing was sent. */
  | { outcome: 'adopted'; entryId: number }
  | { outcome: 'failed'; error: LastError }
  /** Back in the queue, not before `notBefore` (file changed, URL expired, budget full…). */
  | { outcome: 'released'; reason: ReleaseReason; notBefore: number }
  /** A throttling 429: every process waits until `until`. */
  | { outcome: 'throttled'; until: number }
  /** A quota 429 (or an unknown replica): the replica's uploads are paused until resumed. */
  | { outcome: 'paused'; replicaUUID: string; reason: string }
  /** 401/403: the runner stops; the CLI exits 3. */
  | { outcome: 'auth'; error: SensayApiError }
  /** The API could not be reached mid-protocol; the job is left to its lease (recovery reconciles). */
  | { outcome: 'unreachable'; error: SensayApiError }
  /**
   * A create failed by the API (5xx, timeout, refused connection) that created nothing: not the
   * document's fault, so no attempt; the slot went back and the job waits out the outage backoff.
   */
  | { outcome: 'outage'; error: SensayApiError; notBefore: number }
  /** The API answered with a redirect: `api.baseUrl` is wrong. The run stops (CLI exit 2); no document fails. */
  | { outcome: 'misconfigured'; error: SensayApiError }
  /** The lease was lost (taken over): the worker stopped without touching the job or its document. */
  | { outcome: 'lease-lost'; detail: string }
  /** The document moved under us (deleted, re-queued by a scan); nothing of ours is left behind. */
  | { outcome: 'abandoned'; detail: string };

/** `unstable`: the path no longer opens the scanned file (a link or another inode swapped in). */
export type ReleaseReason =
  | 'changed'
  | 'unstable'
  | 'ambiguous'
  | 'upload-failed'
  | 'budget'
  | 'no-source'
  | 'outage'
  | 'misconfigured';

export function lastErrorOf(error: SensayApiError, step?: UploadStep): LastError {
  const last: LastError = { message: error.message, code: error.code };
  if (step !== undefined) last.step = step;
  if (error.status !== undefined) last.status = error.status;
  if (error.requestId !== undefined) last.requestId = error.requestId;
  if (error.fingerprint !== undefined) last.fingerprint = error.fingerprint;
  return last;
}
