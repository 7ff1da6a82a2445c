import type { Logger } from 'pino';
import type { CreateEntryInput } from '../sensay/client.js';
import { SensayApiError, UNREACHABLE_CODES } from '../sensay/errors.js';
import type { DocumentRecord, UploadClaim } from '../store/store.js';
import { handleCreateRefusal, type HeldUpload } from './create-refusal.js';
import { retryDelayOf, type ProtocolStep, type UploaderDeps } from './deps.js';
import { fingerprintFile } from './file-fingerprint.js';
import type { ReleaseReason, UploadOutcome } from './outcome.js';
import { reconcileClaim } from './reconcile.js';
import { indexSources } from './source-index.js';

export type ClaimedUpload = Extract<UploadClaim, { ok: true }>;

/**
 * DESIGN §6 for one upload job claimed with `store.claimUpload`: POST, record the entry id at
 * once, PUT the bytes (file mode), mark processing. Every way out leaves the document in a state
 * the next run understands and no entry of ours unrecorded on the server.
 */
export async function runUpload(deps: UploaderDeps, claim: ClaimedUpload): Promise<UploadOutcome> {
  const log = deps.log.child({ component: 'uploader', jobId: claim.job.id, documentId: claim.document.id });
  const held: HeldUpload = { job: claim.job, document: claim.document, slotId: claim.slotId };
  await step(deps, held, 'claimed');

  if (claim.recovered) {
    const reconciled = await reconcileClaim(deps, claim.document.id);
    if (reconciled.action === 'adopted') return { outcome: 'adopted', entryId: reconciled.entryId };
    const slot = await deps.store.acquireUploadSlot({ ...deps.budget, now: deps.clock.now(), jobId: claim.job.id });
    if (!slot.granted) return release(deps, held, 'budget', slot.retryAt);
    held.slotId = slot.slotId;
  }

  const document = await deps.store.getDocument(claim.document.id);
  if (!document || document.state !== 'uploading') return abandon(deps, held, `document is ${document?.state ?? 'gone'}`, true);
  held.document = document;
  const index = indexSources(deps.sources);
  const source = index.source(document.sourceName);
  const path = index.absolutePath(document);
  if (!source || path === null) return release(deps, held, 'no-source', deps.clock.now() + retryDelayOf(deps), true);

  const title = index.titleOf(document);
  let input: CreateEntryInput;
  // Checked before the POST: a file known to have changed must not spend a slot.
  if (!(await unchanged(path, document))) return changed(deps, log, held, true);
  if (source.mode === 'text') {
    const text = await textOf(deps, document, path);
    if (text === null) return changed(deps, log, held, true);
    input = { title, text };
  } else {
    input = { title, filename: index.filenameOf(document) };
  }

  let created;
  try {
    const pending = deps.api.createEntry(document.replicaUUID, input);
    await step(deps, held, 'create-sent');
    created = await pending;
  } catch (error) {
    return handleCreateRefusal(deps, log, held, error);
  }
  if (!created.ok && created.ambiguous) {
    log.warn({ ...created.cause.toLogFields() }, 'create answer lost; reconciling before anything else');
    const reconciled = await guard(() => reconcileClaim(deps, document.id));
    if ('outcome' in reconciled) return reconciled;
    if (reconciled.action === 'adopted') return { outcome: 'adopted', entryId: reconciled.entryId };
    // The slot stays spent: the server may have counted the create even though nothing is there.
    return release(deps, held, 'ambiguous', deps.clock.now() + retryDelayOf(deps));
  }
  if (!created.ok) {
    const error = { message: created.error, code: 'REJECTED' };
    await deps.store.markFailed(document.id, error, deps.clock.now());
    log.warn({ error: created.error }, 'the API did not enqueue the entry; document failed');
    return { outcome: 'failed', error };
  }
  await step(deps, held, 'create-answered');

  const entryId = created.knowledgeBaseID;
  const recorded = await deps.store.recordEntryCreated(document.id, entryId, deps.clock.now());
  if (!recorded.ok) {
    await deps.api.deleteEntry(document.replicaUUID, entryId);
    return abandon(deps, held, recorded.detail);
  }
  if (recorded.supersededEntryId !== null) await discard(deps, held.document, recorded.supersededEntryId);
  await step(deps, held, 'entry-recorded');

  if (source.mode === 'file') {
    const put = await putBytes(deps, log, held, path, entryId, created.signedURL);
    if (put !== null) return put;
  }
  const processing = await deps.store.markProcessing(document.id, entryId, deps.clock.now());
  if (!processing.ok) return abandon(deps, held, processing.detail);
  await step(deps, held, 'processing');
  log.debug({ entryId, title }, 'uploaded');
  return { outcome: 'uploaded', entryId };
}

