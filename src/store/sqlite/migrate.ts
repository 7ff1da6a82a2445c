import type Database from 'better-sqlite3';
import { StoreError } from '../errors.js';
import { LATEST_SCHEMA_VERSION, MIGRATIONS } from './migrations/index.js';

export interface MigrationOutcome {
  from: number;
  to: number;
}

function userVersion(db: Database.Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}

function refuseNewer(path: string, found: number): StoreError {
  return new StoreError({
    code: 'STORE_TOO_NEW',
    path,
    message:
      `State file ${path} has schema version ${found}, but this sensay-ingest knows versions up to ` +
      `${LATEST_SCHEMA_VERSION}: it was written by a newer release. Upgrade sensay-ingest, or point ` +
      `"state" at another file.`,
  });
}

/**
 * Brings the schema to the latest version. Concurrent openers are serialised by BEGIN
 * IMMEDIATE and re-read the version inside the transaction, so each step runs exactly once.
 */
export function migrate(db: Database.Database, path: string): MigrationOutcome {
  const seen = userVersion(db);
  if (seen > LATEST_SCHEMA_VERSION) throw refuseNewer(path, seen);
  if (seen === LATEST_SCHEMA_VERSION) return { from: seen, to: seen };
  return db
    .transaction((): MigrationOutcome => {
      const from = userVersion(db);
      if (from > LATEST_SCHEMA_VERSION) throw refuseNewer(path, from);
      for (const migration of MIGRATIONS) {
        if (migration.version <= from) continue;
        db.exec(migration.sql);
        migration.apply?.(db);
        db.pragma(`user_version = ${migration.version}`);
      }
      return { from, to: LATEST_SCHEMA_VERSION };
    })
    .immediate();
}
