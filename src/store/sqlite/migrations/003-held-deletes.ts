import type { Migration } from './migration.js';

/**
 * Held deletes, their approvals and source roots' devices (issue 9 §5). Additive: three new
 * tables. Document ids are kept as a JSON array (ascending), compared as a whole.
 */
export const heldDeletes: Migration = {
  version: 3,
  name: 'held-deletes',
  sql: `
CREATE TABLE held_deletes (
  source_name  TEXT    PRIMARY KEY,
  reason       TEXT    NOT NULL,
  detail       TEXT    NOT NULL,
  document_ids TEXT    NOT NULL,
  approvable   INTEGER NOT NULL DEFAULT 1,
  root_device  TEXT,
  held_at      INTEGER NOT NULL
);
CREATE TABLE delete_approvals (
  id           INTEGER PRIMARY KEY,
  source_name  TEXT    NOT NULL UNIQUE,
  document_ids TEXT    NOT NULL,
  root_device  TEXT,
  approved_at  INTEGER NOT NULL
);
CREATE TABLE source_roots (
  source_name  TEXT    PRIMARY KEY,
  device       TEXT    NOT NULL,
  recorded_at  INTEGER NOT NULL
);
`,
};