/** The PUT; null when the bytes arrived intact, else how the job ended. */
async function putBytes(
  deps: UploaderDeps,
  log: Logger,
  held: HeldUpload,
  path: string,
  entryId: number,
  signedURL: string | undefined,
): Promise<UploadOutcome | null> {
  const document = held.document;
  const giveUp = async (reason: ReleaseReason, detail: string): Promise<UploadOutcome> => {
    log.warn({ entryId, reason, detail }, 'upload abandoned; entry deleted, job released');
    const gone = await guard(() => discard(deps, document, entryId));
    if (typeof gone === 'object') return gone;
    return release(deps, held, reason, deps.clock.now() + retryDelayOf(deps));
  };
  if (signedURL === undefined) return giveUp('upload-failed', 'the create answered without a signed URL');
  // Never PUT a half-written file: the bytes must be the version that was extracted.
  if (!(await unchanged(path, document))) return giveUp('changed', 'file changed since extraction');
  let sent;
  try {
    const pending = deps.api.uploadFile(signedURL, path, { expectedSize: document.size });
    await step(deps, held, 'upload-sent');
    sent = await pending;
  } catch (error) {
    if (!(error instanceof SensayApiError)) throw error;
    return giveUp(error.code === 'FILE_CHANGED' ? 'changed' : 'upload-failed', `${error.code}: ${error.message}`);
  }
  if (sent.sha256 !== document.sha256) return giveUp('changed', 'bytes sent differ from the extracted version');
  await step(deps, held, 'upload-done');
  return null;
}

/**
 * The text the pass extracted (the bytes were just checked unchanged), from the text cache; on
 * a miss (cache lost, an older release's queue) the file is extracted again and cached for a
 * recreate. null: the file no longer gives the recorded text.
 */
async function textOf(deps: UploaderDeps, document: DocumentRecord, path: string): Promise<string | null> {
  if (document.textHash === null) return null;
  const cached = await deps.texts?.get(document.textHash);
  if (cached) return cached;
  const extracted = await deps.extractor.extract(path);
  if (!extracted.ok || extracted.textHash !== document.textHash) return null;
  await deps.texts?.put(extracted.textHash, extracted.text);
  return extracted.text;
}

async function unchanged(path: string, document: DocumentRecord): Promise<boolean> {
  const now = await fingerprintFile(path);
  return now.ok && now.size === document.size && now.sha256 === document.sha256;
}

/** The file is not the version that was extracted: the next scan sees the change and re-plans. */
async function changed(deps: UploaderDeps, log: Logger, held: HeldUpload, refund: boolean): Promise<UploadOutcome> {
  log.info({ relPath: held.document.relPath }, 'file changed since extraction; upload released for the next scan');
  return release(deps, held, 'changed', deps.clock.now() + retryDelayOf(deps), refund);
}

async function release(
  deps: UploaderDeps,
  held: HeldUpload,
  reason: ReleaseReason,
  notBefore: number,
  refund = false,
): Promise<UploadOutcome> {
  if (refund && held.slotId !== null) await deps.store.refundUploadSlot(held.slotId);
  const now = deps.clock.now();
  await deps.store.releaseJob({ jobId: held.job.id, owner: deps.owner, notBefore, now, error: { message: `upload released: ${reason}`, code: reason.toUpperCase() } });
  return { outcome: 'released', reason, notBefore };
}

async function abandon(deps: UploaderDeps, held: HeldUpload, detail: string, refund = false): Promise<UploadOutcome> {
  if (refund && held.slotId !== null) await deps.store.refundUploadSlot(held.slotId);
  // Completing (not releasing) the job: whatever moved the document has queued what it needs.
  await deps.store.completeJob(held.job.id, deps.owner, deps.clock.now());
  deps.log.child({ component: 'uploader' }).info({ jobId: held.job.id, detail }, 'upload abandoned');
  return { outcome: 'abandoned', detail };
}

/** Deletes an entry of ours from Sensay, then from the document. */
async function discard(deps: UploaderDeps, document: DocumentRecord, entryId: number): Promise<void> {
  await deps.api.deleteEntry(document.replicaUUID, entryId);
  await deps.store.forgetEntry(document.id, entryId, deps.clock.now());
}

/**
 * When the API cannot be reached mid-protocol, the job is left to its lease: it expires, and the
 * recovered claim reconciles, which is the only safe way back from not knowing.
 */
async function guard<T>(work: () => Promise<T>): Promise<T | UploadOutcome> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof SensayApiError && UNREACHABLE_CODES.has(error.code)) return { outcome: 'unreachable', error };
    throw error;
  }
}

async function step(deps: UploaderDeps, held: HeldUpload, at: ProtocolStep): Promise<void> {
  await deps.hooks?.at(at, { documentId: held.document.id, jobId: held.job.id });
}
