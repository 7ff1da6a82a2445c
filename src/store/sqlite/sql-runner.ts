import type Database from 'better-sqlite3';

type Params = unknown[] | [Record<string, unknown>];

/**
 * Prepared statements cached by their SQL text, and the two transaction kinds the adapter uses.
 * Every write goes through `write` (BEGIN IMMEDIATE): taking the write lock up front means the
 * busy timeout applies, instead of a read transaction failing with SQLITE_BUSY when it tries to
 * upgrade while another process writes.
 */
export class SqlRunner {
  readonly db: Database.Database;
  readonly #statements = new Map<string, Database.Statement>();

  constructor(db: Database.Database) {
    this.db = db;
  }

  statement(sql: string): Database.Statement {
    let statement = this.#statements.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      this.#statements.set(sql, statement);
    }
    return statement;
  }

  get<T>(sql: string, ...params: Params): T | undefined {
    return this.statement(sql).get(...params) as T | undefined;
  }

  all<T>(sql: string, ...params: Params): T[] {
    return this.statement(sql).all(...params) as T[];
  }

  run(sql: string, ...params: Params): Database.RunResult {
    return this.statement(sql).run(...params);
  }

  /** Runs `fn` in one BEGIN IMMEDIATE transaction (a savepoint when already inside one). */
  write<T>(fn: () => T): T {
    return this.db.transaction(fn).immediate();
  }

  /** Runs `fn` on one consistent snapshot. */
  read<T>(fn: () => T): T {
    return this.db.transaction(fn).deferred();
  }
}

/** `?, ?, ?` for an IN list of `count` values. */
export function placeholders(count: number): string {
  return Array.from({ length: count }, () => '?').join(', ');
}
