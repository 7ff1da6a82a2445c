import type { Migration } from './migration.js';

/**
 * The console's actions (issue 11): sources paused by hand, and actions recorded for the next run
 * (a `console` on a cron host has no daemon to wake). Number 8 belongs to another branch's step.
 */
export const consoleActions: Migration = {
  version: 9,
  name: 'console-actions',
  sql: `
CREATE TABLE source_pauses (
  source_name TEXT PRIMARY KEY,
  paused_at INTEGER NOT NULL
);
CREATE TABLE pending_actions (
  id INTEGER PRIMARY KEY,
  kind TEXT NOT NULL,
  source_name TEXT,
  requested_at INTEGER NOT NULL
);
-- The console sorts its table by path (the default) and by last change.
CREATE INDEX documents_by_rel_path ON documents (rel_path);
CREATE INDEX documents_by_updated_at ON documents (updated_at);
`,
};
