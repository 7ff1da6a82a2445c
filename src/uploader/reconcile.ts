import type { Logger } from 'pino';
import type { Clock } from '../clock/clock.js';
import type { SourceConfig } from '../config/types.js';
import type { KnowledgeBaseEntry, SensayClient } from '../sensay/client.js';
import type { DocumentRecord, Store } from '../store/store.js';
import { entryOfCurrentUpload } from './current-upload.js';
import { classifyListing, expectedEntryIds, mayBeOurs, needsListing, type ListingVerdict } from './drift.js';
import { awaitingBytes, hasError, listEntriesTitled } from './entry-finder.js';
import { indexSources } from './source-index.js';
import { readUnadopted, writeUnadopted, type UnadoptedEntry } from './unadopted.js';

export interface ReconcileDeps {
  clock: Clock;
  store: Store;
  api: SensayClient;
  log: Logger;
  sources: readonly SourceConfig[];
}

export interface ReconcileReport {
  /** Entries the store did not know (or had not marked uploaded) that were complete and kept. */
  adopted: number;
  /** Entries titled like ours that a crash of ours left unrecorded, deleted. */
  deletedOrphans: number;
  /** Documents whose entry vanished from Sensay, queued to upload again (within the budget). */
  requeued: number;
  /** Replicas whose count differed from the store's expectation, so they were listed. */
  listed: number;
  /** Entries no document owns, left alone and reported as unadopted. */
  unknown: number;
}

/** What the start-up check of one replica found, with the listing when one was needed. */
export interface ReplicaCheck {
  readonly report: ReconcileReport;
  /** Entries the store does not account for, as listed now (adoption proves them after the pass). */
  readonly unknownEntries: readonly KnowledgeBaseEntry[];
}

/** What a claimed upload must do after reconciling its document. */
export type ClaimReconciliation =
  | { action: 'adopted'; entryId: number }
  /** Nothing usable exists on the server: a fresh create is needed. `deleted` half-made entries went. */
  | { action: 'upload'; deleted: number };

export function emptyReconcileReport(): ReconcileReport {
  return { adopted: 0, deletedOrphans: 0, requeued: 0, listed: 0, unknown: 0 };
}

/**
 * Start-up check of one replica (DECISIONS "Drift and no-op runs"). The `pageSize=0` count is
 * the credentials check (a wrong secret throws here, before anything else) and, against the
 * entries the store expects, says whether anything drifted. Equal: done, one request. Different:
 * one listing repairs it: orphans of our crashes are deleted, entries that vanished are uploaded
 * again, entries nobody owns are recorded as unadopted (never deleted).
 */
export async function reconcileReplica(deps: ReconcileDeps, replicaUUID: string, options: { signal?: AbortSignal } = {}): Promise<ReplicaCheck> {
  const log = deps.log.child({ component: 'reconcile' });
  const report = emptyReconcileReport();
  const total = await deps.api.countEntries(replicaUUID, {}, options);
  const documents = await deps.store.listDocuments({ replicaUUID });
  const unadopted = await readUnadopted(deps.store, replicaUUID);
  const expected = expectedEntryIds(documents, unadopted.map((e) => e.id));
  if (!needsListing(total, expected.size)) return { report, unknownEntries: [] };

  report.listed = 1;
  const entries: KnowledgeBaseEntry[] = [];
  for await (const entry of deps.api.iterateEntries(replicaUUID, {}, { signal: options.signal })) entries.push(entry);
  const index = indexSources(deps.sources);
  const verdict = classifyListing({
    entries,
    documents,
    titleOf: (doc) => index.titleOf(doc),
    knownUnadopted: new Set(unadopted.map((e) => e.id)),
    firstClaimAt: await firstClaims(deps.store, documents, entries, (doc) => index.titleOf(doc)),
    offset: deps.api.serverClock(),
  });
  log.info({ replicaUUID, total, expected: expected.size, orphans: verdict.orphans.length, unknown: verdict.unknown.length, missing: verdict.missing.length }, 'replica drifted from the state; repairing from one listing');
  await repair(deps, log, verdict, report);
  const left: UnadoptedEntry[] = verdict.unknown.map(({ entry, why }) => ({ replicaUUID, id: entry.id, title: typeof entry.title === 'string' ? entry.title : null, why }));
  await writeUnadopted(deps.store, replicaUUID, left);
  report.unknown = left.length;
  return { report, unknownEntries: verdict.unknown.map((u) => u.entry) };
}

