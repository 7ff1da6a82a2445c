import type { ApproveDeletesResult, DeleteApproval, HeldDeleteRecord, SourceRootRecord } from '../held-deletes.js';
import { invalidArgument } from '../errors.js';
import { normaliseIds, parseIds, toHeld, type HeldRow } from '../held-delete-rows.js';
import { placeholders, type SqlRunner } from './sql-runner.js';

interface ApprovalRow {
  id: number;
  source_name: string;
  document_ids: string;
  root_device: string | null;
  approved_at: number;
}

/** Replaces what is held for `sourceNames` (those the pass judged) with `held`. */
export function replaceHeld(sql: SqlRunner, sourceNames: readonly string[], held: readonly HeldDeleteRecord[]): void {
  for (const record of held) {
    if (!sourceNames.includes(record.sourceName)) {
      throw invalidArgument(`Expected held deletes of a source in \`sourceNames\`, got "${record.sourceName}"`);
    }
  }
  if (sourceNames.length > 0) sql.run(`DELETE FROM held_deletes WHERE source_name IN (${placeholders(sourceNames.length)})`, ...sourceNames);
  for (const record of held) {
    sql.run(
      `INSERT INTO held_deletes (source_name, reason, detail, document_ids, approvable, root_device, held_at)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
      record.sourceName,
      record.reason,
      record.detail,
      JSON.stringify(normaliseIds(record.documentIds)),
      record.approvable ? 1 : 0,
      record.rootDevice,
      record.heldAt,
    );
  }
}

export function listHeld(sql: SqlRunner): HeldDeleteRecord[] {
  return sql.all<HeldRow>('SELECT * FROM held_deletes ORDER BY source_name').map(toHeld);
}

/** Turns what is held now for the source into its approval (replacing an older one), in one transaction. */
export function approveHeld(sql: SqlRunner, sourceName: string, now: number): ApproveDeletesResult {
  const row = sql.get<HeldRow>('SELECT * FROM held_deletes WHERE source_name = ?', sourceName);
  if (!row) return { ok: false, reason: 'NOTHING_HELD', detail: `source "${sourceName}": no deletes are held` };
  const held = toHeld(row);
  if (!held.approvable) return { ok: false, reason: 'NOT_APPROVABLE', detail: held.detail, held };
  sql.run('DELETE FROM delete_approvals WHERE source_name = ?', sourceName);
  const result = sql.run(
    'INSERT INTO delete_approvals (source_name, document_ids, root_device, approved_at) VALUES (?, ?, ?, ?)',
    sourceName,
    row.document_ids,
    held.rootDevice,
    now,
  );
  const approval: DeleteApproval = { id: Number(result.lastInsertRowid), sourceName, documentIds: held.documentIds, rootDevice: held.rootDevice, approvedAt: now };
  return { ok: true, approval, held };
}

export function listApprovals(sql: SqlRunner): DeleteApproval[] {
  return sql.all<ApprovalRow>('SELECT * FROM delete_approvals ORDER BY source_name').map((row) => ({
    id: row.id,
    sourceName: row.source_name,
    documentIds: parseIds(row.document_ids),
    rootDevice: row.root_device,
    approvedAt: row.approved_at,
  }));
}

/** Removes these approvals (a pass used them); returns how many were still there. */
export function consumeApprovals(sql: SqlRunner, ids: readonly number[]): number {
  if (ids.length === 0) return 0;
  return sql.run(`DELETE FROM delete_approvals WHERE id IN (${placeholders(ids.length)})`, ...ids).changes;
}

export function listRoots(sql: SqlRunner): SourceRootRecord[] {
  return sql
    .all<{ source_name: string; device: string; recorded_at: number }>('SELECT * FROM source_roots ORDER BY source_name')
    .map((row) => ({ sourceName: row.source_name, device: row.device, recordedAt: row.recorded_at }));
}

export function setRoot(sql: SqlRunner, sourceName: string, device: string, now: number): void {
  sql.run(
    `INSERT INTO source_roots (source_name, device, recorded_at) VALUES (?, ?, ?)
     ON CONFLICT (source_name) DO UPDATE SET device = excluded.device, recorded_at = excluded.recorded_at`,
    sourceName,
    device,
    now,
  );
}
