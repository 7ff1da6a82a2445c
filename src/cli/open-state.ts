import { existsSync } from 'node:fs';
import type { Logger } from 'pino';
import { systemClock, type Clock } from '../clock/clock.js';
import type { Env } from '../config/environment.js';
import { resolvePostgresConnection } from '../config/postgres-connection.js';
import type { StateConfig } from '../config/types.js';
import { DatabaseClock } from '../store/postgres/database-clock.js';
import { describeTarget } from '../store/postgres/pg-database.js';
import { openPostgresStore } from '../store/postgres/open-postgres-store.js';
import { PgTextCache } from '../store/postgres/pg-text-cache.js';
import { openSqliteSnapshot, openSqliteStore, textCacheFor, type Store, type TextCache } from '../store/index.js';
import { copyIntoSqlite } from '../store/postgres/export-sqlite-snapshot.js';

/** The state a command works on, whichever adapter holds it. */
export interface OpenedState {
  readonly store: Store;
  /** Text mode's texts: gzip files beside a SQLite file, the `texts` table in PostgreSQL. */
  readonly texts: TextCache;
  /**
   * The clock every `now` handed to this store must come from: the system clock with SQLite
   * (one host), the database's clock with PostgreSQL (DECISIONS "Clocks").
   */
  readonly clock: Clock;
}

/** How the state is named to the user: the file's path, or `host:port/database` (never a password). */
export function stateLabel(state: StateConfig): string {
  if (state.kind !== 'postgres') return state.path;
  return state.url === null ? `(the URL in ${state.urlFile ?? 'state.urlFile'})` : describeTarget(state.url);
}

/** False only for a SQLite file not created yet (read-only commands then say so and create nothing). */
export function stateExists(state: StateConfig): boolean {
  return state.kind === 'postgres' || (state.path !== ':memory:' && existsSync(state.path));
}

/** The one place a command opens the state store from `state` (DESIGN §10). */
export async function openState(state: StateConfig, env: Env, log?: Logger, base: Clock = systemClock): Promise<OpenedState> {
  if (state.kind !== 'postgres') {
    const store = await openSqliteStore({ path: state.path, ...(log && { log }) });
    return { store, texts: textCacheFor(state.path), clock: base };
  }
  const connection = resolvePostgresConnection(state, env);
  const store = await openPostgresStore({ url: connection.url, password: connection.password, log });
  try {
    const clock = await DatabaseClock.start(base, store.database, log?.child({ component: 'store' }));
    return { store, texts: new PgTextCache(store.database), clock };
  } catch (error) {
    await store.close();
    throw error;
  }
}

/**
 * A private in-memory copy of the state for a run that writes nothing (`sync --dry-run`): the
 * SQLite file's bytes, or one consistent read of the PostgreSQL database, which is neither
 * written nor locked. Null when a SQLite state does not exist yet.
 */
export async function openStateSnapshot(state: StateConfig, env: Env, log?: Logger): Promise<Store | null> {
  if (state.kind !== 'postgres') return state.path === ':memory:' ? null : openSqliteSnapshot({ path: state.path, ...(log && { log }) });
  const connection = resolvePostgresConnection(state, env);
  const source = await openPostgresStore({ url: connection.url, password: connection.password, log });
  const copy = await openSqliteStore({ path: ':memory:' });
  try {
    await copyIntoSqlite(source.database, copy.database);
    return copy;
  } catch (error) {
    await copy.close();
    throw error;
  } finally {
    await source.close();
  }
}
