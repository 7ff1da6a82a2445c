import type { SensayApiError } from '../sensay/errors.js';
import type { LastError } from '../store/store.js';

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
  /** The API could not be reached; the job is released (or left to its lease when in doubt). */
  | { outcome: 'unreachable'; error: SensayApiError }
  /** The document moved under us (deleted, re-queued by a scan); nothing of ours is left behind. */
  | { outcome: 'abandoned'; detail: string };

/** `unstable`: the path no longer opens the scanned file (a link or another inode swapped in). */
export type ReleaseReason = 'changed' | 'unstable' | 'ambiguous' | 'upload-failed' | 'budget' | 'no-source';

export function lastErrorOf(error: SensayApiError): LastError {
  const last: LastError = { message: error.message, code: error.code };
  if (error.status !== undefined) last.status = error.status;
  if (error.requestId !== undefined) last.requestId = error.requestId;
  if (error.fingerprint !== undefined) last.fingerprint = error.fingerprint;
  return last;
}
