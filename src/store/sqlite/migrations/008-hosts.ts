import type { Migration } from './migration.js';

/**
 * Several hosts (issue 10): the hosts that ran on this state, which host owns each source and
 * which polls each replica (leases with generations), and the request window hosts share.
 * With SQLite there is one host, so these tables stay small; the PostgreSQL adapter has the same.
 */
export const hosts: Migration = {
  version: 8,
  name: 'hosts',
  sql: `
CREATE TABLE hosts (
  name TEXT PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  first_seen_at INTEGER NOT NULL,
  last_seen_at INTEGER NOT NULL,
  last_owner TEXT NOT NULL
);
CREATE TABLE source_owners (
  source_name TEXT PRIMARY KEY,
  host_name TEXT NOT NULL,
  home_host TEXT,
  as_standby INTEGER NOT NULL DEFAULT 0 CHECK (as_standby IN (0, 1)),
  owner TEXT NOT NULL,
  lease_until INTEGER NOT NULL,
  generation INTEGER NOT NULL,
  claimed_at INTEGER NOT NULL
);
CREATE TABLE replica_leases (
  replica_uuid TEXT NOT NULL,
  role TEXT NOT NULL,
  host_name TEXT NOT NULL,
  owner TEXT NOT NULL,
  lease_until INTEGER NOT NULL,
  generation INTEGER NOT NULL,
  PRIMARY KEY (replica_uuid, role)
);
CREATE TABLE request_permits (
  id INTEGER PRIMARY KEY,
  scope TEXT NOT NULL,
  taken_at INTEGER NOT NULL,
  count INTEGER NOT NULL CHECK (count > 0),
  host_name TEXT NOT NULL
);
CREATE INDEX request_permits_by_scope_time ON request_permits (scope, taken_at);
`,
};