async function repair(deps: ReconcileDeps, log: Logger, verdict: ListingVerdict, report: ReconcileReport): Promise<void> {
  for (const { entry, doc } of verdict.orphans) {
    // Re-read: the listing is older than this moment.
    const now = await deps.store.getDocument(doc.id);
    if (!now || now.state === 'uploading' || isRecorded(now, entry.id)) continue;
    await deleteOrphan(deps, log, now, entry, 'orphan');
    report.deletedOrphans++;
  }
  for (const { doc, entryId } of verdict.missing) {
    if (await repairMissing(deps, doc, entryId)) report.requeued++;
  }
}

/**
 * A recorded entry the replica no longer has. A ready document uploads again (a normal create,
 * within the budget); an entry in flight is the poller's (its 404 path); elsewhere it is forgotten.
 * True when an upload was queued.
 */
async function repairMissing(deps: ReconcileDeps, listed: DocumentRecord, entryId: number): Promise<boolean> {
  const doc = await deps.store.getDocument(listed.id);
  if (!doc || !isRecorded(doc, entryId)) return false;
  if (['processing', 'errored', 'uploading', 'deleting'].includes(doc.state) && doc.entryId === entryId) return false;
  // A listing can miss an entry (pages shift when others are deleted meanwhile): only a 404 proves it gone.
  if ((await deps.api.getEntry(doc.replicaUUID, entryId)) !== null) return false;
  const now = deps.clock.now();
  await deps.store.forgetEntry(doc.id, entryId, now);
  await event(deps, doc, 'reconcile.entry-missing', { entryId });
  if (doc.state !== 'ready' || doc.entryId !== entryId) return false;
  const queued = await deps.store.queueUpload({ documentId: doc.id, kind: 'create', now });
  return queued.ok;
}

/** The local time of the first upload claim of each document that has a same-titled unknown entry. */
async function firstClaims(
  store: Store,
  documents: readonly DocumentRecord[],
  entries: readonly KnowledgeBaseEntry[],
  titleOf: (doc: DocumentRecord) => string,
): Promise<Map<number, number>> {
  const recorded = expectedEntryIds(documents, []);
  const titles = new Set(entries.filter((e) => !recorded.has(e.id) && typeof e.title === 'string').map((e) => e.title as string));
  const claims = new Map<number, number>();
  for (const doc of documents) {
    if (!titles.has(titleOf(doc))) continue;
    const at = await firstClaimAt(store, doc.id);
    if (at !== undefined) claims.set(doc.id, at);
  }
  return claims;
}

async function firstClaimAt(store: Store, documentId: number): Promise<number | undefined> {
  const [first] = await store.listEvents({ documentId, types: ['upload-claimed'], limit: 1 });
  return first?.at;
}

/**
 * Reconciles the document of an upload job this process holds but whose history it does not
 * know: a job recovered from a crashed owner, or a create whose answer was lost. Never POSTs.
 * Finds entries by title (`search` when the title is long enough), matches exactly here, and
 * judges an unrecorded one ours only if it may have been created after our first claim.
 */
