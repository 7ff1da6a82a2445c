import type { PruneHistoryInput, PruneHistoryResult } from '../maintenance.js';
import type { SqlRunner } from './sql-runner.js';

/**
 * Documents whose current upload or delete the engine still settles by reading their events
 * (`upload-claimed`, `entry-created`): their history is kept whatever its age.
 */
const IN_FLIGHT = "('queued', 'uploading', 'processing', 'errored', 'deleting')";

/**
 * Deletes events and finished jobs older than `before`, in the caller's write transaction.
 * Both deletes walk an index on time (`events_by_time`, `jobs_by_finished_at`), so a prune with
 * nothing to do costs a lookup, not a scan. Open jobs are never touched.
 */
export function pruneHistoryRows(sql: SqlRunner, input: PruneHistoryInput): PruneHistoryResult {
  const events = sql.run(
    `DELETE FROM events WHERE at < ?
       AND (document_id IS NULL OR document_id NOT IN (SELECT id FROM documents WHERE state IN ${IN_FLIGHT}))`,
    input.before,
  ).changes;
  const jobs = sql.run(
    "DELETE FROM jobs WHERE finished_at IS NOT NULL AND finished_at < ? AND state IN ('done', 'failed', 'cancelled')",
    input.before,
  ).changes;
  return { events, jobs };
}
