import type { AcquireSlotInput, BudgetBlock, BudgetStatus, ReplicaPause, SlotDecision } from '../budget.js';
import { budgetStatusFrom, decideSlot, validateWindow, windowStart, type WindowDecision } from '../budget-window.js';
import { ADVISORY_LOCK_CLASSES } from './advisory-locks.js';
import type { PgRunner } from './pg-runner.js';

/** Ledger rows older than this are history nobody reads; pruned as new slots are taken. */
const LEDGER_RETENTION_MS = 30 * 24 * 60 * 60 * 1000;

/**
 * Serialises every decision about one budget scope, across hosts, until the transaction ends.
 * Taken before anything is read, so the count and the insert are one decision.
 */
export async function lockBudgetScope(sql: PgRunner, scope: string): Promise<void> {
  await sql.run('SELECT pg_advisory_xact_lock($1::integer, hashtext($2))', [ADVISORY_LOCK_CLASSES.budget, scope]);
}

export async function slotTimesInWindow(sql: PgRunner, scope: string, now: number, windowMs: number): Promise<number[]> {
  // Slots stamped after `now` still count: the window never undercounts.
  const rows = await sql.rows<{ taken_at: number }>(
    'SELECT taken_at FROM budget_slots WHERE scope = $1 AND taken_at > $2 ORDER BY taken_at ASC',
    [scope, windowStart(now, windowMs)],
  );
  return rows.map((row) => row.taken_at);
}

export async function blockOf(sql: PgRunner, scope: string): Promise<BudgetBlock | null> {
  return (await sql.row<BudgetBlock>('SELECT until, reason FROM budget_blocks WHERE scope = $1', [scope])) ?? null;
}

/** What the window answers now, taking nothing; the caller holds the scope's lock. */
async function windowDecision(sql: PgRunner, input: AcquireSlotInput): Promise<WindowDecision> {
  validateWindow(input.limit, input.windowMs);
  return decideSlot({
    slotTimes: await slotTimesInWindow(sql, input.scope, input.now, input.windowMs),
    limit: input.limit,
    windowMs: input.windowMs,
    now: input.now,
    blockedUntil: (await blockOf(sql, input.scope))?.until ?? null,
  });
}

/** Takes the scope's lock itself (a no-op when the caller's transaction already holds it). */
export async function acquireSlot(sql: PgRunner, input: AcquireSlotInput): Promise<SlotDecision> {
  validateWindow(input.limit, input.windowMs);
  await lockBudgetScope(sql, input.scope);
  const decision = await windowDecision(sql, input);
  if (!decision.granted) return decision;
  const row = await sql.row<{ id: number }>(
    'INSERT INTO budget_slots (scope, taken_at, job_id) VALUES ($1, $2, $3) RETURNING id',
    [input.scope, input.now, input.jobId ?? null],
  );
  await sql.run('DELETE FROM budget_slots WHERE scope = $1 AND taken_at < $2', [input.scope, input.now - LEDGER_RETENTION_MS]);
  if (!row) throw new Error('a slot insert returned no id');
  return { granted: true, slotId: row.id };
}

export async function refundSlot(sql: PgRunner, slotId: number): Promise<boolean> {
  return (await sql.run('DELETE FROM budget_slots WHERE id = $1', [slotId])) === 1;
}

export async function setBlock(sql: PgRunner, scope: string, until: number, reason: string): Promise<BudgetBlock> {
  const row = await sql.row<BudgetBlock>(
    `INSERT INTO budget_blocks (scope, until, reason) VALUES ($1, $2, $3)
     ON CONFLICT (scope) DO UPDATE SET
       reason = CASE WHEN excluded.until > budget_blocks.until THEN excluded.reason ELSE budget_blocks.reason END,
       until = GREATEST(budget_blocks.until, excluded.until)
     RETURNING until, reason`,
    [scope, until, reason],
  );
  if (!row) throw new Error(`budget block of ${scope} vanished inside its transaction`);
  return row;
}

export async function budgetStatusOf(sql: PgRunner, scope: string, limit: number, windowMs: number, now: number): Promise<BudgetStatus> {
  validateWindow(limit, windowMs);
  return budgetStatusFrom(await slotTimesInWindow(sql, scope, now, windowMs), await blockOf(sql, scope), limit, windowMs, now);
}

export async function pause(sql: PgRunner, replicaUUID: string, reason: string, until: number | null): Promise<void> {
  await sql.run(
    `INSERT INTO replica_pauses (replica_uuid, reason, until) VALUES ($1, $2, $3)
     ON CONFLICT (replica_uuid) DO UPDATE SET reason = excluded.reason, until = excluded.until`,
    [replicaUUID, reason, until],
  );
}

export async function resume(sql: PgRunner, replicaUUID: string): Promise<boolean> {
  return (await sql.run('DELETE FROM replica_pauses WHERE replica_uuid = $1', [replicaUUID])) === 1;
}

export async function listPauses(sql: PgRunner, now: number | undefined): Promise<ReplicaPause[]> {
  const rows = await sql.rows<{ replica_uuid: string; reason: string; until: number | null }>(
    now === undefined
      ? 'SELECT * FROM replica_pauses ORDER BY replica_uuid'
      : 'SELECT * FROM replica_pauses WHERE until IS NULL OR until > $1 ORDER BY replica_uuid',
    now === undefined ? [] : [now],
  );
  return rows.map((row) => ({ replicaUUID: row.replica_uuid, reason: row.reason, until: row.until }));
}
