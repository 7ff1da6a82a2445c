import type pg from 'pg';

/** What runs a query: the pool (one statement, autocommit) or a client inside a transaction. */
export interface Queryable {
  query<R extends pg.QueryResultRow>(text: string, values?: unknown[]): Promise<pg.QueryResult<R>>;
}

/**
 * The small surface every PostgreSQL module takes, so a module never knows whether it runs
 * alone or inside a caller's transaction. Placeholders are `$1`, `$2`, … (see `Params`).
 */
export class PgRunner {
  readonly #client: Queryable;

  constructor(client: Queryable) {
    this.#client = client;
  }

  async rows<T extends pg.QueryResultRow>(text: string, values: unknown[] = []): Promise<T[]> {
    return (await this.#client.query<T>(text, values)).rows;
  }

  async row<T extends pg.QueryResultRow>(text: string, values: unknown[] = []): Promise<T | undefined> {
    return (await this.#client.query<T>(text, values)).rows[0];
  }

  /** Rows changed. */
  async run(text: string, values: unknown[] = []): Promise<number> {
    return (await this.#client.query(text, values)).rowCount ?? 0;
  }
}

/** Builds a parameter list beside dynamic SQL: `where.push(\`state = ${p.add(x)}\`)`. */
export class Params {
  readonly values: unknown[] = [];

  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }

  /** `$3, $4, $5` for an IN list. */
  list(values: readonly unknown[]): string {
    return values.map((value) => this.add(value)).join(', ');
  }
}
