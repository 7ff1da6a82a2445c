import { openState, stateExists } from '../open-state.js';
import { approveDeletes, type ApproveDeletesReport } from '../../engine/approve-deletes.js';
import { loadCommandConfig } from '../command-context.js';
import { ExitCode, type CliIo } from '../io.js';
import type { CliContext } from '../main.js';

export type ApproveDeletesFlags = { config?: string; json?: boolean };

/** `approve-deletes --json`. */
export type ApproveDeletesJson = ApproveDeletesReport;

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
    const done = await approveDeletes(store, names, clock.now());
    present(done, Boolean(flags.json), ctx.io);
    return done.refused.length > 0 ? ExitCode.DOCUMENT_PROBLEM : ExitCode.OK;
  } finally {
    await store.close();
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
