import type { Migration } from './migration.js';

/** Finished jobs are pruned by age (`state.retentionDays`); this index keeps that a range walk. */
export const historyRetention: Migration = {
  version: 5,
  name: 'history-retention',
  sql: `
CREATE INDEX IF NOT EXISTS jobs_by_finished_at ON jobs (finished_at) WHERE finished_at IS NOT NULL;
`,
};
