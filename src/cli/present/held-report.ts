import type { DeleteApproval, DocumentRecord, HeldDeleteRecord } from '../../store/store.js';
import type { CliIo } from '../io.js';

/** One source's held deletes as `status --json` shows them. */
export interface HeldDeletesJson {
  source: string;
  /** `MASS_DELETE`, `SOURCE_EMPTIED`, `ROOT_CHANGED` or `SCAN_INCOMPLETE`. */
  reason: string;
  detail: string;
  documents: number;
  paths: string[];
  /** False when `approve-deletes` cannot release them (the scan was incomplete). */
  approvable: boolean;
  /** An approval of exactly this set waits for the next pass. */
  approved: boolean;
  heldAt: string;
}

export function heldDeletesJson(
  held: readonly HeldDeleteRecord[],
  approvals: readonly DeleteApproval[],
  documents: readonly DocumentRecord[],
): HeldDeletesJson[] {
  const paths = new Map(documents.map((doc) => [doc.id, doc.relPath]));
  return held.map((record) => {
    const approval = approvals.find((a) => a.sourceName === record.sourceName);
    return {
      source: record.sourceName,
      reason: record.reason,
      detail: record.detail,
      documents: record.documentIds.length,
      paths: record.documentIds.map((id) => paths.get(id) ?? `#${id}`),
      approvable: record.approvable,
      approved: approval !== undefined && sameIds(approval.documentIds, record.documentIds),
      heldAt: new Date(record.heldAt).toISOString(),
    };
  });
}

const SHOWN_PATHS = 5;

export function presentHeldDeletes(held: readonly HeldDeletesJson[], io: CliIo): void {
  for (const h of held) {
    const state = h.approved ? 'approved, applied by the next sync' : h.approvable ? `release with \`sensay-ingest approve-deletes ${h.source}\`` : 'cannot be approved';
    io.out(`held       source ${h.source}: ${h.documents} delete${h.documents === 1 ? '' : 's'} held (${h.reason}; ${state})`);
    io.out(`           ${h.detail}`);
    const more = h.paths.length > SHOWN_PATHS ? ` and ${h.paths.length - SHOWN_PATHS} more` : '';
    io.out(`           ${h.paths.slice(0, SHOWN_PATHS).join(', ')}${more}`);
  }
}

function sameIds(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((id, i) => id === b[i]);
}
