import type Database from 'better-sqlite3';
import { COPIED_TABLES } from './import-sqlite.js';
import type { PgDatabase } from './pg-database.js';

const BOOLEAN_COLUMNS: Readonly<Record<string, readonly string[]>> = { held_deletes: ['approvable'] };

/**
 * Fills a private (in-memory, migrated) SQLite database with the PostgreSQL state as one
 * consistent snapshot, for `sync --dry-run`: plain reads in one read-only transaction, so the
 * shared database is neither written nor locked, and the plan is made on the copy.
 */
export async function copyIntoSqlite(source: PgDatabase, target: Database.Database): Promise<void> {
  // Rows arrive table by table; a duplicate may name a later document.
  target.pragma('foreign_keys = OFF');
  await source.transaction(async (sql) => {
    for (const table of COPIED_TABLES) {
      const rows = await sql.rows<Record<string, unknown>>(`SELECT * FROM ${table} ORDER BY 1`);
      if (rows.length === 0) continue;
      const columns = new Set((target.prepare(`PRAGMA table_info(${table})`).all() as { name: string }[]).map((column) => column.name));
      const names = Object.keys(rows[0] ?? {}).filter((name) => columns.has(name));
      const insert = target.prepare(`INSERT INTO ${table} (${names.join(', ')}) VALUES (${names.map(() => '?').join(', ')})`);
      const booleans = BOOLEAN_COLUMNS[table] ?? [];
      target.transaction(() => {
        for (const row of rows) insert.run(...names.map((name) => (booleans.includes(name) ? (row[name] ? 1 : 0) : row[name])));
      })();
    }
  }, 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
  target.pragma('foreign_keys = ON');
}
