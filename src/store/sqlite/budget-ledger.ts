import type { AcquireSlotInput, BudgetBlock, BudgetStatus, ReplicaPause, SlotDecision } from '../budget.js';
import { budgetStatusFrom, decideSlot, validateWindow, windowStart, type WindowDecision } from '../budget-window.js';
import type { SqlRunner } from './sql-runner.js';

/** Ledger rows older than this are history nobody reads; pruned as new slots are taken. */
const LEDGER_RETENTION_MS = 30 * 24 * 60 * 60 * 1000;

export function slotTimesInWindow(sql: SqlRunner, scope: string, now: number, windowMs: number): number[] {
  // Slots stamped after `now` (a peer whose clock runs ahead) still count: the window never
  // undercounts.
  return sql
    .all<{ taken_at: number }>(
      'SELECT taken_at FROM budget_slots WHERE scope = ? AND taken_at > ? ORDER BY taken_at ASC',
      scope,
      windowStart(now, windowMs),
    )
    .map((row) => row.taken_at);
}

export function blockOf(sql: SqlRunner, scope: string): BudgetBlock | null {
  return sql.get<BudgetBlock>('SELECT until, reason FROM budget_blocks WHERE scope = ?', scope) ?? null;
}

/** What the window answers now, taking nothing. */
function windowDecision(sql: SqlRunner, input: AcquireSlotInput): WindowDecision {
  validateWindow(input.limit, input.windowMs);
  return decideSlot({
    slotTimes: slotTimesInWindow(sql, input.scope, input.now, input.windowMs),
    limit: input.limit,
    windowMs: input.windowMs,
    now: input.now,
    blockedUntil: blockOf(sql, input.scope)?.until ?? null,
  });
}

/** Must run inside a write transaction: the count and the insert are one decision. */
export function acquireSlot(sql: SqlRunner, input: AcquireSlotInput): SlotDecision {
  const decision = windowDecision(sql, input);
  if (!decision.granted) return decision;
  const result = sql.run(
    'INSERT INTO budget_slots (scope, taken_at, job_id) VALUES (?, ?, ?)',
    input.scope,
    input.now,
    input.jobId ?? null,
  );
  sql.run('DELETE FROM budget_slots WHERE scope = ? AND taken_at < ?', input.scope, input.now - LEDGER_RETENTION_MS);
  return { granted: true, slotId: Number(result.lastInsertRowid) };
}

export function refundSlot(sql: SqlRunner, slotId: number): boolean {
  return sql.run('DELETE FROM budget_slots WHERE id = ?', slotId).changes === 1;
}

export function setBlock(sql: SqlRunner, scope: string, until: number, reason: string): BudgetBlock {
  sql.run(
    `INSERT INTO budget_blocks (scope, until, reason) VALUES (?, ?, ?)
     ON CONFLICT (scope) DO UPDATE SET
       reason = CASE WHEN excluded.until > budget_blocks.until THEN excluded.reason ELSE budget_blocks.reason END,
       until = MAX(budget_blocks.until, excluded.until)`,
    scope,
    until,
    reason,
  );
  const block = blockOf(sql, scope);
  if (!block) throw new Error(`budget block of ${scope} vanished inside its transaction`);
  return block;
}

export function budgetStatusOf(sql: SqlRunner, scope: string, limit: number, windowMs: number, now: number): BudgetStatus {
  validateWindow(limit, windowMs);
  return budgetStatusFrom(slotTimesInWindow(sql, scope, now, windowMs), blockOf(sql, scope), limit, windowMs, now);
}

export function pause(sql: SqlRunner, replicaUUID: string, reason: string, until: number | null): void {
  sql.run(
    `INSERT INTO replica_pauses (replica_uuid, reason, until) VALUES (?, ?, ?)
     ON CONFLICT (replica_uuid) DO UPDATE SET reason = excluded.reason, until = excluded.until`,
    replicaUUID,
    reason,
    until,
  );
}

export function resume(sql: SqlRunner, replicaUUID: string): boolean {
  return sql.run('DELETE FROM replica_pauses WHERE replica_uuid = ?', replicaUUID).changes === 1;
}

export function listPauses(sql: SqlRunner, now: number | undefined): ReplicaPause[] {
  const rows =
    now === undefined
      ? sql.all<{ replica_uuid: string; reason: string; until: number | null }>(
          'SELECT * FROM replica_pauses ORDER BY replica_uuid',
        )
      : sql.all<{ replica_uuid: string; reason: string; until: number | null }>(
          'SELECT * FROM replica_pauses WHERE until IS NULL OR until > ? ORDER BY replica_uuid',
          now,
        );
  return rows.map((row) => ({ replicaUUID: row.replica_uuid, reason: row.reason, until: row.until }));
}
