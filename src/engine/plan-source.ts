import { admit, type LaterReason } from './plan-admission.js';
import type { CandidateOrigin } from './plan-dedupe.js';
import { PlanRecorder, identityOf } from './plan-recorder.js';
import type { AcceptedContent, SourceOutcome } from './plan-recorder.js';
import { pairRenames } from './plan-renames.js';
import type { KnownDocument, KnownState, PlanApproval, PlanSource, RootCheck, ScannedFile } from './plan-types.js';
import { heldForIncompleteScan, judgeDeletes } from './plan-valve.js';
import { STEP, type Steps } from './steps.js';

/** States whose document has, or is about to have, an entry carrying its content. */
const LIVE: ReadonlySet<KnownState> = new Set(['queued', 'uploading', 'processing', 'ready', 'errored']);
const TOMBSTONE: ReadonlySet<KnownState> = new Set(['deleting', 'deleted']);

type WithEntry = KnownDocument & { entryId: number };

/**
 * Compares one source's scan with what the store knows about it. Creates are left as
 * candidates: whether they are duplicates depends on every source feeding the same replica.
 */
export function classifySourceSteps(
  source: PlanSource,
  files: readonly ScannedFile[],
  docs: readonly KnownDocument[],
  scanComplete: boolean,
  context: DeleteContext = { root: { status: 'same' }, approval: undefined },
): Steps<SourceOutcome> {
  return new SourceClassifier(source, scanComplete, context).run(files, docs);
}

/** What the delete valve needs to know besides the scan: the root's device and an approval. */
export interface DeleteContext {
  readonly root: RootCheck;
  readonly approval: PlanApproval | undefined;
}

class SourceClassifier {
  private readonly rec: PlanRecorder;

  constructor(
    private readonly source: PlanSource,
    private readonly scanComplete: boolean,
    private readonly context: DeleteContext,
  ) {
    this.rec = new PlanRecorder(source);
  }

  *run(files: readonly ScannedFile[], docs: readonly KnownDocument[]): Steps<SourceOutcome> {
    const active = new Map<string, KnownDocument>();
    const tombstones = new Map<string, KnownDocument>();
    for (let i = 0; i < docs.length; i++) {
      const doc = docs[i] as KnownDocument;
      (TOMBSTONE.has(doc.state) ? tombstones : active).set(doc.relPath, doc);
      if (i % STEP === STEP - 1) yield;
    }

    const gone = new Map(active);
    const added: ScannedFile[] = [];
    const reappeared = new Set<KnownDocument>();
    let count = 0;
    for (const file of files) {
      if (++count % STEP === 0) yield;
      const doc = active.get(file.relPath);
      const tombstone = tombstones.get(file.relPath);
      if (doc) {
        gone.delete(file.relPath);
        this.examinePair(file, doc);
      } else if (tombstone) {
        reappeared.add(tombstone);
        this.examineNew(file, 'reappeared', tombstone);
      } else {
        added.push(file);
      }
    }
    for (let i = 0; i < docs.length; i++) {
      const doc = docs[i] as KnownDocument;
      if (TOMBSTONE.has(doc.state) && !reappeared.has(doc)) this.rec.none(doc, 'ALREADY_DELETED');
      if (i % STEP === STEP - 1) yield;
    }

    // A failed scan may simply not have reached the old path: no renames without a full view.
    const pairs = this.scanComplete ? pairRenames([...gone.values()], added.filter((f) => this.renameTarget(f))) : [];
    const renamed = new Set<ScannedFile>();
    for (const { from, to } of pairs) {
      gone.delete(from.relPath);
      renamed.add(to);
      this.rename(from, to);
    }
    for (const file of added) {
      if (!renamed.has(file)) this.examineNew(file, 'new');
      if (++count % STEP === 0) yield;
    }
    yield* this.handleGone([...gone.values()], active.size);
    return this.rec.out;
  }

  private renameTarget(file: ScannedFile): boolean {
    return file.sha256 !== null && admit(file, this.source).verdict !== 'later';
  }

  private rename(doc: KnownDocument, file: ScannedFile): void {
    if (doc.state === 'duplicate' && doc.sha256 !== null) {
      // Still a duplicate only if its original survives this plan; dedupe decides.
      const recorded = { sha256: doc.sha256, textHash: doc.textHash };
      this.rec.candidate(file, 'duplicate', doc, recorded, { fromPath: doc.relPath });
      return;
    }
    this.rec.rename(doc, file);
    if (LIVE.has(doc.state)) this.rec.live(doc, file.relPath, identityOf(doc, file));
  }

  private examinePair(file: ScannedFile, doc: KnownDocument): void {
    const statChanged = file.size !== doc.size || file.mtimeMs !== doc.mtimeMs;
    if (file.extraction === null) {
      if (statChanged) return this.keepAsIs(doc, file, 'NOT_EXAMINED');
      return this.unchanged(doc, file, false);
    }
    const bytesChanged =
      file.sha256 !== null && doc.sha256 !== null ? file.sha256 !== doc.sha256 : statChanged;
    if (doc.state === 'rejected' || doc.state === 'failed') {
      if (!bytesChanged && !statChanged) return this.unchanged(doc, file, false);
      return this.reexamine(file, doc, 'reexamined');
    }
    if (doc.state === 'duplicate') {
      if (!bytesChanged) return this.unchanged(doc, file, statChanged);
      return this.reexamine(file, doc, 'changed');
    }
    // Text mode uploads text, not bytes: a re-saved file with the same text needs no slot.
    const compareText = this.source.mode === 'text' && file.extraction.ok && file.textHash != null && doc.textHash !== null;
    const contentChanged = compareText ? file.textHash !== doc.textHash : bytesChanged;
    if (contentChanged) return this.reexamine(file, doc, 'changed');
    if (doc.replicaUUID !== this.source.replicaUUID) return this.reexamine(file, doc, 'changed', true);
    this.rec.none(doc, bytesChanged ? 'TEXT_UNCHANGED' : statChanged ? 'METADATA_CHANGED' : 'UNCHANGED', file);
    this.rec.live(doc, file.relPath, identityOf(doc, file));
  }

