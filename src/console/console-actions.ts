import { approveDeletes } from '../engine/approve-deletes.js';
import { retryFailed } from '../engine/retry-failed.js';
import { pauseSource, requestSync, resumeSource, type SourceActionResult } from '../engine/source-actions.js';
import type { DocumentRecord } from '../store/store.js';
import { ConsoleRequestError } from './console-errors.js';
import type { ConsoleReadDeps } from './console-reads.js';

/**
 * The daemon serving the console carries actions out at once through these; the `console`
 * command has none, so its actions wait in the store for the next run.
 */
export interface ConsoleDaemonHooks {
  /** A pass now (sync now; approved deletes are applied by a pass). */
  scanNow(): void;
  /** Runnable jobs now (retried documents, a resumed source). */
  jobsNow(): void;
}

export interface ConsoleActionDeps extends ConsoleReadDeps {
  readonly daemon: ConsoleDaemonHooks | null;
}

export const ACTIONS = ['retry', 'approve-deletes', 'pause', 'resume', 'sync-now'] as const;
export type ActionName = (typeof ACTIONS)[number];

/** `POST /api/actions/{name}`: the same engine calls as the CLI commands of the same names. */
export async function runAction(deps: ConsoleActionDeps, name: ActionName, body: Record<string, unknown>): Promise<object> {
  const when = deps.daemon ? 'now' : 'next-run';
  const sources = { store: deps.store, clock: deps.clock, sources: deps.sources.map((s) => s.name) };
  switch (name) {
    case 'retry': {
      const result = await retry(deps, body);
      deps.daemon?.jobsNow();
      return { ...result, carriedOut: when };
    }
    case 'approve-deletes': {
      const names = stringList(body, 'sources');
      for (const n of names) if (!sources.sources.includes(n)) throw unknownSource(n, sources.sources);
      const report = await approveDeletes(deps.store, names, deps.clock.now());
      if (report.approved.length > 0) deps.daemon?.scanNow();
      return { ...report, carriedOut: when };
    }
    case 'pause':
      return sourceOutcome(await pauseSource(sources, requiredString(body, 'source')), when);
    case 'resume': {
      const outcome = sourceOutcome(await resumeSource(sources, requiredString(body, 'source')), when);
      deps.daemon?.jobsNow();
      return outcome;
    }
    case 'sync-now': {
      const source = optionalString(body, 'source');
      const result = await requestSync(sources, source);
      if (!result.ok) throw unknownSource(result.source, sources.sources);
      deps.daemon?.scanNow();
      return { requested: { kind: result.action.kind, source: result.action.sourceName, requestedAt: new Date(result.action.requestedAt).toISOString() }, carriedOut: when };
    }
  }
}

async function retry(deps: ConsoleActionDeps, body: Record<string, unknown>) {
  let named: DocumentRecord[] | undefined;
  if (body.all !== true) {
    const ids = body.documentIds;
    if (!Array.isArray(ids) || ids.length === 0 || !ids.every((id) => Number.isInteger(id))) {
      throw new ConsoleRequestError(400, 'BAD_REQUEST', 'retry: send {"documentIds": [id, …]} for some documents, or {"all": true} for every failed one');
    }
    named = [];
    for (const id of new Set(ids as number[])) {
      const doc = await deps.store.getDocument(id);
      if (!doc) throw new ConsoleRequestError(404, 'NOT_FOUND', `no document has id ${id}`);
      named.push(doc);
    }
  }
  const report = await retryFailed({ store: deps.store, clock: deps.clock }, named);
  const ref = (doc: DocumentRecord) => ({ id: doc.id, source: doc.sourceName, path: doc.relPath });
  return {
    requeued: report.requeued.map((r) => ({ ...ref(r.document), kind: r.kind, attemptsBefore: r.attemptsBefore })),
    notFailed: report.notFailed.map((n) => ({ ...ref(n.document), state: n.state })),
    refused: report.refused.map((r) => ({ ...ref(r.document), detail: r.detail })),
    resumed: report.resumed.map((p) => ({ replicaUUID: p.replicaUUID, reason: p.reason })),
  };
}

function sourceOutcome(result: SourceActionResult, when: string): object {
  if (!result.ok) throw new ConsoleRequestError(400, 'UNKNOWN_SOURCE', result.message);
  return { source: result.source, changed: result.changed, carriedOut: when };
}

function unknownSource(name: string, known: readonly string[]): ConsoleRequestError {
  return new ConsoleRequestError(400, 'UNKNOWN_SOURCE', `no source named "${name}" in the config; sources: ${known.join(', ')}`);
}

function requiredString(body: Record<string, unknown>, key: string): string {
  const value = body[key];
  if (typeof value !== 'string' || value === '') throw new ConsoleRequestError(400, 'BAD_REQUEST', `expected "${key}" to be a source name`);
  return value;
}

function optionalString(body: Record<string, unknown>, key: string): string | null {
  return body[key] === undefined || body[key] === null ? null : requiredString(body, key);
}

function stringList(body: Record<string, unknown>, key: string): string[] {
  const value = body[key];
  if (value === undefined) return [];
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) throw new ConsoleRequestError(400, 'BAD_REQUEST', `expected "${key}" to be a list of source names`);
  return value as string[];
}
