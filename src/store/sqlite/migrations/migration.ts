import type Database from 'better-sqlite3';

/** One numbered step of the schema; `version` becomes `PRAGMA user_version` once applied. */
export interface Migration {
  version: number;
  name: string;
  sql: string;
  /**
   * For a step plain SQL cannot say (SQLite cannot alter a CHECK constraint): run after `sql`,
   * inside the same transaction.
   */
  apply?: (db: Database.Database) => void;
}
