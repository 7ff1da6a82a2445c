import { invalidArgument } from '../errors.js';
import { normaliseIds, parseIds, toHeld, type HeldRow } from '../held-delete-rows.js';
import type { ApproveDeletesResult, DeleteApproval, HeldDeleteRecord, SourceRootRecord } from '../held-deletes.js';
import { Params, type PgRunner } from './pg-runner.js';

interface ApprovalRow {
  id: number;
  source_name: string;
  document_ids: string;
  root_device: string | null;
  approved_at: number;
}

/** Replaces what is held for `sourceNames` (those the pass judged) with `held`. */
export async function replaceHeld(sql: PgRunner, sourceNames: readonly string[], held: readonly HeldDeleteRecord[]): Promise<void> {
  for (const record of held) {
    if (!sourceNames.includes(record.sourceName)) {
      throw invalidArgument(`Expected held deletes of a source in \`sourceNames\`, got "${record.sourceName}"`);
    }
  }
  if (sourceNames.length > 0) {
    const p = new Params();
    await sql.run(`DELETE FROM held_deletes WHERE source_name IN (${p.list(sourceNames)})`, p.values);
  }
  for (const record of held) {
    await sql.run(
      `INSERT INTO held_deletes (source_name, reason, detail, document_ids, approvable, root_device, held_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [record.sourceName, record.reason, record.detail, JSON.stringify(normaliseIds(record.documentIds)), record.approvable, record.rootDevice, record.heldAt],
    );
  }
}

export async function listHeld(sql: PgRunner): Promise<HeldDeleteRecord[]> {
  return (await sql.rows<HeldRow>('SELECT * FROM held_deletes ORDER BY source_name')).map(toHeld);
}

/** Turns what is held now for the source into its approval (replacing an older one). */
export async function approveHeld(sql: PgRunner, sourceName: string, now: number): Promise<ApproveDeletesResult> {
  const row = await sql.row<HeldRow>('SELECT * FROM held_deletes WHERE source_name = $1 FOR UPDATE', [sourceName]);
  if (!row) return { ok: false, reason: 'NOTHING_HELD', detail: `source "${sourceName}": no deletes are held` };
  const held = toHeld(row);
  if (!held.approvable) return { ok: false, reason: 'NOT_APPROVABLE', detail: held.detail, held };
  await sql.run('DELETE FROM delete_approvals WHERE source_name = $1', [sourceName]);
  const inserted = await sql.row<{ id: number }>(
    'INSERT INTO delete_approvals (source_name, document_ids, root_device, approved_at) VALUES ($1, $2, $3, $4) RETURNING id',
    [sourceName, row.document_ids, held.rootDevice, now],
  );
  if (!inserted) throw new Error('an approval insert returned no id');
  const approval: DeleteApproval = { id: inserted.id, sourceName, documentIds: held.documentIds, rootDevice: held.rootDevice, approvedAt: now };
  return { ok: true, approval, held };
}

export async function listApprovals(sql: PgRunner): Promise<DeleteApproval[]> {
  const rows = await sql.rows<ApprovalRow>('SELECT * FROM delete_approvals ORDER BY source_name');
  return rows.map((row) => ({
    id: row.id,
    sourceName: row.source_name,
    documentIds: parseIds(row.document_ids),
    rootDevice: row.root_device,
    approvedAt: row.approved_at,
  }));
}

export async function consumeApprovals(sql: PgRunner, ids: readonly number[]): Promise<number> {
  if (ids.length === 0) return 0;
  const p = new Params();
  return sql.run(`DELETE FROM delete_approvals WHERE id IN (${p.list(ids)})`, p.values);
}

export async function listRoots(sql: PgRunner): Promise<SourceRootRecord[]> {
  const rows = await sql.rows<{ source_name: string; device: string; recorded_at: number }>('SELECT * FROM source_roots ORDER BY source_name');
  return rows.map((row) => ({ sourceName: row.source_name, device: row.device, recordedAt: row.recorded_at }));
}

export async function setRoot(sql: PgRunner, sourceName: string, device: string, now: number): Promise<void> {
  await sql.run(
    `INSERT INTO source_roots (source_name, device, recorded_at) VALUES ($1, $2, $3)
     ON CONFLICT (source_name) DO UPDATE SET device = excluded.device, recorded_at = excluded.recorded_at`,
    [sourceName, device, now],
  );
}
