import type { Logger } from 'pino';
import type { CreateEntryInput, CreateEntryResult } from '../sensay/client.js';
import { SensayApiError } from '../sensay/errors.js';
import type { DocumentRecord, LastError, UploadClaim } from '../store/store.js';
import { afterCreateOutage } from './create-outage.js';
import { handleCreateRefusal } from './create-refusal.js';
import { fencedApi } from './fenced-api.js';
import { attemptLimitsOf, retryDelayOf, type UploaderDeps } from './deps.js';
import { afterFailedAttempt } from './failed-attempt.js';
import { abandon, discard, guard, leaseLost, refundSlot, release, step, type HeldUpload } from './held-upload.js';
import type { LeaseKeeper } from './lease-keeper.js';
import { lastErrorOf, type ReleaseReason, type UploadOutcome } from './outcome.js';
import { versionText } from './version-text.js';
import { openVerified } from './verified-file.js';
import { reconcileClaim } from './reconcile.js';
import { indexSources } from './source-index.js';

export type ClaimedUpload = Extract<UploadClaim, { ok: true }>;

/**
 * DESIGN §6 for one upload job claimed with `store.claimUpload`: POST, record the entry id at
 * once, PUT the bytes (file mode), mark processing. Every way out leaves the document in a state
 * the next run understands and no entry of ours unrecorded on the server. Before every request to
 * the API the lease is checked (`keeper.ensureHeld`): a worker that lost it stops there.
 */
export async function runUpload(deps: UploaderDeps, claim: ClaimedUpload, keeper: LeaseKeeper): Promise<UploadOutcome> {
  const log = deps.log.child({ component: 'uploader', jobId: claim.job.id, documentId: claim.document.id });
  const held: HeldUpload = { job: claim.job, document: claim.document, slotId: claim.slotId, keeper };
  await step(deps, held, 'claimed');

  if (claim.recovered) {
    await keeper.ensureHeld();
    const reconciled = await reconcileClaim({ ...deps, api: fencedApi(deps.api, keeper) }, claim.document.id);
    if (reconciled.action === 'adopted') return { outcome: 'adopted', entryId: reconciled.entryId };
    const slot = await deps.store.acquireUploadSlot({ ...deps.budget, now: deps.clock.now(), jobId: claim.job.id });
    if (!slot.granted) return release(deps, held, 'budget', slot.retryAt);
    held.slotId = slot.slotId;
  }

  const document = await deps.store.getDocument(claim.document.id);
  if (!document || document.state !== 'uploading') return abandon(deps, held, `document is ${document?.state ?? 'gone'}`, true);
  held.document = document;
  const prepared = await prepareCreate(deps, document);
  if (prepared === 'no-source') return release(deps, held, 'no-source', deps.clock.now() + retryDelayOf(deps), { refund: true });
  if (prepared === 'changed') return changed(deps, log, held);
  const { input, path, mode } = prepared;
  // Never more than maxAttempts creates per version, whatever path led here (a recovered claim
  // whose last attempt was cut short, a requeue by an older release).
  if (document.attempts >= attemptLimitsOf(deps).maxAttempts) return exhausted(deps, log, held);

  await keeper.ensureHeld();
  let created: CreateEntryResult;
  try {
    const pending = deps.api.createEntry(document.replicaUUID, input);
    await step(deps, held, 'create-sent');
    created = await pending;
  } catch (error) {
    return handleCreateRefusal(deps, log, held, error);
  }
  if (!created.ok && created.ambiguous) return settleLostAnswer(deps, log, held, created.cause);
  if (!created.ok) {
    const error: LastError = { message: created.error, code: 'REJECTED', step: 'create' };
    const failed = await deps.store.markFailed(document.id, error, deps.clock.now(), keeper.lease);
    if (!failed.ok && failed.reason === 'LEASE_LOST') return leaseLost(held, 'failing the document');
    log.warn({ error: created.error }, 'the API did not enqueue the entry; document failed');
    return { outcome: 'failed', error };
  }
  await step(deps, held, 'create-answered');

  const entryId = created.knowledgeBaseID;
  const recorded = await deps.store.recordEntryCreated(document.id, entryId, deps.clock.now(), keeper.lease);
  if (!recorded.ok) {
    // Our new holder reconciles: it finds this unrecorded entry by title and settles it.
    if (recorded.reason === 'LEASE_LOST') return leaseLost(held, 'recording the entry');
    await keeper.ensureHeld();
    await deps.api.deleteEntry(document.replicaUUID, entryId);
    return abandon(deps, held, recorded.detail);
  }
  held.document = recorded.document;
  if (recorded.supersededEntryId !== null) await discard(deps, held, recorded.supersededEntryId);
  await step(deps, held, 'entry-recorded');

  if (mode === 'file') {
    const put = await putBytes(deps, log, held, path, entryId, created.signedURL);
    if (put !== null) return put;
  }
  const processing = await deps.store.markProcessing(document.id, entryId, deps.clock.now(), keeper.lease);
  if (!processing.ok) return processing.reason === 'LEASE_LOST' ? leaseLost(held, 'marking processing') : abandon(deps, held, processing.detail);
  await step(deps, held, 'processing');
  log.debug({ entryId, title: input.title }, 'uploaded');
  return { outcome: 'uploaded', entryId };
}

