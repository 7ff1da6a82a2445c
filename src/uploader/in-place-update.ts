import type { Logger } from 'pino';
import { AUTH_CODES, SensayApiError, UNREACHABLE_CODES } from '../sensay/errors.js';
import type { DocumentRecord, JobClaim, LastError } from '../store/store.js';
import { retryDelayOf, type ProtocolStep, type UploaderDeps } from './deps.js';
import { inPlaceRefusal, rememberInPlaceRefusal } from './in-place-support.js';
import { lastErrorOf } from './outcome.js';
import { LeaseLostError, type LeaseKeeper } from './lease-keeper.js';
import { indexSources } from './source-index.js';
import { compareRawText } from './text-match.js';
import { versionText } from './version-text.js';

/** How one `update` job ended. */
export type UpdateOutcome =
  /** The entry carries the new text and is processing again (`adopted`: a PATCH before a crash had landed). */
  | { outcome: 'updated'; entryId: number; adopted: boolean }
  /** A `replace` was queued instead (the API refused the PATCH, the entry is gone, the file moved on). */
  | { outcome: 'replaced'; reason: string }
  | { outcome: 'released'; notBefore: number }
  | { outcome: 'auth'; error: SensayApiError }
  | { outcome: 'unreachable'; error: SensayApiError }
  | { outcome: 'abandoned'; detail: string };

/** 4xx answers that say nothing about in-place updates as such: they are handled as elsewhere. */
const NOT_A_REFUSAL: ReadonlySet<string> = new Set(['UNAUTHORIZED', 'FORBIDDEN', 'RATE_LIMITED', 'QUOTA_EXCEEDED', 'NOT_FOUND']);
/** Refusals of this document's text, not of PATCH rawText: the replica is not marked. */
const DOCUMENT_REFUSALS: ReadonlySet<string> = new Set(['PAYLOAD_TOO_LARGE']);
const DEFAULT_THROTTLE_MS = 60_000;

/**
 * One in-place update of a text entry (`PATCH { rawText }`, no upload slot), crash-safe:
 * the intent (document `uploading`, the job leased) is recorded before the PATCH is sent, and
 * a job that finds its document already `uploading` (a retry, a lease taken over from a dead
 * process) first reads the entry: if it already carries our text only the record is missing,
 * else the PATCH is sent again. A PATCH is idempotent, so the worst case is one more request.
 */
/** The claimed update job and the lease it runs under (fencing: every transition names it). */
type Held = { claim: JobClaim; keeper: LeaseKeeper };

export async function runUpdate(deps: UploaderDeps, claim: JobClaim, keeper: LeaseKeeper): Promise<UpdateOutcome> {
  const { job } = claim;
  const held: Held = { claim, keeper };
  const log = deps.log.child({ component: 'in-place-update', jobId: job.id, documentId: job.documentId });
  const step = (at: ProtocolStep) => deps.hooks?.at(at, { documentId: job.documentId, jobId: job.id });
  const doc = await deps.store.getDocument(job.documentId);
  if (!doc || (doc.state !== 'queued' && doc.state !== 'uploading')) {
    return abandon(deps, log, held, `document is ${doc?.state ?? 'gone'}`);
  }
  const refusal = await inPlaceRefusal(deps.store, doc.replicaUUID);
  if (refusal) return replace(deps, log, held, { message: 'the replica refused in-place updates before', code: 'IN_PLACE_UNSUPPORTED' });

  const text = await currentText(deps, doc);
  if (text === null) {
    // A version we cannot produce any more: a queued update waits for the scan to re-plan; a
    // begun one cannot be finished, so it becomes a replace (which re-reads the file itself).
    if (doc.state === 'queued') return release(deps, held, deps.clock.now() + retryDelayOf(deps));
    return replace(deps, log, held, { message: 'file changed since the update began', code: 'FILE_CHANGED' });
  }
  const resumed = doc.state === 'uploading';
  const begun = await deps.store.beginUpdate(doc.id, job.id, deps.clock.now(), keeper.lease);
  if (!begun.ok) {
    if (begun.reason === 'LEASE_LOST') throw new LeaseLostError(keeper.lease);
    if (begun.reason === 'ENTRY_MISMATCH') return replace(deps, log, held, { message: begun.detail, code: 'NO_ENTRY' });
    return abandon(deps, log, held, begun.detail);
  }
  const entryId = begun.document.entryId;
  if (entryId === null) return replace(deps, log, held, { message: 'no entry to update', code: 'NO_ENTRY' });
  await step('update-begun');

  try {
    if (resumed) {
      await keeper.ensureHeld();
      const entry = await deps.api.getEntry(doc.replicaUUID, entryId);
      if (entry === null) return replace(deps, log, held, { message: `entry ${entryId} no longer exists`, code: 'ENTRY_GONE' });
      // Only an exact match skips the PATCH: a prefix may be the old version we appended to.
      if (compareRawText(typeof entry.rawText === 'string' ? entry.rawText : undefined, text) === 'same') {
        return processing(deps, log, held, begun.document, entryId, true);
      }
    }
    await keeper.ensureHeld();
    const pending = deps.api.patchEntry(doc.replicaUUID, entryId, { rawText: text });
    await step('patch-sent');
    await pending;
  } catch (error) {
    return afterPatchError(deps, log, held, begun.document, error);
  }
  await step('patch-answered');
  return processing(deps, log, held, begun.document, entryId, false);
}

