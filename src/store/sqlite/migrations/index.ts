import { initial } from './001-initial.js';
import { leasesAndRetries } from './002-leases-and-retries.js';
import { heldDeletes } from './003-held-deletes.js';
import { updateJobs } from './004-update-jobs.js';
import { historyRetention } from './005-history-retention.js';
import { fileIdentity } from './007-file-identity.js';
import { hosts } from './008-hosts.js';
import { consoleActions } from './009-console.js';
import type { Migration } from './migration.js';

/** In order; append new steps, never edit an applied one. */
export const MIGRATIONS: readonly Migration[] = Object.freeze([
  initial,
  leasesAndRetries,
  heldDeletes,
  updateJobs,
  historyRetention,
  fileIdentity,
  hosts,
  consoleActions,
]);

export const LATEST_SCHEMA_VERSION: number = MIGRATIONS[MIGRATIONS.length - 1]?.version ?? 0;