  /** The bytes are the ones the store recorded. */
  private unchanged(doc: KnownDocument, file: ScannedFile, metadataChanged: boolean): void {
    if (doc.state === 'rejected') return this.rec.none(doc, 'REJECTED_UNCHANGED', file);
    if (doc.state === 'failed') return this.rec.none(doc, 'FAILED_UNCHANGED', file);
    if (doc.sha256 === null) return this.keepAsIs(doc, file, 'NOT_EXAMINED');
    const recorded: AcceptedContent = { sha256: doc.sha256, textHash: doc.textHash };
    if (doc.state === 'duplicate') {
      return this.rec.candidate(file, 'duplicate', doc, recorded, { metadataChanged });
    }
    if (doc.replicaUUID !== this.source.replicaUUID) {
      if (hasEntry(doc)) return this.rec.replace(file, doc, recorded, 'REPLICA_CHANGED');
      return this.rec.candidate(file, 'changed', doc, recorded);
    }
    this.rec.none(doc, 'UNCHANGED', file);
    this.rec.live(doc, file.relPath, identityOf(doc, file));
  }

  /** Content changed, or a rejected/failed file was touched: judge it afresh. */
  private reexamine(file: ScannedFile, doc: KnownDocument, origin: CandidateOrigin, replicaOnly = false): void {
    const admission = admit(file, this.source);
    if (admission.verdict === 'later') return this.keepAsIs(doc, file, admission.reason);
    if (admission.verdict === 'reject') {
      this.rec.reject(file, admission, doc);
      // The previous version's entry keeps serving until a version that passes replaces it.
      if (LIVE.has(doc.state) && doc.entryId !== null) this.rec.live(doc, doc.relPath, identityOf(doc));
      return;
    }
    if (!hasEntry(doc)) return this.rec.candidate(file, origin, doc, admission);
    const textHash = admission.textHash;
    if (origin === 'changed' && !replicaOnly && textHash !== null && canUpdateInPlace(this.source, doc)) {
      return this.rec.update(file, doc, { ...admission, textHash });
    }
    const reason = origin === 'reexamined' ? 'REEXAMINED' : replicaOnly ? 'REPLICA_CHANGED' : 'CHANGED';
    this.rec.replace(file, doc, admission, reason);
  }

  private examineNew(file: ScannedFile, origin: 'new' | 'reappeared', tombstone?: KnownDocument): void {
    const admission = admit(file, this.source);
    if (admission.verdict === 'later') return this.rec.none(tombstone ?? file, admission.reason, file);
    if (admission.verdict === 'reject') return this.rec.reject(file, admission, tombstone);
    this.rec.candidate(file, origin, tombstone, admission);
  }

  private *handleGone(gone: KnownDocument[], knownCount: number): Steps<void> {
    if (gone.length === 0) return;
    if (!this.scanComplete) {
      this.rec.held(heldForIncompleteScan(this.source, gone, knownCount));
      return yield* this.leave(gone, 'SCAN_INCOMPLETE');
    }
    if (this.source.onDelete === 'keep') return yield* this.leave(gone, 'KEPT');
    const decision = judgeDeletes({ source: this.source, gone, known: knownCount, root: this.context.root, approval: this.context.approval });
    if (decision.held) this.rec.held(decision.held);
    const released = new Set(decision.release);
    for (const doc of gone) if (released.has(doc)) this.rec.delete(doc);
    yield* this.leave(gone.filter((doc) => !released.has(doc)), 'DELETE_HELD');
  }

  private *leave(docs: readonly KnownDocument[], reason: 'SCAN_INCOMPLETE' | 'KEPT' | 'DELETE_HELD'): Steps<void> {
    for (let i = 0; i < docs.length; i++) {
      const doc = docs[i] as KnownDocument;
      this.rec.none(doc, reason);
      if (LIVE.has(doc.state)) this.rec.live(doc, doc.relPath, identityOf(doc));
      if (i % STEP === STEP - 1) yield;
    }
  }

  /** Leaves the document exactly as the store has it; a later scan looks again. */
  private keepAsIs(doc: KnownDocument, file: ScannedFile, reason: LaterReason): void {
    this.rec.none(doc, reason, file);
    if (LIVE.has(doc.state)) this.rec.live(doc, doc.relPath, identityOf(doc));
  }
}

/** States whose entry carries a whole version that a PATCH can overwrite (not errored, not failed). */
const PATCHABLE: ReadonlySet<KnownState> = new Set(['queued', 'processing', 'ready']);

function canUpdateInPlace(source: PlanSource, doc: WithEntry): boolean {
  return (
    source.mode === 'text' &&
    source.update === 'in-place' &&
    PATCHABLE.has(doc.state) &&
    doc.replicaUUID === source.replicaUUID &&
    doc.textHash !== null
  );
}

function hasEntry(doc: KnownDocument): doc is WithEntry {
  return doc.entryId !== null;
}
