import type { Migration } from './migration.js';

/**
 * Fencing and bounded retries (issue 8 §1, §3). Additive only:
 * - `lease_generation`: bumped at every claim or takeover; every transition of a running job
 *   names the generation it holds, so a worker whose lease was taken over cannot change the job.
 * - `outages`: consecutive creates of this job the API failed without creating anything; drives
 *   the outage backoff and resets once a create is answered.
 * - `jobs_by_readiness`: claims go by priority, then by the time a job became ready (`not_before`),
 *   so a job waiting out a retry backoff queues behind work that was ready before it.
 */
export const leasesAndRetries: Migration = {
  version: 2,
  name: 'leases-and-retries',
  sql: `
ALTER TABLE jobs ADD COLUMN lease_generation INTEGER NOT NULL DEFAULT 0;
ALTER TABLE jobs ADD COLUMN outages INTEGER NOT NULL DEFAULT 0;
CREATE INDEX jobs_by_readiness ON jobs (state, priority DESC, not_before, id);
`,
};
