import type { Candidate, CandidateOrigin, Keyed, LiveDocument } from './plan-dedupe.js';
import type { ContentIdentity } from './plan-content-index.js';
import type { OrderKey } from './plan-order.js';
import type {
  HeldDeletes,
  KnownDocument,
  NoneReason,
  PlanJob,
  PlanSource,
  PlanWarning,
  RejectedFile,
  ReplaceReason,
  ScannedFile,
} from './plan-types.js';

export interface SourceOutcome {
  readonly jobs: Array<Keyed<PlanJob>>;
  readonly rejected: Array<Keyed<RejectedFile>>;
  readonly held: HeldDeletes[];
  readonly candidates: Candidate[];
  readonly live: LiveDocument[];
}

export interface AcceptedContent {
  readonly sha256: string;
  readonly textHash: string | null;
  readonly warning?: PlanWarning;
}

/** Writes one source's decisions down in the plan's shapes; decides nothing itself. */
export class PlanRecorder {
  readonly out: SourceOutcome = { jobs: [], rejected: [], held: [], candidates: [], live: [] };

  constructor(readonly source: PlanSource) {}

  rename(doc: KnownDocument, file: ScannedFile): void {
    this.out.jobs.push({
      key: this.key(file.relPath, doc, file),
      item: {
        action: 'rename',
        reason: 'MOVED',
        source: this.source.name,
        relPath: file.relPath,
        fromPath: doc.relPath,
        replicaUUID: doc.replicaUUID,
        documentId: doc.id,
        ...(doc.entryId !== null && { entryId: doc.entryId }),
      },
    });
  }

  /** The caller guarantees `doc.entryId` is set: a replace always has a predecessor entry. */
  replace(file: ScannedFile, doc: KnownDocument & { entryId: number }, content: AcceptedContent, reason: ReplaceReason): void {
    this.out.jobs.push({
      key: this.key(file.relPath, doc, file),
      item: {
        action: 'replace',
        reason,
        source: this.source.name,
        relPath: file.relPath,
        replicaUUID: this.source.replicaUUID,
        documentId: doc.id,
        entryId: doc.entryId,
        ...(doc.replicaUUID !== this.source.replicaUUID && { previousReplicaUUID: doc.replicaUUID }),
        sha256: content.sha256,
        textHash: content.textHash,
        ...(content.warning !== undefined && { warning: content.warning }),
      },
    });
    this.live(doc, file.relPath, {
      replicaUUID: this.source.replicaUUID,
      sha256: content.sha256,
      textHash: content.textHash,
    });
  }

  /** The caller guarantees an entry and a text: the entry's text is patched in place. */
  update(file: ScannedFile, doc: KnownDocument & { entryId: number }, content: AcceptedContent & { textHash: string }): void {
    this.out.jobs.push({
      key: this.key(file.relPath, doc, file),
      item: {
        action: 'update',
        reason: 'CHANGED',
        source: this.source.name,
        relPath: file.relPath,
        replicaUUID: doc.replicaUUID,
        documentId: doc.id,
        entryId: doc.entryId,
        sha256: content.sha256,
        textHash: content.textHash,
      },
    });
    this.live(doc, file.relPath, { replicaUUID: doc.replicaUUID, sha256: content.sha256, textHash: content.textHash });
  }

  delete(doc: KnownDocument): void {
    this.out.jobs.push({
      key: this.key(doc.relPath, doc),
      item: {
        action: 'delete',
        reason: 'FILE_DELETED',
        source: this.source.name,
        relPath: doc.relPath,
        replicaUUID: doc.replicaUUID,
        documentId: doc.id,
        ...(doc.entryId !== null && { entryId: doc.entryId }),
      },
    });
  }

  none(subject: KnownDocument | ScannedFile, reason: NoneReason, file?: ScannedFile): void {
    const doc = 'id' in subject ? subject : undefined;
    this.out.jobs.push({
      key: this.key(subject.relPath, doc, file ?? ('id' in subject ? undefined : subject)),
      item: {
        action: 'none',
        reason,
        source: this.source.name,
        relPath: subject.relPath,
        replicaUUID: doc?.replicaUUID ?? this.source.replicaUUID,
        ...(doc !== undefined && { documentId: doc.id }),
        ...(doc !== undefined && doc.entryId !== null && { entryId: doc.entryId }),
      },
    });
  }

  reject(file: ScannedFile, verdict: { reason: string; detail: string }, doc?: KnownDocument): void {
    this.out.rejected.push({
      key: this.key(file.relPath, doc, file),
      item: {
        source: this.source.name,
        relPath: file.relPath,
        reason: verdict.reason,
        detail: verdict.detail,
        ...(doc !== undefined && { documentId: doc.id }),
        ...(doc !== undefined && doc.entryId !== null && { entryId: doc.entryId }),
        sha256: file.sha256,
      },
    });
  }

  candidate(
    file: ScannedFile,
    origin: CandidateOrigin,
    doc: KnownDocument | undefined,
    content: AcceptedContent,
    extra: { fromPath?: string; metadataChanged?: boolean } = {},
  ): void {
    this.out.candidates.push({
      key: this.key(file.relPath, doc, file),
      origin,
      source: this.source.name,
      relPath: file.relPath,
      replicaUUID: this.source.replicaUUID,
      sha256: content.sha256,
      textHash: content.textHash,
      byBytes: this.source.mode === 'file',
      ...(doc !== undefined && { documentId: doc.id }),
      ...(extra.fromPath !== undefined && { fromPath: extra.fromPath }),
      ...(content.warning !== undefined && { warning: content.warning }),
      ...(origin === 'duplicate' && doc !== undefined && { duplicateOf: doc.duplicateOf }),
      ...(extra.metadataChanged === true && { metadataChanged: true }),
    });
  }

  /** The document's entry carries `identity` once the plan is applied: an original for dedupe. */
  live(doc: KnownDocument, relPath: string, identity: ContentIdentity): void {
    const own = { ...identity, textHash: this.textIdentity(identity.textHash) };
    this.out.live.push({ key: this.key(relPath, doc), documentId: doc.id, relPath, source: this.source.name, identity: own });
  }

  /**
   * In file mode a document is its bytes (DECISIONS "Identity of content"): a PDF and a DOCX with
   * the same text are two documents, and a text hash recorded by an older version never dedupes.
   * Text mode uploads text, so there the text is the identity.
   */
  private textIdentity(textHash: string | null): string | null {
    return this.source.mode === 'file' ? null : textHash;
  }

  held(held: HeldDeletes): void {
    this.out.held.push(held);
  }

  private key(relPath: string, doc?: KnownDocument, file?: ScannedFile): OrderKey {
    return {
      priority: this.source.priority,
      discoveredAt: doc?.discoveredAt ?? file?.discoveredAt,
      source: this.source.name,
      relPath,
    };
  }
}

/** The content a document's entry carries; a fresh hash of the same text wins over the record. */
export function identityOf(doc: KnownDocument, file?: ScannedFile): ContentIdentity {
  return {
    replicaUUID: doc.replicaUUID,
    sha256: file?.sha256 ?? doc.sha256,
    textHash: doc.textHash,
  };
}
