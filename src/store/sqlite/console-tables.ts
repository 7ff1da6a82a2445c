import type { PendingAction, PendingActionInput, PendingActionKind, SourcePause } from '../console-state.js';
import { PENDING_ACTION_KINDS } from '../console-state.js';
import { invalidArgument } from '../errors.js';
import { appendEventRow } from './event-log.js';
import { placeholders, type SqlRunner } from './sql-runner.js';

/** Sources paused by hand and actions recorded for the next run (issue 11). Each runs inside the caller's transaction. */

interface PendingRow {
  id: number;
  kind: PendingActionKind;
  source_name: string | null;
  requested_at: number;
}

export function pauseSourceRow(sql: SqlRunner, sourceName: string, now: number): boolean {
  requireName(sourceName);
  const inserted = sql.run('INSERT INTO source_pauses (source_name, paused_at) VALUES (?, ?) ON CONFLICT (source_name) DO NOTHING', sourceName, now);
  if (inserted.changes === 0) return false;
  appendEventRow(sql, { at: now, type: 'source-paused', documentId: null, sourceName, relPath: null, detail: null });
  return true;
}

export function resumeSourceRow(sql: SqlRunner, sourceName: string, now: number): boolean {
  requireName(sourceName);
  if (sql.run('DELETE FROM source_pauses WHERE source_name = ?', sourceName).changes === 0) return false;
  appendEventRow(sql, { at: now, type: 'source-resumed', documentId: null, sourceName, relPath: null, detail: null });
  return true;
}

export function listSourcePauses(sql: SqlRunner): SourcePause[] {
  return sql
    .all<{ source_name: string; paused_at: number }>('SELECT * FROM source_pauses ORDER BY source_name')
    .map((row) => ({ sourceName: row.source_name, pausedAt: row.paused_at }));
}

export function insertPendingAction(sql: SqlRunner, input: PendingActionInput): PendingAction {
  if (!PENDING_ACTION_KINDS.includes(input.kind)) {
    throw invalidArgument(`Expected \`kind\` to be one of ${PENDING_ACTION_KINDS.join(', ')}, got \`${String(input.kind)}\``);
  }
  if (!Number.isFinite(input.now)) throw invalidArgument(`Expected \`now\` to be a finite time in ms, got \`${String(input.now)}\``);
  const sourceName = input.sourceName ?? null;
  if (sourceName !== null) requireName(sourceName);
  const result = sql.run('INSERT INTO pending_actions (kind, source_name, requested_at) VALUES (?, ?, ?)', input.kind, sourceName, input.now);
  return { id: Number(result.lastInsertRowid), kind: input.kind, sourceName, requestedAt: input.now };
}

export function listPendingActionRows(sql: SqlRunner): PendingAction[] {
  return sql.all<PendingRow>('SELECT * FROM pending_actions ORDER BY id').map(toPending);
}

export function takePendingActionRows(sql: SqlRunner, kinds: readonly PendingActionKind[]): PendingAction[] {
  if (kinds.length === 0) return [];
  const rows = sql.all<PendingRow>(`SELECT * FROM pending_actions WHERE kind IN (${placeholders(kinds.length)}) ORDER BY id`, ...kinds);
  if (rows.length > 0) sql.run(`DELETE FROM pending_actions WHERE id IN (${placeholders(rows.length)})`, ...rows.map((row) => row.id));
  return rows.map(toPending);
}

function toPending(row: PendingRow): PendingAction {
  return { id: row.id, kind: row.kind, sourceName: row.source_name, requestedAt: row.requested_at };
}

function requireName(sourceName: string): void {
  if (typeof sourceName !== 'string' || sourceName.length === 0) {
    throw invalidArgument(`Expected \`sourceName\` to be a non-empty string, got \`${String(sourceName)}\``);
  }
}
