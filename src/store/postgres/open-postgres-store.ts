import type { Logger } from 'pino';
import { currentPgVersion, migratePg } from './migrate.js';
import { PG_LATEST_SCHEMA_VERSION } from './migrations/index.js';
import { PgDatabase, type PgConnectionOptions } from './pg-database.js';
import { toStoreError } from './pg-errors.js';
import { PostgresStore } from './pg-store.js';

export type PostgresStoreOptions = PgConnectionOptions;

/**
 * Connects and migrates. Throws StoreError: STORE_UNAVAILABLE when the server cannot be reached
 * or refuses the user (the message names `host:port/database`, never the password),
 * STORE_TOO_NEW when a newer release changed the schema beyond what this code reads.
 */
export async function openPostgresStore(options: PostgresStoreOptions): Promise<PostgresStore> {
  const log: Logger | undefined = options.log?.child({ component: 'store' });
  const db = new PgDatabase({ ...options, log });
  try {
    const seen = await currentPgVersion(db.pool, db.target);
    const migrated = seen >= PG_LATEST_SCHEMA_VERSION ? { from: seen, to: seen } : await db.transaction((sql) => migratePg(sql, db.target));
    if (migrated.from !== migrated.to) log?.info({ target: db.target, from: migrated.from, to: migrated.to }, 'state store migrated');
    log?.debug({ target: db.target }, 'state store open');
    return new PostgresStore(db);
  } catch (error) {
    await db.close().catch(() => undefined);
    throw toStoreError(error, db.target);
  }
}
