import { openState, stateExists } from '../open-state.js';
import type { ApproveDeletesResult, DocumentRecord } from '../../store/store.js';
import { loadCommandConfig } from '../command-context.js';
import { ExitCode, type CliIo } from '../io.js';
import type { CliContext } from '../main.js';

export type ApproveDeletesFlags = { config?: string; json?: boolean };

/** `approve-deletes --json`. */
export interface ApproveDeletesJson {
  approved: { source: string; reason: string; documents: number; paths: string[] }[];
  /** Holds no approval can release (the scan was incomplete: a vanished or unreadable root). */
  refused: { source: string; reason: string; detail: string }[];
  /** Named sources with nothing held. */
  nothingHeld: string[];
}

const NEXT_STEP = 'the next `sync` deletes them (a running `watch` or `schedule`: on its next pass); anything else that disappears is judged again';

/**
 * `approve-deletes [SOURCE…]`: releases exactly the deletes the valve holds now, for the sources
 * named (default: every source holding some). The approval is recorded in the state store and
 * applied by the next pass; deletes held for an incomplete scan are never released. Needs neither
 * the secret nor the API.
 */
export async function runApproveDeletesCommand(names: readonly string[], flags: ApproveDeletesFlags, ctx: CliContext): Promise<number> {
  const config = loadCommandConfig(flags.config, ctx);
  const configured = new Set(config.sources.map((source) => source.name));
  const unknown = names.find((name) => !configured.has(name));
  if (unknown !== undefined) {
    ctx.io.err(`approve-deletes: no source named "${unknown}" in the config; sources: ${[...configured].join(', ')}`);
    return ExitCode.USAGE;
  }
  const report: ApproveDeletesJson = { approved: [], refused: [], nothingHeld: [] };
  if (!stateExists(config.state)) {
    report.nothingHeld.push(...names);
    present(report, Boolean(flags.json), ctx.io);
    return ExitCode.OK;
  }
  const { store, clock } = await openState(config.state, ctx.env);
  try {
    const targets = names.length > 0 ? [...new Set(names)] : (await store.listHeldDeletes()).map((held) => held.sourceName);
    const documents = await store.listDocuments();
    for (const name of targets) record(report, name, await store.approveHeldDeletes(name, clock.now()), documents);
    present(report, Boolean(flags.json), ctx.io);
    return report.refused.length > 0 ? ExitCode.DOCUMENT_PROBLEM : ExitCode.OK;
  } finally {
    await store.close();
  }
}

function record(report: ApproveDeletesJson, source: string, result: ApproveDeletesResult, documents: readonly DocumentRecord[]): void {
  if (result.ok) {
    const paths = new Map(documents.map((doc) => [doc.id, doc.relPath]));
    const ids = result.approval.documentIds;
    report.approved.push({ source, reason: result.held.reason, documents: ids.length, paths: ids.map((id) => paths.get(id) ?? `#${id}`) });
  } else if (result.reason === 'NOT_APPROVABLE') {
    report.refused.push({ source, reason: result.held.reason, detail: result.detail });
  } else {
    report.nothingHeld.push(source);
  }
}

function present(report: ApproveDeletesJson, json: boolean, io: CliIo): void {
  if (json) {
    io.out(JSON.stringify(report, null, 2));
    return;
  }
  for (const a of report.approved) {
    io.out(`approved   source ${a.source}: ${a.documents} delete${a.documents === 1 ? '' : 's'} (${a.reason}): ${a.paths.join(', ')}`);
  }
  for (const r of report.refused) io.out(`refused    source ${r.source} (${r.reason}): ${r.detail}`);
  for (const name of report.nothingHeld) io.out(`nothing    source ${name}: no deletes are held`);
  if (report.approved.length + report.refused.length + report.nothingHeld.length === 0) io.out('nothing    no deletes are held');
  if (report.approved.length > 0) io.out(`next       ${NEXT_STEP}`);
}