type PreparedCreate = { input: CreateEntryInput; path: string; mode: 'file' | 'text' } | 'no-source' | 'changed';

/** The create's body; the file must still be the version that was extracted (no slot for a stale one). */
async function prepareCreate(deps: UploaderDeps, document: DocumentRecord): Promise<PreparedCreate> {
  const index = indexSources(deps.sources);
  const source = index.source(document.sourceName);
  const path = index.absolutePath(document);
  if (!source || path === null) return 'no-source';
  const title = index.titleOf(document);
  // Checked before the POST: a file known to have changed must not spend a slot.
  if (!(await unchanged(path, document))) return 'changed';
  if (source.mode === 'text') {
    const text = await versionText(deps, document, path);
    if (text === null) return 'changed';
    return { input: { title, text }, path, mode: 'text' };
  }
  return { input: { title, filename: index.filenameOf(document) }, path, mode: 'file' };
}

/**
 * The create's answer was lost (5xx, timeout, reset): reconcile before anything else. Nothing
 * there → an outage (slot back, outage backoff); a half-made entry deleted → an attempt spent.
 */
async function settleLostAnswer(deps: UploaderDeps, log: Logger, held: HeldUpload, cause: SensayApiError): Promise<UploadOutcome> {
  log.warn({ ...cause.toLogFields() }, 'create answer lost; reconciling before anything else');
  await held.keeper.ensureHeld();
  const reconciled = await guard(() => reconcileClaim({ ...deps, api: fencedApi(deps.api, held.keeper) }, held.document.id));
  if (!reconciled.ok) return reconciled.outcome;
  if (reconciled.value.action === 'adopted') return { outcome: 'adopted', entryId: reconciled.value.entryId };
  if (reconciled.value.deleted === 0) return afterCreateOutage(deps, log, held, cause);
  return afterFailedAttempt(deps, log, held, 'ambiguous', lastErrorOf(cause, 'create'), { countsAttempt: true });
}

/** The PUT; null when the bytes arrived intact, else how the job ended (its entry deleted). */
async function putBytes(
  deps: UploaderDeps,
  log: Logger,
  held: HeldUpload,
  path: string,
  entryId: number,
  signedURL: string | undefined,
): Promise<UploadOutcome | null> {
  const document = held.document;
  const giveUp = async (reason: ReleaseReason, error: LastError): Promise<UploadOutcome> => {
    log.warn({ entryId, reason, error }, 'upload abandoned; deleting its entry');
    const gone = await guard(() => discard(deps, held, entryId));
    if (!gone.ok) return gone.outcome;
    return afterFailedAttempt(deps, log, held, reason, error);
  };
  if (signedURL === undefined) return giveUp('upload-failed', { message: 'the create answered without a signed upload URL', code: 'NO_SIGNED_URL', step: 'upload' });
  // Never PUT a half-written file, a link or a file swapped in: the bytes must be the version that
  // was scanned and extracted, streamed from the very descriptor that was checked.
  const file = await openVerified(path, document);
  if (!file.ok) return giveUp(file.reason === 'UNSTABLE' ? 'unstable' : 'changed', { message: `${file.reason}: ${file.detail}`, code: file.reason, step: 'upload' });
  let sent;
  try {
    await held.keeper.ensureHeld();
    const pending = deps.api.uploadFile(signedURL, path, { expectedSize: document.size, handle: file.handle });
    await step(deps, held, 'upload-sent');
    sent = await pending;
  } catch (error) {
    if (!(error instanceof SensayApiError)) throw error;
    return giveUp(error.code === 'FILE_CHANGED' ? 'changed' : 'upload-failed', lastErrorOf(error, 'upload'));
  } finally {
    await file.close();
  }
  if (sent.sha256 !== document.sha256) return giveUp('changed', { message: 'bytes sent differ from the extracted version', code: 'CHANGED', step: 'upload' });
  await step(deps, held, 'upload-done');
  return null;
}

async function unchanged(path: string, document: DocumentRecord): Promise<boolean> {
  const file = await openVerified(path, document);
  if (file.ok) await file.close();
  return file.ok;
}

/** The file is not the version that was extracted, before any create: the next scan re-plans; no slot spent. */
async function changed(deps: UploaderDeps, log: Logger, held: HeldUpload): Promise<UploadOutcome> {
  log.info({ relPath: held.document.relPath }, 'file changed since extraction; upload released for the next scan');
  return release(deps, held, 'changed', deps.clock.now() + retryDelayOf(deps), { refund: true });
}

/** Every attempt is spent: the document fails with the last error it had, and the slot goes back. */
async function exhausted(deps: UploaderDeps, log: Logger, held: HeldUpload): Promise<UploadOutcome> {
  await refundSlot(deps, held);
  const { document } = held;
  const error: LastError = document.lastError ?? { message: `${document.attempts} upload attempts spent`, code: 'ATTEMPTS_EXHAUSTED' };
  const failed = await deps.store.markFailed(document.id, error, deps.clock.now(), held.keeper.lease);
  if (!failed.ok) return failed.reason === 'LEASE_LOST' ? leaseLost(held, 'failing the document') : abandon(deps, held, failed.detail);
  log.warn({ relPath: document.relPath, attempts: document.attempts, error }, 'every upload attempt is spent; document failed');
  return { outcome: 'failed', error };
}