export async function reconcileClaim(
  deps: ReconcileDeps,
  documentId: number,
  options: { signal?: AbortSignal } = {},
): Promise<ClaimReconciliation> {
  const log = deps.log.child({ component: 'reconcile' });
  const index = indexSources(deps.sources);
  const doc = await deps.store.getDocument(documentId);
  if (!doc) return { action: 'upload', deleted: 0 };
  const mode = index.source(doc.sourceName)?.mode ?? 'file';
  const title = index.titleOf(doc);
  const recorded = await entryOfCurrentUpload(deps.store, doc);
  const listed = await listEntriesTitled(deps.api, doc.replicaUUID, new Set([title]), { narrowTo: title, ...options });
  const claimedAt = await firstClaimAt(deps.store, doc.id);
  const leftAlone = new Set((await readUnadopted(deps.store, doc.replicaUUID)).map((e) => e.id));
  const offset = deps.api.serverClock();
  const unknown = listed
    .filter((e) => !isRecorded(doc, e.id) && !leftAlone.has(e.id) && mayBeOurs(e, claimedAt ?? doc.discoveredAt, offset))
    .sort((a, b) => b.id - a.id);
  let deleted = 0;

  if (recorded !== null && doc.state === 'uploading') {
    for (const extra of unknown) {
      await deleteOrphan(deps, log, doc, extra, 'duplicate');
      deleted++;
    }
    const entry = listed.find((e) => e.id === recorded) ?? (await deps.api.getEntry(doc.replicaUUID, recorded, options));
    if (entry && usable(entry, mode)) return adopt(deps, log, doc, recorded, false);
    if (entry) await deps.api.deleteEntry(doc.replicaUUID, recorded, options);
    await deps.store.forgetEntry(doc.id, recorded, deps.clock.now());
    await event(deps, doc, 'reconcile.requeued', { entryId: recorded, reason: entry ? 'incomplete' : 'gone' });
    return { action: 'upload', deleted: deleted + 1 };
  }

  // Only an upload in progress can adopt; for any other state these entries are leftovers.
  const keep = mode === 'text' && doc.state === 'uploading' ? unknown.find((e) => usable(e, mode)) : undefined;
  for (const entry of unknown) {
    if (entry === keep) continue;
    await deleteOrphan(deps, log, doc, entry, awaitingBytes(entry) ? 'incomplete' : 'orphan');
    deleted++;
  }
  if (keep) return adopt(deps, log, doc, keep.id, true);
  if (deleted > 0) await event(deps, doc, 'reconcile.requeued', { deleted });
  return { action: 'upload', deleted };
}

/** A file entry that got its bytes, or a text entry that has not failed. */
function usable(entry: KnowledgeBaseEntry, mode: 'file' | 'text'): boolean {
  return mode === 'text' ? !hasError(entry) : !awaitingBytes(entry);
}

function isRecorded(doc: DocumentRecord, entryId: number): boolean {
  return doc.entryId === entryId || doc.previousEntryId === entryId;
}

async function adopt(
  deps: ReconcileDeps,
  log: Logger,
  doc: DocumentRecord,
  entryId: number,
  record: boolean,
): Promise<ClaimReconciliation> {
  const now = deps.clock.now();
  if (record) {
    const created = await deps.store.recordEntryCreated(doc.id, entryId, now);
    if (!created.ok) throw new ReconcileError(doc, created.detail);
  }
  const processing = await deps.store.markProcessing(doc.id, entryId, now);
  if (!processing.ok) throw new ReconcileError(doc, processing.detail);
  await event(deps, doc, 'reconcile.adopted', { entryId });
  log.info({ documentId: doc.id, relPath: doc.relPath, entryId }, 'adopted an entry created before a crash');
  return { action: 'adopted', entryId };
}

async function deleteOrphan(
  deps: ReconcileDeps,
  log: Logger,
  doc: DocumentRecord,
  entry: KnowledgeBaseEntry,
  why: 'orphan' | 'duplicate' | 'incomplete',
): Promise<void> {
  const outcome = await deps.api.deleteEntry(doc.replicaUUID, entry.id);
  await event(deps, doc, 'reconcile.deleted', { entryId: entry.id, why, status: String(entry.status), outcome });
  log.info({ documentId: doc.id, relPath: doc.relPath, entryId: entry.id, why }, 'deleted an entry of ours no document records');
}

async function event(deps: ReconcileDeps, doc: DocumentRecord, type: string, detail: Record<string, string | number>): Promise<void> {
  await deps.store.appendEvent({ at: deps.clock.now(), type, documentId: doc.id, detail });
}

/** The store refused a transition reconciliation needed (another process moved the document). */
export class ReconcileError extends Error {
  override readonly name = 'ReconcileError';
  readonly code = 'RECONCILE_CONFLICT';
  readonly documentId: number;
  constructor(doc: DocumentRecord, detail: string) {
    super(`could not reconcile document ${doc.id} (${doc.relPath}): ${detail}`);
    this.documentId = doc.id;
  }
}
