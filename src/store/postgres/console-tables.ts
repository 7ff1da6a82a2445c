import type { PendingAction, PendingActionInput, PendingActionKind, SourcePause } from '../console-state.js';
import { PENDING_ACTION_KINDS } from '../console-state.js';
import { invalidArgument } from '../errors.js';
import { appendEventRow } from './event-log.js';
import type { PgRunner } from './pg-runner.js';

/** Sources paused by hand and actions recorded for the next run (issue 11). Each runs inside the caller's transaction. */

interface PendingRow {
  id: string | number;
  kind: PendingActionKind;
  source_name: string | null;
  requested_at: string | number;
}

export async function pauseSourceRow(sql: PgRunner, sourceName: string, now: number): Promise<boolean> {
  requireName(sourceName);
  const inserted = await sql.run('INSERT INTO source_pauses (source_name, paused_at) VALUES ($1, $2) ON CONFLICT (source_name) DO NOTHING', [sourceName, now]);
  if (inserted === 0) return false;
  await appendEventRow(sql, { at: now, type: 'source-paused', documentId: null, sourceName, relPath: null, detail: null });
  return true;
}

export async function resumeSourceRow(sql: PgRunner, sourceName: string, now: number): Promise<boolean> {
  requireName(sourceName);
  if ((await sql.run('DELETE FROM source_pauses WHERE source_name = $1', [sourceName])) === 0) return false;
  await appendEventRow(sql, { at: now, type: 'source-resumed', documentId: null, sourceName, relPath: null, detail: null });
  return true;
}

export async function listSourcePauses(sql: PgRunner): Promise<SourcePause[]> {
  const rows = await sql.rows<{ source_name: string; paused_at: string | number }>('SELECT * FROM source_pauses ORDER BY source_name');
  return rows.map((row) => ({ sourceName: row.source_name, pausedAt: Number(row.paused_at) }));
}

export async function insertPendingAction(sql: PgRunner, input: PendingActionInput): Promise<PendingAction> {
  if (!PENDING_ACTION_KINDS.includes(input.kind)) {
    throw invalidArgument(`Expected \`kind\` to be one of ${PENDING_ACTION_KINDS.join(', ')}, got \`${String(input.kind)}\``);
  }
  if (!Number.isFinite(input.now)) throw invalidArgument(`Expected \`now\` to be a finite time in ms, got \`${String(input.now)}\``);
  const sourceName = input.sourceName ?? null;
  if (sourceName !== null) requireName(sourceName);
  const row = await sql.row<{ id: string | number }>(
    'INSERT INTO pending_actions (kind, source_name, requested_at) VALUES ($1, $2, $3) RETURNING id',
    [input.kind, sourceName, input.now],
  );
  if (!row) throw new Error('a pending action insert returned no id');
  return { id: Number(row.id), kind: input.kind, sourceName, requestedAt: input.now };
}

export async function listPendingActionRows(sql: PgRunner): Promise<PendingAction[]> {
  return (await sql.rows<PendingRow>('SELECT * FROM pending_actions ORDER BY id')).map(toPending);
}

/** Removes and returns the actions of these kinds, oldest first (one run takes each once). */
export async function takePendingActionRows(sql: PgRunner, kinds: readonly PendingActionKind[]): Promise<PendingAction[]> {
  if (kinds.length === 0) return [];
  const rows = await sql.rows<PendingRow>('DELETE FROM pending_actions WHERE kind = ANY($1::text[]) RETURNING *', [[...kinds]]);
  return rows.map(toPending).sort((a, b) => a.id - b.id);
}

function toPending(row: PendingRow): PendingAction {
  return { id: Number(row.id), kind: row.kind, sourceName: row.source_name, requestedAt: Number(row.requested_at) };
}

function requireName(sourceName: string): void {
  if (typeof sourceName !== 'string' || sourceName.length === 0) {
    throw invalidArgument(`Expected \`sourceName\` to be a non-empty string, got \`${String(sourceName)}\``);
  }
}
