import type { ClockOffset, KnowledgeBaseEntry } from '../sensay/client.js';
import { serverTimeOnLocalClock } from '../sensay/server-clock.js';
import type { DocumentRecord, DocumentState } from '../store/store.js';
import type { UnadoptedReason } from './content-proof.js';

/**
 * Drift between the store and a replica (DECISIONS "Drift and no-op runs"), as pure decisions:
 * the `pageSize=0` count against what the store expects says whether a listing is needed at all;
 * the listing, classified here, says what to repair. Server timestamps are read on our clock
 * through the offset seen in `Date`, with its margin, never raw.
 */

/** Every entry the store expects in the replica: recorded by a document, or known and left alone. */
export function expectedEntryIds(documents: readonly DocumentRecord[], unadoptedIds: Iterable<number>): Set<number> {
  const ids = new Set<number>(unadoptedIds);
  for (const doc of documents) {
    if (doc.entryId !== null) ids.add(doc.entryId);
    if (doc.previousEntryId !== null) ids.add(doc.previousEntryId);
  }
  return ids;
}

/** Equal counts: nothing more to ask. (An entry deleted and a foreign one added cancel out until the next difference.) */
export function needsListing(total: number, expected: number): boolean {
  return total !== expected;
}

export interface ListingInput {
  entries: readonly KnowledgeBaseEntry[];
  documents: readonly DocumentRecord[];
  titleOf(doc: DocumentRecord): string;
  /** Ids already reported as unadopted: never judged orphans, whatever their age. */
  knownUnadopted: ReadonlySet<number>;
  /** Local time of each document's first upload claim (none: this store never uploaded it). */
  firstClaimAt: ReadonlyMap<number, number>;
  offset: ClockOffset;
}

export interface ListingVerdict {
  /** Entries a crash of ours left unrecorded: deleted. */
  orphans: { entry: KnowledgeBaseEntry; doc: DocumentRecord }[];
  /** Entries the store does not account for, left alone and reported. */
  unknown: { entry: KnowledgeBaseEntry; why: UnadoptedReason }[];
  /** Recorded entries the replica no longer has. */
  missing: { doc: DocumentRecord; entryId: number }[];
}

const AWAITING_FIRST_UPLOAD: readonly DocumentState[] = ['discovered', 'extracted', 'queued'];

export function classifyListing(input: ListingInput): ListingVerdict {
  const recorded = new Map<number, DocumentRecord>();
  const byTitle = new Map<string, DocumentRecord>();
  for (const doc of input.documents) {
    if (doc.entryId !== null) recorded.set(doc.entryId, doc);
    if (doc.previousEntryId !== null) recorded.set(doc.previousEntryId, doc);
    const title = input.titleOf(doc);
    const seen = byTitle.get(title);
    if (!seen || seen.state === 'gone') byTitle.set(title, doc);
  }
  const verdict: ListingVerdict = { orphans: [], unknown: [], missing: [] };
  const listed = new Set<number>();
  for (const entry of input.entries) {
    listed.add(entry.id);
    if (recorded.has(entry.id)) continue;
    const doc = typeof entry.title === 'string' ? byTitle.get(entry.title) : undefined;
    if (!doc || doc.state === 'gone') {
      verdict.unknown.push({ entry, why: 'no-document' });
      continue;
    }
    // The job holder (or whoever recovers its lease) settles an entry of an upload in flight.
    if (doc.state === 'uploading') continue;
    if (!input.knownUnadopted.has(entry.id) && mayBeOurs(entry, input.firstClaimAt.get(doc.id), input.offset)) {
      verdict.orphans.push({ entry, doc });
      continue;
    }
    const waiting = AWAITING_FIRST_UPLOAD.includes(doc.state) && doc.entryId === null && doc.previousEntryId === null;
    verdict.unknown.push({ entry, why: waiting ? 'no-document' : 'title-taken' });
  }
  for (const [entryId, doc] of recorded) if (!listed.has(entryId)) verdict.missing.push({ doc, entryId });
  return verdict;
}

/**
 * An unrecorded entry can be ours only if this store ever claimed an upload of the document and
 * the entry may have been created after that claim: its `createdAt`, read on our clock, plus the
 * margin reaches the claim. Older entries (a lost state's, someone else's) are never ours.
 */
export function mayBeOurs(entry: KnowledgeBaseEntry, firstClaimAt: number | undefined, offset: ClockOffset): boolean {
  if (firstClaimAt === undefined) return false;
  const created = serverTimeOnLocalClock(entry.createdAt, offset);
  // No readable createdAt: nothing proves it ours, and what is not proven ours is never deleted.
  return created !== null && created.latest >= firstClaimAt;
}
