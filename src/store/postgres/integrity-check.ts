import type { IntegrityCheckMode, IntegrityReport } from '../maintenance.js';
import type { PgRunner } from './pg-runner.js';

const MAX_FINDINGS = 50;

/**
 * PostgreSQL keeps its own pages consistent (WAL, checksums when enabled); what can go wrong is
 * the store's own invariants. `quick` checks those that indexes answer; `full` also reads every
 * row of every table, so a damaged page surfaces here rather than in the middle of a pass.
 */
const INVARIANTS: readonly { what: string; sql: string }[] = [
  {
    what: 'running job without an owner or a lease',
    sql: "SELECT 'job ' || id AS finding FROM jobs WHERE state = 'running' AND (owner IS NULL OR lease_until IS NULL)",
  },
  {
    what: 'uploading document without an open upload job',
    sql: `SELECT 'document ' || d.id || ' (' || d.rel_path || ')' AS finding FROM documents d
          WHERE d.state = 'uploading' AND NOT EXISTS (SELECT 1 FROM jobs j WHERE j.document_id = d.id
            AND j.kind IN ('create', 'replace', 'recreate', 'update') AND j.state IN ('queued', 'running'))`,
  },
  {
    what: 'document whose current and previous entries are the same',
    sql: "SELECT 'document ' || id AS finding FROM documents WHERE entry_id IS NOT NULL AND entry_id = previous_entry_id",
  },
];

const TABLES = ['documents', 'jobs', 'events', 'budget_slots', 'budget_blocks', 'replica_pauses', 'held_deletes', 'delete_approvals', 'source_roots', 'meta', 'texts'];

export async function checkIntegrity(sql: PgRunner, mode: IntegrityCheckMode): Promise<IntegrityReport> {
  const problems: string[] = [];
  for (const check of INVARIANTS) {
    const rows = await sql.rows<{ finding: string }>(`${check.sql} LIMIT ${MAX_FINDINGS}`);
    for (const row of rows) problems.push(`${check.what}: ${row.finding}`);
  }
  if (mode === 'full') {
    for (const table of TABLES) {
      try {
        await sql.run(`SELECT count(*) FROM (SELECT * FROM ${table}) AS every_row`);
      } catch (error) {
        problems.push(`${table}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  }
  return { ok: problems.length === 0, mode, problems: problems.slice(0, MAX_FINDINGS) };
}
