/** One numbered step of the schema; `version` becomes `PRAGMA user_version` once applied. */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}
