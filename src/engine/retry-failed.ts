import { isAbsolute, relative, resolve, sep } from 'node:path';
import type { Clock } from '../clock/clock.js';
import type { DocumentRecord, DocumentState, ReplicaPause, Store } from '../store/store.js';

/**
 * `retry` (issue 5): failed documents go back to the queue with their attempts reset, and
 * replicas paused by a quota are resumed. Nothing is uploaded here: the next sync or watch does.
 */

export interface RetrySource {
  readonly name: string;
  /** Absolute folder path. */
  readonly path: string;
}

export type PathResolution =
  | { ok: true; arg: string; document: DocumentRecord }
  | { ok: false; reason: 'UNKNOWN_PATH' | 'AMBIGUOUS_PATH'; arg: string; detail: string };

type Candidate = { sourceName: string; relPath: string };

/**
 * The (source, path) pairs an argument may mean: a path as `status` shows it (source-relative),
 * the same prefixed with the source's name, or a file on disk inside a source's folder.
 */
export function candidatePaths(arg: string, sources: readonly RetrySource[], cwd: string): Candidate[] {
  const out: Candidate[] = [];
  const plain = arg.replace(/^(\.\/)+/, '');
  for (const source of sources) {
    out.push({ sourceName: source.name, relPath: plain });
    if (plain.startsWith(`${source.name}/`)) out.push({ sourceName: source.name, relPath: plain.slice(source.name.length + 1) });
    const rel = relative(source.path, resolve(cwd, arg));
    if (rel !== '' && !rel.startsWith('..') && !isAbsolute(rel)) out.push({ sourceName: source.name, relPath: rel.split(sep).join('/') });
  }
  return out;
}

/** Finds the one live document each argument names; `gone` documents are not known any more. */
export async function resolveDocumentPaths(
  store: Store,
  sources: readonly RetrySource[],
  args: readonly string[],
  cwd: string,
): Promise<PathResolution[]> {
  const results: PathResolution[] = [];
  for (const arg of args) {
    const found = new Map<number, DocumentRecord>();
    for (const c of candidatePaths(arg, sources, cwd)) {
      const doc = await store.getDocumentByPath(c.sourceName, c.relPath);
      if (doc && doc.state !== 'gone') found.set(doc.id, doc);
    }
    const docs = [...found.values()];
    if (docs.length === 1) results.push({ ok: true, arg, document: docs[0]! });
    else if (docs.length === 0) {
      results.push({
        ok: false,
        reason: 'UNKNOWN_PATH',
        arg,
        detail: `no document has the path "${arg}" (use a path as \`status\` shows it, optionally prefixed with its source's name, or a file inside a source folder)`,
      });
    } else {
      const names = docs.map((d) => `${d.sourceName}/${d.relPath}`).join(', ');
      results.push({ ok: false, reason: 'AMBIGUOUS_PATH', arg, detail: `"${arg}" matches several documents: ${names}; prefix it with the source's name` });
    }
  }
  return results;
}

export interface Requeued {
  readonly document: DocumentRecord;
  readonly kind: 'create' | 'replace';
  /** Attempts spent before the reset. */
  readonly attemptsBefore: number;
  readonly lastError: DocumentRecord['lastError'];
}

export interface RetryReport {
  readonly requeued: readonly Requeued[];
  /** Named documents that are not failed: nothing to do (rejected ones wait for their file to change). */
  readonly notFailed: readonly { document: DocumentRecord; state: DocumentState }[];
  /** Another process moved the document first. */
  readonly refused: readonly { document: DocumentRecord; detail: string }[];
  readonly resumed: readonly ReplicaPause[];
}

/**
 * Re-queues `documents` (default: every failed document) and resumes the paused replicas they
 * belong to (default: every paused replica). A predecessor still live makes it a replace, so the
 * old version is deleted only once the new one is READY.
 */
export async function retryFailed(
  deps: { store: Store; clock: Clock },
  documents?: readonly DocumentRecord[],
): Promise<RetryReport> {
  const { store, clock } = deps;
  const now = clock.now();
  const targets = documents ?? (await store.listDocuments({ states: ['failed'] }));
  const requeued: Requeued[] = [];
  const notFailed: { document: DocumentRecord; state: DocumentState }[] = [];
  const refused: { document: DocumentRecord; detail: string }[] = [];
  for (const doc of targets) {
    if (doc.state !== 'failed') {
      notFailed.push({ document: doc, state: doc.state });
      continue;
    }
    const kind = doc.previousEntryId !== null || doc.entryId !== null ? 'replace' : 'create';
    const queued = await store.queueUpload({ documentId: doc.id, kind, now });
    if (queued.ok) requeued.push({ document: queued.document, kind, attemptsBefore: doc.attempts, lastError: doc.lastError });
    else refused.push({ document: doc, detail: queued.detail });
  }
  const replicas = documents === undefined ? null : new Set(documents.map((d) => d.replicaUUID));
  const resumed: ReplicaPause[] = [];
  for (const pause of await store.pausedReplicas(now)) {
    if (replicas !== null && !replicas.has(pause.replicaUUID)) continue;
    if (await store.resumeReplica(pause.replicaUUID)) resumed.push(pause);
  }
  return { requeued, notFailed, refused, resumed };
}
