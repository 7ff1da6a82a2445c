import { mkdirSync } from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';
import { dirname, resolve } from 'node:path';
import Database from 'better-sqlite3';
import type { Logger } from 'pino';
import { StoreError } from '../errors.js';
import { migrate } from './migrate.js';
import { SqlRunner } from './sql-runner.js';
import { toStoreError } from './sqlite-errors.js';
import { SqliteStore } from './sqlite-store.js';

export interface SqliteStoreOptions {
  /** The state file; its folder is created. `:memory:` gives a private in-memory store. */
  path: string;
  /** How long a write waits for another process's lock before STORE_BUSY. Default 5000. */
  busyTimeoutMs?: number;
  log?: Logger;
}

export const DEFAULT_BUSY_TIMEOUT_MS = 5000;

/**
 * Opens (creating if needed) and migrates the state file. Throws StoreError: STORE_CORRUPT when
 * the file is not a database (or its header or schema is damaged), STORE_TOO_NEW when a newer
 * release wrote it, STORE_UNAVAILABLE when it cannot be created or opened. No integrity check
 * runs here: it reads the whole file, so opening would cost more as the store grows. Damage
 * elsewhere surfaces as STORE_CORRUPT when a page is read, and `sensay-ingest doctor` looks for
 * it on demand (`Store.checkIntegrity`).
 */
export async function openSqliteStore(options: SqliteStoreOptions): Promise<SqliteStore> {
  const busyTimeoutMs = options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS;
  if (!Number.isInteger(busyTimeoutMs) || busyTimeoutMs < 0) {
    throw new StoreError({
      code: 'STORE_INVALID_ARGUMENT',
      message: `Expected \`busyTimeoutMs\` to be an integer >= 0, got \`${String(options.busyTimeoutMs)}\``,
    });
  }
  const inMemory = options.path === ':memory:';
  const path = inMemory ? options.path : resolve(options.path);
  const log = options.log?.child({ component: 'store' });
  // Switching a brand-new file to WAL while other processes open it too can answer SQLITE_BUSY
  // without consulting the busy handler; such an open is retried within the busy timeout.
  const attempts = Math.max(1, Math.ceil(busyTimeoutMs / OPEN_RETRY_MS));
  for (let attempt = 1; ; attempt++) {
    let db: Database.Database | undefined;
    try {
      if (!inMemory) mkdirSync(dirname(path), { recursive: true });
      db = new Database(path, { timeout: busyTimeoutMs });
      configure(db, busyTimeoutMs, inMemory);
      const migrated = migrate(db, path);
      if (migrated.from !== migrated.to) log?.info({ path, from: migrated.from, to: migrated.to }, 'state store migrated');
      log?.debug({ path }, 'state store open');
      return new SqliteStore(new SqlRunner(db), path, log);
    } catch (error) {
      db?.close();
      if (attempt < attempts && isBusy(error)) {
        await delay(OPEN_RETRY_MS);
        continue;
      }
      throw toStoreError(error, path);
    }
  }
}

const OPEN_RETRY_MS = 25;

function isBusy(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  return code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED' || (typeof code === 'string' && code.startsWith('SQLITE_BUSY_'));
}

function configure(db: Database.Database, busyTimeoutMs: number, inMemory: boolean): void {
  db.pragma(`busy_timeout = ${busyTimeoutMs}`);
  if (!inMemory) {
    const mode = db.pragma('journal_mode = WAL', { simple: true });
    if (mode !== 'wal') throw new Error(`could not switch the journal to WAL (got ${String(mode)})`);
  }
  // NORMAL is durable in WAL mode except for the last commits before a power cut, which a
  // re-scan and reconciliation recover.
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
}