/** The text of the recorded version, from the text cache or re-extracted; null if the file moved on. */
async function currentText(deps: UploaderDeps, doc: DocumentRecord): Promise<string | null> {
  const index = indexSources(deps.sources);
  const source = index.source(doc.sourceName);
  const path = index.absolutePath(doc);
  if (source?.mode !== 'text' || path === null) return null;
  const text = await versionText(deps, doc, path);
  return text === null || text.length === 0 ? null : text;
}

async function processing(
  deps: UploaderDeps,
  log: Logger,
  held: Held,
  doc: DocumentRecord,
  entryId: number,
  adopted: boolean,
): Promise<UpdateOutcome> {
  const { lease } = held.keeper;
  const marked = await deps.store.markProcessing(doc.id, entryId, deps.clock.now(), lease);
  if (!marked.ok) {
    if (marked.reason === 'LEASE_LOST') throw new LeaseLostError(lease);
    return abandon(deps, log, held, marked.detail);
  }
  await deps.store.completeJob(lease.jobId, lease.owner, deps.clock.now(), lease.generation);
  await deps.hooks?.at('processing', { documentId: doc.id, jobId: lease.jobId });
  log.debug({ entryId, adopted, relPath: doc.relPath }, adopted ? 'the PATCH had landed before a crash' : 'entry updated in place');
  return { outcome: 'updated', entryId, adopted };
}

async function afterPatchError(
  deps: UploaderDeps,
  log: Logger,
  held: Held,
  doc: DocumentRecord,
  error: unknown,
): Promise<UpdateOutcome> {
  if (!(error instanceof SensayApiError)) throw error;
  const now = deps.clock.now();
  const fields = { relPath: doc.relPath, ...error.toLogFields() };
  if (error.code === 'RATE_LIMITED' || error.code === 'QUOTA_EXCEEDED') {
    log.warn(fields, 'in-place update throttled; retried later');
    return release(deps, held, now + (error.retryAfterMs ?? DEFAULT_THROTTLE_MS), error);
  }
  if (AUTH_CODES.has(error.code)) {
    await release(deps, held, now, error);
    return { outcome: 'auth', error };
  }
  if (UNREACHABLE_CODES.has(error.code)) {
    // The PATCH may have landed: the document stays `uploading`, so the retry reads the entry first.
    await release(deps, held, now + retryDelayOf(deps), error);
    return { outcome: 'unreachable', error };
  }
  if (error.code === 'NOT_FOUND') return replace(deps, log, held, lastErrorOf(error));
  const status = error.status;
  if (status === undefined || status < 400 || status >= 500 || NOT_A_REFUSAL.has(error.code)) throw error;
  if (!DOCUMENT_REFUSALS.has(error.code)) {
    const refusal = { at: now, status, code: error.code, message: error.message };
    if (await rememberInPlaceRefusal(deps.store, doc.replicaUUID, refusal)) {
      log.warn({ ...fields, replicaUUID: doc.replicaUUID }, 'the API refused PATCH rawText: this replica gets replaces instead of in-place updates from now on');
      await deps.store.appendEvent({ at: now, type: 'replica.in-place-unsupported', documentId: doc.id, detail: { replicaUUID: doc.replicaUUID, status, code: error.code, message: error.message } });
    }
  }
  return replace(deps, log, held, lastErrorOf(error));
}

async function replace(deps: UploaderDeps, log: Logger, held: Held, why: LastError): Promise<UpdateOutcome> {
  const { lease } = held.keeper;
  const queued = await deps.store.replaceInstead(held.claim.job.documentId, lease.jobId, why, deps.clock.now(), lease);
  if (!queued.ok) {
    if (queued.reason === 'LEASE_LOST') throw new LeaseLostError(lease);
    return abandon(deps, log, held, queued.detail);
  }
  log.info({ relPath: queued.document.relPath, reason: why.code, detail: why.message }, 'in-place update not possible; replacing the entry instead');
  return { outcome: 'replaced', reason: why.code ?? 'REFUSED' };
}

async function release(deps: UploaderDeps, held: Held, notBefore: number, error?: SensayApiError): Promise<UpdateOutcome> {
  const now = deps.clock.now();
  await deps.store.releaseJob({ ...held.keeper.lease, notBefore, now, ...(error && { error: lastErrorOf(error) }) });
  return { outcome: 'released', notBefore };
}

async function abandon(deps: UploaderDeps, log: Logger, held: Held, detail: string): Promise<UpdateOutcome> {
  // Whatever moved the document has queued what it needs.
  const { lease } = held.keeper;
  await deps.store.completeJob(lease.jobId, lease.owner, deps.clock.now(), lease.generation);
  log.info({ detail }, 'in-place update abandoned');
  return { outcome: 'abandoned', detail };
}

/** Adds an update's outcome to the run's summary; `stop` halts the run (auth, unreachable). */
export function countUpdate(
  summary: { updated: number; released: number },
  result: UpdateOutcome,
  stop: (halt: { stop: 'auth' | 'unreachable'; error: SensayApiError }) => void,
): void {
  if (result.outcome === 'updated') summary.updated++;
  else if (result.outcome === 'released' || result.outcome === 'replaced') summary.released++;
  else if (result.outcome === 'auth' || result.outcome === 'unreachable') {
    summary.released++;
    stop({ stop: result.outcome, error: result.error });
  }
}
