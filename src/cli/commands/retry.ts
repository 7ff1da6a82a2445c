import { describeLastError } from '../../engine/document-totals.js';
import { resolveDocumentPaths, retryFailed, type RetryReport } from '../../engine/retry-failed.js';
import { openState, stateExists } from '../open-state.js';
import type { DocumentRecord } from '../../store/store.js';
import { loadCommandConfig } from '../command-context.js';
import { ExitCode, type CliIo } from '../io.js';
import type { CliContext } from '../main.js';

export type RetryFlags = { config?: string; json?: boolean };

/** `retry --json`. */
export interface RetryJson {
  /** `host`: the host that holds the document's source, which uploads it (null: no host claimed it yet). */
  requeued: { source: string; path: string; host: string | null; kind: 'create' | 'replace'; attemptsBefore: number; lastError: string }[];
  notFailed: { source: string; path: string; state: string }[];
  refused: { source: string; path: string; detail: string }[];
  resumed: { replicaUUID: string; reason: string }[];
  /** Always false: retry only queues; the next `sync` (or a running `watch`/`schedule`) uploads. */
  uploaded: false;
}

const NEXT_STEP = 'retry uploads nothing itself: the next `sync` (or a running `watch` or `schedule`) uploads what was re-queued';

/**
 * `retry [PATH…]`: re-queue failed documents (all, or those named) with their attempts reset,
 * and resume replicas paused by a quota. Needs neither the secret nor the API.
 */
export async function runRetryCommand(paths: readonly string[], flags: RetryFlags, ctx: CliContext): Promise<number> {
  const config = loadCommandConfig(flags.config, ctx);
  if (!stateExists(config.state)) {
    // No state file yet: nothing has ever failed, so any named path is unknown.
    const first = paths[0];
    if (first !== undefined) return unknownPath(first, ctx.io);
    present(emptyReport(), new Map(), Boolean(flags.json), ctx.io);
    return ExitCode.OK;
  }
  const { store, clock } = await openState(config.state, ctx.env);
  try {
    let named: DocumentRecord[] | undefined;
    if (paths.length > 0) {
      const resolved = await resolveDocumentPaths(store, config.sources, paths, ctx.cwd);
      const bad = resolved.find((r) => !r.ok);
      if (bad && !bad.ok) {
        ctx.io.err(`retry: ${bad.reason === 'UNKNOWN_PATH' ? 'unknown path' : 'ambiguous path'} "${bad.arg}": ${bad.detail}`);
        return ExitCode.USAGE;
      }
      named = [...new Map(resolved.flatMap((r) => (r.ok ? [[r.document.id, r.document] as const] : []))).values()];
    }
    const report = await retryFailed({ store, clock }, named);
    const holders = new Map((await store.listSourceOwners()).map((o) => [o.sourceName, o.hostName]));
    present(report, holders, Boolean(flags.json), ctx.io);
    return ExitCode.OK;
  } finally {
    await store.close();
  }
}

function unknownPath(arg: string, io: CliIo): number {
  io.err(`retry: unknown path "${arg}": nothing has been synced yet, so no document is known`);
  return ExitCode.USAGE;
}

function emptyReport(): RetryReport {
  return { requeued: [], notFailed: [], refused: [], resumed: [] };
}

export function retryJson(report: RetryReport, holders: ReadonlyMap<string, string> = new Map()): RetryJson {
  return {
    requeued: report.requeued.map((r) => ({
      source: r.document.sourceName,
      path: r.document.relPath,
      host: holders.get(r.document.sourceName) ?? null,
      kind: r.kind,
      attemptsBefore: r.attemptsBefore,
      lastError: describeLastError(r.lastError),
    })),
    notFailed: report.notFailed.map((n) => ({ source: n.document.sourceName, path: n.document.relPath, state: n.state })),
    refused: report.refused.map((r) => ({ source: r.document.sourceName, path: r.document.relPath, detail: r.detail })),
    resumed: report.resumed.map((p) => ({ replicaUUID: p.replicaUUID, reason: p.reason })),
    uploaded: false,
  };
}

function present(report: RetryReport, holders: ReadonlyMap<string, string>, json: boolean, io: CliIo): void {
  const out = retryJson(report, holders);
  if (json) {
    io.out(JSON.stringify(out, null, 2));
    return;
  }
  for (const r of out.requeued) {
    const tries = `${r.attemptsBefore} attempt${r.attemptsBefore === 1 ? '' : 's'}`;
    const by = r.host === null ? '' : `; uploaded by host ${r.host}`;
    io.out(`re-queued  ${r.path} (${r.kind}; attempts reset from ${tries}; last error: ${r.lastError}${by})`);
  }
  for (const n of out.notFailed) {
    const why = n.state === 'rejected' ? ' — a rejected file is examined again when it changes' : '';
    io.out(`skipped    ${n.path}: not failed (${n.state})${why}`);
  }
  for (const r of out.refused) io.out(`skipped    ${r.path}: ${r.detail}`);
  for (const p of out.resumed) io.out(`resumed    replica ${p.replicaUUID} (was paused: ${p.reason})`);
  if (out.requeued.length === 0 && out.resumed.length === 0) io.out('nothing to retry: no failed document, no paused replica');
  else {
    const docs = `${out.requeued.length} document${out.requeued.length === 1 ? '' : 's'}`;
    const replicas = `${out.resumed.length} replica${out.resumed.length === 1 ? '' : 's'}`;
    io.out(`done       re-queued ${docs}, resumed ${replicas}`);
    io.out(`note       ${NEXT_STEP}`);
  }
}
