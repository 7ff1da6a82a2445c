import type { DocumentRecord, DocumentState, LastError, Store } from '../store/store.js';

/** The five totals people (and `sync --json`) read, folded from the store's twelve states. */
export interface DocumentTotals {
  ready: number;
  /** Uploading, or uploaded and being processed by Sensay. */
  processing: number;
  /** Waiting for a slot, for a recreate after an error, or for extraction. */
  queued: number;
  failed: number;
  rejected: number;
}

export function documentTotals(counts: Readonly<Record<DocumentState, number>>): DocumentTotals {
  return {
    ready: counts.ready,
    processing: counts.uploading + counts.processing,
    queued: counts.queued + counts.errored + counts.discovered + counts.extracted,
    failed: counts.failed,
    rejected: counts.rejected,
  };
}

export interface RejectedDocument {
  source: string;
  path: string;
  reason: string;
  detail: string;
}

export interface FailedDocument {
  source: string;
  path: string;
  /** One line: the last error, and whether the previous version is still live. */
  error: string;
  lastError: LastError | null;
  previousVersionLive: boolean;
}

/** Every document needing a person's attention: rejected files and documents that failed for good. */
export async function problemDocuments(store: Store): Promise<{ rejected: RejectedDocument[]; failed: FailedDocument[] }> {
  const docs = await store.listDocuments({ states: ['rejected', 'failed'] });
  return {
    rejected: docs
      .filter((doc) => doc.state === 'rejected')
      .map((doc) => ({ source: doc.sourceName, path: doc.relPath, reason: doc.rejectReason ?? 'REJECTED', detail: doc.rejectDetail ?? '' })),
    failed: docs.filter((doc) => doc.state === 'failed').map(failedDocument),
  };
}

function failedDocument(doc: DocumentRecord): FailedDocument {
  const live = doc.previousEntryId !== null;
  const message = describeLastError(doc.lastError);
  return {
    source: doc.sourceName,
    path: doc.relPath,
    error: live ? `${message} (previous version still live)` : message,
    lastError: doc.lastError,
    previousVersionLive: live,
  };
}

export function describeLastError(error: LastError | null): string {
  if (error === null) return 'failed';
  const ids = [error.requestId && `requestId ${error.requestId}`, error.fingerprint && `fingerprint ${error.fingerprint}`].filter(Boolean);
  // "upload failed: HTTP 403 SIGNED_URL_EXPIRED: …": which step, what the server answered.
  const where = `${error.step ? `${error.step} failed: ` : ''}${error.status !== undefined ? `HTTP ${error.status} ` : ''}`;
  return `${where}${error.code ? `${error.code}: ` : ''}${error.message}${ids.length > 0 ? ` (${ids.join(', ')})` : ''}`;
}
