import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import Database from 'better-sqlite3';
import type { Logger } from 'pino';
import { StoreError } from '../errors.js';
import { LATEST_SCHEMA_VERSION } from './migrations/index.js';
import { migrate } from './migrate.js';
import { SqlRunner } from './sql-runner.js';
import { corruptMessage, toStoreError } from './sqlite-errors.js';
import { SqliteStore } from './sqlite-store.js';

export interface SqliteSnapshotOptions {
  /** The state file. */
  path: string;
  log?: Logger;
}

/** Bytes 18 and 19 of a SQLite file: the write and read format versions (2 = WAL, 1 = rollback journal). */
const FORMAT_VERSION_OFFSETS = [18, 19] as const;
const HEADER = 'SQLite format 3\u0000';

/**
 * A private in-memory copy of the state file, for a run that promises to write nothing
 * (`sync --dry-run`). The file is never created, migrated or written, and no `-wal`/`-shm` file
 * appears beside it: with no `-wal` present (no process has the file open), its bytes are read
 * as they are; with one present, the file is opened `readonly` (using the `-wal`/`-shm` that are
 * already there) and serialised. An older schema is migrated in the copy only; a newer one is
 * STORE_TOO_NEW. Returns null when the file does not exist (no state yet).
 */
export function openSqliteSnapshot(options: SqliteSnapshotOptions): SqliteStore | null {
  const path = resolve(options.path);
  if (!existsSync(path)) return null;
  let db: Database.Database | undefined;
  try {
    db = new Database(asRollbackJournal(readSnapshot(path)));
    // A newer schema is refused before anything else, with the message every command gives.
    if ((db.pragma('user_version', { simple: true }) as number) > LATEST_SCHEMA_VERSION) migrate(db, path);
    db.pragma('foreign_keys = ON');
    const migrated = migrate(db, path);
    if (migrated.from !== migrated.to) {
      options.log?.info({ path, from: migrated.from, to: migrated.to }, 'state file is an older version: planning on a migrated copy; the file is left as it is');
    }
    return new SqliteStore(new SqlRunner(db), path, options.log?.child({ component: 'store' }));
  } catch (error) {
    db?.close();
    throw toStoreError(error, path);
  }
}

function readSnapshot(path: string): Buffer {
  if (existsSync(`${path}-wal`)) {
    const live = new Database(path, { readonly: true, fileMustExist: true });
    try {
      return live.serialize();
    } finally {
      live.close();
    }
  }
  const bytes = readFileSync(path);
  if (bytes.length > 0 && bytes.subarray(0, HEADER.length).toString('latin1') !== HEADER) {
    throw new StoreError({ code: 'STORE_CORRUPT', path, message: corruptMessage(path, 'not a SQLite database') });
  }
  return bytes;
}

/** The copy lives in memory, where WAL does not exist: mark it a rollback-journal database. */
function asRollbackJournal(bytes: Buffer): Buffer {
  if (bytes.length >= HEADER.length) for (const offset of FORMAT_VERSION_OFFSETS) if (bytes[offset] === 2) bytes[offset] = 1;
  return bytes;
}
