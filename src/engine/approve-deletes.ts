import type { ApproveDeletesResult, Store } from '../store/store.js';

/**
 * `approve-deletes` (issue 9 §5), for the CLI command and the console alike: releases exactly
 * the deletes the valve holds now, for the sources named (default: every source holding some).
 * The approval is recorded in the store and applied by the next pass.
 */
export interface ApproveDeletesReport {
  approved: { source: string; reason: string; documents: number; paths: string[] }[];
  /** Holds no approval can release (the scan was incomplete: a vanished or unreadable root). */
  refused: { source: string; reason: string; detail: string }[];
  /** Named sources with nothing held. */
  nothingHeld: string[];
}

export async function approveDeletes(store: Store, names: readonly string[], now: number): Promise<ApproveDeletesReport> {
  const report: ApproveDeletesReport = { approved: [], refused: [], nothingHeld: [] };
  const targets = names.length > 0 ? [...new Set(names)] : (await store.listHeldDeletes()).map((held) => held.sourceName);
  if (targets.length === 0) return report;
  const paths = new Map((await store.listDocuments()).map((doc) => [doc.id, doc.relPath]));
  for (const name of targets) record(report, name, await store.approveHeldDeletes(name, now), paths);
  return report;
}

function record(report: ApproveDeletesReport, source: string, result: ApproveDeletesResult, paths: ReadonlyMap<number, string>): void {
  if (result.ok) {
    const ids = result.approval.documentIds;
    report.approved.push({ source, reason: result.held.reason, documents: ids.length, paths: ids.map((id) => paths.get(id) ?? `#${id}`) });
  } else if (result.reason === 'NOT_APPROVABLE') {
    report.refused.push({ source, reason: result.held.reason, detail: result.detail });
  } else {
    report.nothingHeld.push(source);
  }
}
