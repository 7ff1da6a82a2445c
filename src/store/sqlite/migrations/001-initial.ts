import type { Migration } from './migration.js';

/**
 * The first schema. Times are epoch milliseconds (INTEGER), except `mtime_ms`, which keeps
 * `fs.Stats.mtimeMs` exactly (REAL). JSON columns hold `JSON.stringify` output.
 */
export const initial: Migration = {
  version: 1,
  name: 'initial',
  sql: `
CREATE TABLE documents (
  id                INTEGER PRIMARY KEY,
  source_name       TEXT    NOT NULL,
  rel_path          TEXT    NOT NULL,
  replica_uuid      TEXT    NOT NULL,
  kind              TEXT,
  size              INTEGER NOT NULL,
  mtime_ms          REAL    NOT NULL,
  sha256            TEXT,
  text_hash         TEXT,
  state             TEXT    NOT NULL CHECK (state IN ('discovered','extracted','rejected','queued','uploading',
                      'processing','ready','errored','failed','deleting','gone','duplicate')),
  entry_id          INTEGER,
  previous_entry_id INTEGER,
  attempts          INTEGER NOT NULL DEFAULT 0,
  last_error        TEXT,
  reject_reason     TEXT,
  reject_detail     TEXT,
  duplicate_of      INTEGER REFERENCES documents(id) ON DELETE SET NULL,
  warnings          TEXT    NOT NULL DEFAULT '[]',
  discovered_at     INTEGER NOT NULL,
  updated_at        INTEGER NOT NULL,
  state_since       INTEGER NOT NULL,
  next_attempt_at   INTEGER,
  UNIQUE (source_name, rel_path)
);
CREATE INDEX documents_by_entry ON documents (entry_id) WHERE entry_id IS NOT NULL;
CREATE INDEX documents_by_previous_entry ON documents (previous_entry_id) WHERE previous_entry_id IS NOT NULL;
CREATE INDEX documents_by_text_hash ON documents (replica_uuid, text_hash);
CREATE INDEX documents_by_state ON documents (state, state_since);
CREATE INDEX documents_by_duplicate_of ON documents (duplicate_of) WHERE duplicate_of IS NOT NULL;

CREATE TABLE jobs (
  id           INTEGER PRIMARY KEY,
  document_id  INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
  kind         TEXT    NOT NULL CHECK (kind IN ('create','replace','recreate','delete','rename')),
  state        TEXT    NOT NULL CHECK (state IN ('queued','running','done','failed','cancelled')),
  priority     INTEGER NOT NULL DEFAULT 0,
  not_before   INTEGER NOT NULL,
  owner        TEXT,
  lease_until  INTEGER,
  claims       INTEGER NOT NULL DEFAULT 0,
  payload      TEXT    NOT NULL DEFAULT 'null',
  last_error   TEXT,
  created_at   INTEGER NOT NULL,
  updated_at   INTEGER NOT NULL,
  finished_at  INTEGER
);
-- The database itself guarantees one open job per document and kind (idempotent enqueue).
CREATE UNIQUE INDEX jobs_one_open ON jobs (document_id, kind) WHERE state IN ('queued','running');
CREATE INDEX jobs_by_eligibility ON jobs (state, priority DESC, created_at, id);
CREATE INDEX jobs_by_document ON jobs (document_id, state);
CREATE INDEX jobs_by_owner ON jobs (owner, state) WHERE owner IS NOT NULL;

CREATE TABLE budget_slots (
  id        INTEGER PRIMARY KEY,
  scope     TEXT    NOT NULL,
  taken_at  INTEGER NOT NULL,
  job_id    INTEGER
);
CREATE INDEX budget_slots_by_scope ON budget_slots (scope, taken_at);

CREATE TABLE budget_blocks (
  scope   TEXT    PRIMARY KEY,
  until   INTEGER NOT NULL,
  reason  TEXT    NOT NULL
);

CREATE TABLE replica_pauses (
  replica_uuid  TEXT PRIMARY KEY,
  reason        TEXT NOT NULL,
  until         INTEGER
);

-- Append-only; no foreign key, so history outlives the rows it speaks of.
CREATE TABLE events (
  id           INTEGER PRIMARY KEY,
  at           INTEGER NOT NULL,
  document_id  INTEGER,
  source_name  TEXT,
  rel_path     TEXT,
  type         TEXT    NOT NULL,
  detail       TEXT
);
CREATE INDEX events_by_document ON events (document_id, id) WHERE document_id IS NOT NULL;
CREATE INDEX events_by_time ON events (at);

CREATE TABLE meta (
  key    TEXT PRIMARY KEY,
  value  TEXT NOT NULL
);
`,
};
