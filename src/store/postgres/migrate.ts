import { StoreError } from '../errors.js';
import { PG_LATEST_SCHEMA_VERSION, PG_MIGRATIONS } from './migrations/index.js';
import { ADVISORY_LOCK_CLASSES } from './advisory-locks.js';
import type { PgRunner } from './pg-runner.js';

export interface PgMigrationOutcome {
  from: number;
  to: number;
}

/**
 * Brings the schema to this code's version, inside the caller's transaction. Hosts opening at
 * once queue on an advisory lock and re-read the version behind it, so each step runs once.
 * A database a newer release migrated is used as it is while every step past ours is one our
 * code can read (`minReader`); STORE_TOO_NEW only when one is not.
 */
/**
 * The version the database is at, read without a lock (0 when it has no schema yet): opening a
 * store that is already current costs one statement.
 */
export async function currentPgVersion(sql: PgRunner, target: string): Promise<number> {
  const row = await sql.row<{ version: number | null; min_reader: number | null }>(
    `SELECT (SELECT MAX(version) FROM schema_migrations) AS version, (SELECT MAX(min_reader) FROM schema_migrations) AS min_reader
     WHERE to_regclass('schema_migrations') IS NOT NULL`,
  ).catch(() => undefined);
  if ((row?.min_reader ?? 0) > PG_LATEST_SCHEMA_VERSION) throw refuseNewer(target, row?.version ?? 0, row?.min_reader ?? 0);
  return row?.version ?? 0;
}

export async function migratePg(sql: PgRunner, target: string): Promise<PgMigrationOutcome> {
  await sql.run('SELECT pg_advisory_xact_lock($1::integer, 0)', [ADVISORY_LOCK_CLASSES.migration]);
  await sql.run(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version    INTEGER PRIMARY KEY,
    name       TEXT NOT NULL,
    min_reader INTEGER NOT NULL,
    applied_at TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp()
  )`);
  const seen = await sql.row<{ version: number | null; min_reader: number | null }>(
    'SELECT MAX(version) AS version, MAX(min_reader) AS min_reader FROM schema_migrations',
  );
  const from = seen?.version ?? 0;
  const minReader = seen?.min_reader ?? 0;
  if (minReader > PG_LATEST_SCHEMA_VERSION) throw refuseNewer(target, from, minReader);
  for (const migration of PG_MIGRATIONS) {
    if (migration.version <= from) continue;
    await sql.run(migration.sql);
    await sql.run('INSERT INTO schema_migrations (version, name, min_reader) VALUES ($1, $2, $3)', [
      migration.version,
      migration.name,
      migration.minReader,
    ]);
  }
  return { from, to: Math.max(from, PG_LATEST_SCHEMA_VERSION) };
}

function refuseNewer(target: string, found: number, minReader: number): StoreError {
  return new StoreError({
    code: 'STORE_TOO_NEW',
    path: target,
    message:
      `PostgreSQL state store ${target} has schema version ${found}, which needs sensay-ingest code of schema ` +
      `version ${minReader} or later; this sensay-ingest knows versions up to ${PG_LATEST_SCHEMA_VERSION}. ` +
      'Upgrade sensay-ingest on this host.',
  });
}
