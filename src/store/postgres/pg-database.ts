import { setTimeout as delay } from 'node:timers/promises';
import pg from 'pg';
import type { Logger } from 'pino';
import { isConnectionError, isRetryableConflict, scrubSecrets, toStoreError } from './pg-errors.js';
import { PgRunner } from './pg-runner.js';

export interface PgConnectionOptions {
  /** A postgres:// URL without a password (host, port, database, user, parameters). */
  url: string;
  /** Sent only when the server asks for one; never logged. */
  password?: { reveal(): string } | undefined;
  /** Connections per process. Default 4: a host runs a few jobs at once, each one short transaction. */
  poolSize?: number;
  log?: Logger | undefined;
}

/** BIGINT columns (times in ms, ids, counts) come back as numbers: every value we store fits in 2^53. */
const TYPES: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === pg.types.builtins.INT8 ? (value: string) => Number(value) : pg.types.getTypeParser(oid, format)) as pg.CustomTypesConfig['getTypeParser'],
};

const CONFLICT_RETRIES = 5;

/** `host:port/database` of a postgres:// URL: how errors and logs name the store (no user, no password). */
export function describeTarget(url: string): string {
  try {
    const parsed = new URL(url);
    const database = decodeURIComponent(parsed.pathname.replace(/^\//, '')) || '(default database)';
    return `${parsed.hostname || 'localhost'}:${parsed.port || '5432'}/${database}`;
  } catch {
    return '(an unreadable postgres:// URL)';
  }
}

/**
 * The pool and the one way a module gets at it: `transaction(fn)` runs `fn` in one transaction
 * on one client and retries it whole when PostgreSQL aborts it as a deadlock or a serialisation
 * conflict. A broken connection (PostgreSQL restarting) is dropped from the pool and surfaces as
 * STORE_UNAVAILABLE; the next call connects anew. One log line when the connection is lost, one
 * when it is back.
 */
export class PgDatabase {
  readonly target: string;
  readonly #pool: pg.Pool;
  readonly #log: Logger | undefined;
  #lost = false;

  constructor(options: PgConnectionOptions) {
    this.target = describeTarget(options.url);
    this.#log = options.log;
    const password = options.password;
    this.#pool = new pg.Pool({
      connectionString: options.url,
      // A function, so pg never falls back to reading the environment or ~/.pgpass itself.
      password: async () => password?.reveal() ?? '',
      max: options.poolSize ?? 4,
      idleTimeoutMillis: 30_000,
      connectionTimeoutMillis: 10_000,
      application_name: 'sensay-ingest',
      options: '-c lock_timeout=30000',
      types: TYPES,
    });
    // An idle client whose server went away: pg drops it; without a listener it would crash the process.
    this.#pool.on('error', (error) => this.#connectionLost(error));
  }

  /** The pool itself, one statement at a time (autocommit): for single-statement reads. */
  get pool(): PgRunner {
    return new PgRunner({ query: (text, values) => this.#run(() => this.#pool.query(text, values)) });
  }

  async transaction<T>(fn: (sql: PgRunner) => Promise<T>, mode = 'BEGIN'): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.#once(fn, mode);
      } catch (error) {
        if (attempt < CONFLICT_RETRIES && isRetryableConflict(error)) {
          await delay(Math.floor(Math.random() * 10 * attempt));
          continue;
        }
        throw toStoreError(error, this.target);
      }
    }
  }

  async close(): Promise<void> {
    await this.#pool.end();
  }

  async #once<T>(fn: (sql: PgRunner) => Promise<T>, mode: string): Promise<T> {
    const client = await this.#run(() => this.#pool.connect());
    let broken: Error | undefined;
    // A checked-out client has no pool listener: a server that ends the session between two of
    // our statements (a restart) would otherwise be an unhandled 'error' event and crash the host.
    const onError = (error: Error) => {
      broken = error;
      this.#connectionLost(error);
    };
    client.on('error', onError);
    try {
      await client.query(mode);
      const result = await fn(new PgRunner(client));
      await client.query('COMMIT');
      this.#connectionBack();
      return result;
    } catch (error) {
      if (isConnectionError(error)) {
        broken = error instanceof Error ? error : new Error(String(error));
        this.#connectionLost(error);
      } else {
        await client.query('ROLLBACK').catch((rollbackError: unknown) => {
          broken = rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError));
        });
      }
      throw error;
    } finally {
      client.off('error', onError);
      // A client whose connection broke is destroyed, never handed out again.
      client.release(broken);
    }
  }

  async #run<T>(work: () => Promise<T>): Promise<T> {
    try {
      const result = await work();
      this.#connectionBack();
      return result;
    } catch (error) {
      if (isConnectionError(error)) this.#connectionLost(error);
      throw error;
    }
  }

  #connectionLost(error: unknown): void {
    if (this.#lost) return;
    this.#lost = true;
    const reason = scrubSecrets(error instanceof Error ? error.message : String(error));
    this.#log?.warn({ target: this.target, reason }, `PostgreSQL connection to ${this.target} lost (${reason}); reconnecting on the next call`);
  }

  #connectionBack(): void {
    if (!this.#lost) return;
    this.#lost = false;
    this.#log?.info({ target: this.target }, `PostgreSQL connection to ${this.target} restored`);
  }
}
