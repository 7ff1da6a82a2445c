import type { PruneHistoryInput, PruneHistoryResult } from '../maintenance.js';
import type { PgRunner } from './pg-runner.js';

/** Documents whose current upload or delete the engine still settles by reading their events. */
const IN_FLIGHT = "('queued', 'uploading', 'processing', 'errored', 'deleting')";

/** Deletes events and finished jobs older than `before`; both walk an index on time. */
export async function pruneHistoryRows(sql: PgRunner, input: PruneHistoryInput): Promise<PruneHistoryResult> {
  const events = await sql.run(
    `DELETE FROM events WHERE at < $1
       AND (document_id IS NULL OR document_id NOT IN (SELECT id FROM documents WHERE state IN ${IN_FLIGHT}))`,
    [input.before],
  );
  const jobs = await sql.run(
    "DELETE FROM jobs WHERE finished_at IS NOT NULL AND finished_at < $1 AND state IN ('done', 'failed', 'cancelled')",
    [input.before],
  );
  return { events, jobs };
}
