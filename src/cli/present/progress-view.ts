/**
 * What people at a terminal see while the daemon runs: a compact progress line and one line per
 * document each time its state changes (on a TTY, and always in the demo). Off a TTY, `watch`
 * shows neither: the structured logs say it all.
 */
import type { EngineSummary } from '../../engine/create-engine.js';
import type { DocumentRecord, DocumentState } from '../../store/store.js';
import type { CliIo } from '../io.js';

/** `scanned 12 · queued 2 · uploading 0 · processing 1 · ready 8 · failed 0 · rejected 1 · budget 7/10 · ETA 14:32` */
export function formatProgress(summary: EngineSummary, scanned: number | null): string {
  const d = summary.documents;
  const parts = [
    `scanned ${scanned ?? '…'}`,
    `queued ${d.discovered + d.extracted + d.queued}`,
    `uploading ${d.uploading}`,
    `processing ${d.processing + d.errored}`,
    `ready ${d.ready}`,
    `failed ${d.failed}`,
    `rejected ${d.rejected}`,
    `budget ${summary.budget.remaining}/${summary.budget.limit}`,
  ];
  const last = summary.eta.lastSlotAt;
  if (summary.eta.uploads > 0 && last !== null) parts.push(`ETA ${clockTime(last)}`);
  return parts.join(' · ');
}

export interface ProgressView {
  scanned(count: number): void;
  update(summary: EngineSummary): void;
}

/** Prints the progress line whenever it reads differently from the last one. */
export function createProgressView(io: CliIo): ProgressView {
  let scanned: number | null = null;
  let last = '';
  return {
    scanned(count) {
      scanned = count;
    },
    update(summary) {
      const line = formatProgress(summary, scanned);
      if (line === last) return;
      last = line;
      io.out(line);
    },
  };
}

export interface DocumentChange {
  readonly path: string;
  readonly from: DocumentState | null;
  readonly to: DocumentState;
  readonly note: string | null;
}

/** The documents whose state moved since `seen` (which is updated). Pure apart from `seen`. */
export function documentChanges(seen: Map<number, DocumentState>, documents: readonly DocumentRecord[]): DocumentChange[] {
  const changes: DocumentChange[] = [];
  for (const doc of documents) {
    const from = seen.get(doc.id) ?? null;
    if (from === doc.state) continue;
    seen.set(doc.id, doc.state);
    changes.push({ path: doc.relPath, from, to: doc.state, note: noteOf(doc) });
  }
  return changes;
}

export function formatChange(change: DocumentChange): string {
  const arrow = change.from === null ? change.to : `${change.from} → ${change.to}`;
  return `  ${change.path}: ${arrow}${change.note ? ` (${change.note})` : ''}`;
}

export interface LifecycleView {
  /** Takes the documents' states as they are now without printing them: later lines are changes. */
  baseline(): Promise<void>;
  /** Looks at the documents again; serialised, so lines never interleave or go backwards. */
  refresh(): void;
  /** Resolves once the refresh in hand (if any) is done. */
  settled(): Promise<void>;
}

/** One stdout line per document state change, read from the store after each daemon round. */
export function createLifecycleView(io: CliIo, listDocuments: () => Promise<DocumentRecord[]>): LifecycleView {
  const seen = new Map<number, DocumentState>();
  let chain: Promise<void> = Promise.resolve();
  return {
    async baseline() {
      documentChanges(seen, await listDocuments());
    },
    refresh() {
      chain = chain.then(async () => {
        try {
          for (const change of documentChanges(seen, await listDocuments())) io.out(formatChange(change));
        } catch {
          // The store is closing or busy: the next round shows what changed.
        }
      });
    },
    settled: () => chain,
  };
}

function noteOf(doc: DocumentRecord): string | null {
  if (doc.state === 'rejected') return [doc.rejectReason, doc.rejectDetail].filter(Boolean).join(': ') || null;
  if ((doc.state === 'failed' || doc.state === 'errored') && doc.lastError) return doc.lastError.message;
  return null;
}

function clockTime(epochMs: number): string {
  const at = new Date(epochMs);
  return `${String(at.getHours()).padStart(2, '0')}:${String(at.getMinutes()).padStart(2, '0')}`;
}
