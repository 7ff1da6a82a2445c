import type { DocumentRecord, LastError } from '../store/store.js';

/**
 * A document as the console shows it: its stored state, and what it is waiting for, so that
 * waiting for the budget, a 429, a quota pause, a paused source, a retry and a failure read
 * differently (issue 11 §2).
 */
export type Condition = 'source-paused' | 'quota-paused' | 'rate-limited' | 'waiting-for-budget' | 'retrying' | 'failed' | 'previous-live';

export interface ConditionContext {
  readonly now: number;
  readonly pausedSources: ReadonlySet<string>;
  readonly pausedReplicas: ReadonlySet<string>;
  /** The budget's 429 block, when one is in force. */
  readonly blockedUntil: number | null;
  /** No slot left in the window. */
  readonly budgetFull: boolean;
}

export interface DocumentView {
  id: number;
  source: string;
  path: string;
  state: DocumentRecord['state'];
  condition: Condition | null;
  attempts: number;
  entryId: number | null;
  previousEntryId: number | null;
  size: number;
  kind: string | null;
  updatedAt: string;
  stateSince: string;
  nextAttemptAt: string | null;
  lastError: LastError | null;
  rejectReason: string | null;
  rejectDetail: string | null;
  warnings: string[];
}

const WAITING = new Set(['queued', 'errored', 'deleting', 'uploading']);

export function conditionOf(doc: DocumentRecord, ctx: ConditionContext): Condition | null {
  if (doc.state === 'failed') return doc.previousEntryId !== null ? 'previous-live' : 'failed';
  if (!WAITING.has(doc.state)) return null;
  if (ctx.pausedSources.has(doc.sourceName) && doc.state !== 'uploading') return 'source-paused';
  if (doc.state === 'errored') return 'retrying';
  if (doc.state !== 'queued') return null;
  if (ctx.pausedReplicas.has(doc.replicaUUID)) return 'quota-paused';
  if (doc.nextAttemptAt !== null && doc.nextAttemptAt > ctx.now) return 'retrying';
  if (ctx.blockedUntil !== null && ctx.blockedUntil > ctx.now) return 'rate-limited';
  if (doc.attempts > 0) return 'retrying';
  return ctx.budgetFull ? 'waiting-for-budget' : null;
}

export function documentView(doc: DocumentRecord, ctx: ConditionContext): DocumentView {
  return {
    id: doc.id,
    source: doc.sourceName,
    path: doc.relPath,
    state: doc.state,
    condition: conditionOf(doc, ctx),
    attempts: doc.attempts,
    entryId: doc.entryId,
    previousEntryId: doc.previousEntryId,
    size: doc.size,
    kind: doc.kind,
    updatedAt: iso(doc.updatedAt),
    stateSince: iso(doc.stateSince),
    nextAttemptAt: doc.nextAttemptAt === null ? null : iso(doc.nextAttemptAt),
    lastError: doc.lastError,
    rejectReason: doc.rejectReason,
    rejectDetail: doc.rejectDetail,
    warnings: doc.warnings,
  };
}

/** What to do about a rejected file, by reason (the detail says which rule it broke). */
export const REJECTION_ADVICE: Readonly<Record<string, string>> = {
  UNSUPPORTED_TYPE: 'Convert it to PDF, DOCX, TXT, MD or HTML, or exclude it from the source.',
  TYPE_MISMATCH: 'Rename the file so its extension matches its content, or re-export it.',
  TOO_LARGE: 'Split the file, or raise limits.maxFileBytes (Sensay takes at most 50 MB).',
  EMPTY_FILE: 'Write content into the file, or remove it.',
  CORRUPT: 'Re-export or re-download the file; it cannot be read as it is.',
  ENCRYPTED: 'Save a copy without a password.',
  NO_TEXT: 'Run OCR to give it a text layer, or upload it in file mode.',
  DECOMPRESSION_LIMIT: 'Re-save the document without huge embedded parts, or raise extraction.maxDocx* limits.',
  TOO_COMPLEX: 'Simplify or split the document.',
  TIMEOUT: 'Split the document, or raise extraction.taskTimeoutSeconds.',
  UNSTABLE: 'The file kept changing while it was read; it is read again once it settles.',
  UNREADABLE: 'Fix the file\'s permissions so sensay-ingest can read it.',
  UNSUPPORTED_ENCODING: 'Save the text as UTF-8.',
  WORKER_UNAVAILABLE: 'Not the file\'s fault: it is examined again on the next pass.',
};

export function adviceFor(reason: string | null): string {
  return (reason !== null && REJECTION_ADVICE[reason]) || 'Fix the file as the detail says; it is examined again when it changes.';
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
