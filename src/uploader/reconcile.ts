import type { Logger } from 'pino';
import type { Clock } from '../clock/clock.js';
import type { SourceConfig } from '../config/types.js';
import type { KnowledgeBaseEntry, SensayClient } from '../sensay/client.js';
import type { DocumentRecord, Store } from '../store/store.js';
import { entryOfCurrentUpload } from './current-upload.js';
import { awaitingBytes, createdAtOf, hasError, listEntriesTitled, titleOf } from './entry-finder.js';
import { indexSources } from './source-index.js';

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
  /** Entries titled like ours that no document owns, deleted. */
  deletedOrphans: number;
  /** Documents whose half-made entry was deleted so that they upload again. */
  requeued: number;
}

/** What a claimed upload must do after reconciling its document. */
export type ClaimReconciliation =
  | { action: 'adopted'; entryId: number }
  /** Nothing usable exists on the server: a fresh create is needed. `deleted` half-made entries went. */
  | { action: 'upload'; deleted: number };

/**
 * Start-up sweep of one replica (DESIGN §6): deletes entries titled like one of our documents
 * whose id no document records and that were created after the document was discovered.
 * Documents being uploaded are left to whoever holds (or recovers) their job: only the holder
 * can tell a half-made entry from one that is about to be recorded.
 */
export async function reconcileReplica(
  deps: ReconcileDeps,
  replicaUUID: string,
  options: { signal?: AbortSignal } = {},
): Promise<ReconcileReport> {
  const log = deps.log.child({ component: 'reconcile' });
  const index = indexSources(deps.sources);
  const feeding = index.sourcesOf(replicaUUID);
  const documents = (await deps.store.listDocuments({ replicaUUID })).filter((d) => feeding.has(d.sourceName));
  const byTitle = new Map<string, DocumentRecord>();
  for (const doc of documents) byTitle.set(index.titleOf(doc), doc);
  const report: ReconcileReport = { adopted: 0, deletedOrphans: 0, requeued: 0 };
  if (byTitle.size === 0) return report;

  const entries = await listEntriesTitled(deps.api, replicaUUID, new Set(byTitle.keys()), options);
  for (const entry of entries) {
    const listed = byTitle.get(titleOf(entry) ?? '');
    if (!listed) continue;
    // Re-read: the listing is older than this moment, so a document that records the entry now,
    // or is being uploaded now, is not an orphan's owner.
    const doc = await deps.store.getDocument(listed.id);
    if (!doc || doc.state === 'uploading' || isRecorded(doc, entry.id)) continue;
    if (createdAtOf(entry) < doc.discoveredAt) continue;
    await deleteOrphan(deps, log, doc, entry, 'orphan');
    report.deletedOrphans++;
  }
  if (report.deletedOrphans > 0) log.info({ replicaUUID, ...report }, 'reconciled replica');
  return report;
}

/**
 * Reconciles the document of an upload job this process holds but whose history it does not
 * know: a job recovered from a crashed owner, or a create whose answer was lost. Never POSTs.
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
  const unknown = listed
    .filter((e) => !isRecorded(doc, e.id) && createdAtOf(e) >= doc.discoveredAt)
    .sort((a, b) => createdAtOf(b) - createdAtOf(a) || b.id - a.id);
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
  log.info({ documentId: doc.id, relPath: doc.relPath, entryId: entry.id, why }, 'deleted an entry no document owns');
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
