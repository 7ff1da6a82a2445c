/**
 * One numbered step of the PostgreSQL schema. Steps are expand-then-contract: a step that only
 * adds (tables, nullable columns, indexes) leaves `minReader` where it was, so hosts one release
 * apart share one database; a step that removes or changes what older code relies on raises it.
 */
export interface PgMigration {
  version: number;
  name: string;
  /** The oldest schema version whose code can still use the database once this step is applied. */
  minReader: number;
  sql: string;
}
