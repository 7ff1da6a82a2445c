import type { DocumentRecord } from '../store/store.js';
import type { KnownStat } from '../watchers/index.js';
import type { KnownDocument } from './plan-types.js';
import { STEP, type Steps } from './steps.js';

/**
 * How store rows look to the planner and to the stat-only scanner.
 *
 * `discovered` rows (a scan recorded the path, no decision yet) and `extracted` rows without an
 * entry are not known to the planner at all: their file is planned as a new one, and the
 * applier reuses the row by path. An `extracted` row that holds an entry is a replace whose
 * queueing a crash interrupted; it is shown with an impossible mtime so the planner sees a
 * changed file and plans the replace again.
 */
export function toKnownDocument(doc: DocumentRecord): KnownDocument | null {
  if (doc.state === 'discovered' || !isKnownToPlanner(doc)) return null;
  const liveEntry = doc.entryId ?? doc.previousEntryId;
  if (doc.state === 'extracted') {
    return { ...base(doc, liveEntry), state: 'ready', sha256: null, textHash: null, mtimeMs: -1 };
  }
  return { ...base(doc, liveEntry), state: doc.state === 'gone' ? 'deleted' : doc.state };
}

/** Whether `toKnownDocument` shows the row to the planner (without building what it shows). */
export function isKnownToPlanner(doc: DocumentRecord): boolean {
  if (doc.state === 'discovered') return false;
  return doc.state !== 'extracted' || (doc.entryId ?? doc.previousEntryId) !== null;
}

function base(doc: DocumentRecord, entryId: number | null): Omit<KnownDocument, 'state'> {
  return {
    id: doc.id,
    source: doc.sourceName,
    relPath: doc.relPath,
    replicaUUID: doc.replicaUUID,
    sha256: doc.sha256,
    textHash: doc.textHash,
    size: doc.size,
    mtimeMs: doc.mtimeMs,
    entryId,
    duplicateOf: doc.duplicateOf,
    rejectReason: doc.rejectReason,
    attempts: doc.attempts,
    discoveredAt: doc.discoveredAt,
  };
}

/**
 * What the scanner may skip reading: rows whose recorded version is a decision about exactly
 * those bytes. Tombstones, undecided rows and unhashed accepted rows are left out, so their
 * files count as changed and are read again.
 */
export function* knownStatsSteps(docs: readonly DocumentRecord[], sourceName: string): Steps<Map<string, KnownStat>> {
  const stats = new Map<string, KnownStat>();
  let count = 0;
  for (const doc of docs) {
    if (++count % STEP === 0) yield;
    if (doc.sourceName !== sourceName || !isSettledVersion(doc)) continue;
    // The row itself: it has size, mtimeMs and ino, and a new object each would be 100,000 more per pass.
    stats.set(doc.relPath, doc);
  }
  return stats;
}

export function isSettledVersion(doc: DocumentRecord): boolean {
  if (doc.state === 'discovered' || doc.state === 'extracted' || doc.state === 'gone' || doc.state === 'deleting') {
    return false;
  }
  // A rejection before the bytes were read (TOO_LARGE) has no hash and needs none.
  return doc.sha256 !== null || doc.state === 'rejected';
}
