import { ContentIndex, sameContent } from './plan-content-index.js';
import type { ContentIdentity, ContentRef } from './plan-content-index.js';
import { compareOrder } from './plan-order.js';
import type { OrderKey } from './plan-order.js';
import type { CreateReason, DuplicateFile, DuplicateReason, PlanJob, PlanWarning } from './plan-types.js';
import { STEP, type Steps } from './steps.js';

export interface Keyed<T> {
  readonly key: OrderKey;
  readonly item: T;
}

/**
 * Where a candidate came from: a new path, a changed or re-examined document without an entry,
 * a tombstoned path that came back, or a known duplicate whose original must be re-checked.
 */
export type CandidateOrigin = 'new' | 'changed' | 'reexamined' | 'reappeared' | 'duplicate';

/** Accepted content that needs an entry unless one in its replica already carries it. */
export interface Candidate {
  readonly key: OrderKey;
  readonly origin: CandidateOrigin;
  readonly source: string;
  readonly relPath: string;
  readonly replicaUUID: string;
  readonly sha256: string;
  readonly textHash: string | null;
  /** File mode: the bytes alone are the identity, the text hash never dedupes (DESIGN §11). */
  readonly byBytes: boolean;
  readonly documentId?: number;
  readonly fromPath?: string;
  readonly warning?: PlanWarning;
  /** For origin `duplicate`: the document it points at today. */
  readonly duplicateOf?: number | null;
  /** For origin `duplicate`: size/mtime moved but the bytes did not. */
  readonly metadataChanged?: boolean;
}

/** A known document whose entry carries `identity` once this plan is applied. */
export interface LiveDocument {
  readonly key: OrderKey;
  readonly documentId: number;
  readonly relPath: string;
  readonly source: string;
  readonly identity: ContentIdentity;
}

const CREATE_REASON: Record<CandidateOrigin, CreateReason> = {
  new: 'NEW',
  changed: 'CHANGED',
  reexamined: 'REEXAMINED',
  reappeared: 'REAPPEARED',
  duplicate: 'PROMOTED',
};

const DUPLICATE_REASON: Record<CandidateOrigin, DuplicateReason> = {
  new: 'NEW',
  changed: 'CHANGED',
  reexamined: 'REEXAMINED',
  reappeared: 'REAPPEARED',
  duplicate: 'REPOINTED',
};

/**
 * Decides create vs duplicate, in plan order: live documents are originals first, then each
 * created candidate becomes the original for the candidates after it.
 */
export function* resolveCandidateSteps(
  candidates: readonly Candidate[],
  live: readonly LiveDocument[],
): Steps<{ jobs: Array<Keyed<PlanJob>>; duplicates: Array<Keyed<DuplicateFile>> }> {
  const index = new ContentIndex();
  const liveById = new Map<number, LiveDocument>();
  let count = 0;
  for (const doc of [...live].sort((a, b) => compareOrder(a.key, b.key))) {
    index.register(doc.identity, { source: doc.source, relPath: doc.relPath, documentId: doc.documentId });
    liveById.set(doc.documentId, doc);
    if (++count % STEP === 0) yield;
  }

  const jobs: Array<Keyed<PlanJob>> = [];
  const duplicates: Array<Keyed<DuplicateFile>> = [];
  for (const candidate of [...candidates].sort((a, b) => compareOrder(a.key, b.key))) {
    if (++count % STEP === 0) yield;
    const identity: ContentIdentity = {
      replicaUUID: candidate.replicaUUID,
      sha256: candidate.sha256,
      textHash: candidate.byBytes ? null : candidate.textHash,
    };
    const original = candidate.duplicateOf == null ? undefined : liveById.get(candidate.duplicateOf);
    if (original && sameContent(original.identity, identity)) {
      jobs.push({ key: candidate.key, item: stillDuplicate(candidate) });
      continue;
    }
    const hit = index.find(identity);
    if (hit && hit.documentId !== undefined && hit.documentId === candidate.duplicateOf) {
      jobs.push({ key: candidate.key, item: stillDuplicate(candidate) });
    } else if (hit) {
      duplicates.push({ key: candidate.key, item: duplicateOf(candidate, hit) });
    } else {
      jobs.push({ key: candidate.key, item: create(candidate) });
      index.register(identity, {
        source: candidate.source,
        relPath: candidate.relPath,
        ...(candidate.documentId !== undefined && { documentId: candidate.documentId }),
      });
    }
  }
  return { jobs, duplicates };
}

function stillDuplicate(c: Candidate): PlanJob {
  const base = { source: c.source, relPath: c.relPath, replicaUUID: c.replicaUUID };
  if (c.fromPath !== undefined && c.documentId !== undefined) {
    return { ...base, action: 'rename', reason: 'MOVED', documentId: c.documentId, fromPath: c.fromPath };
  }
  return {
    ...base,
    action: 'none',
    reason: c.metadataChanged ? 'METADATA_CHANGED' : 'DUPLICATE',
    ...(c.documentId !== undefined && { documentId: c.documentId }),
  };
}

function duplicateOf(c: Candidate, hit: ContentRef): DuplicateFile {
  return {
    source: c.source,
    relPath: c.relPath,
    reason: DUPLICATE_REASON[c.origin],
    duplicateOfSource: hit.source,
    duplicateOfPath: hit.relPath,
    ...(hit.documentId !== undefined && { duplicateOfId: hit.documentId }),
    ...(c.documentId !== undefined && { documentId: c.documentId }),
    ...(c.fromPath !== undefined && { fromPath: c.fromPath }),
    sha256: c.sha256,
    textHash: c.textHash,
  };
}

function create(c: Candidate): PlanJob {
  return {
    action: 'create',
    source: c.source,
    relPath: c.relPath,
    replicaUUID: c.replicaUUID,
    reason: CREATE_REASON[c.origin],
    ...(c.documentId !== undefined && { documentId: c.documentId }),
    ...(c.fromPath !== undefined && { fromPath: c.fromPath }),
    sha256: c.sha256,
    textHash: c.textHash,
    ...(c.warning !== undefined && { warning: c.warning }),
  };
}
