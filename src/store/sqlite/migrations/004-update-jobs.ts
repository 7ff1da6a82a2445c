import type Database from 'better-sqlite3';
import type { Migration } from './migration.js';

/**
 * Lets the `jobs.kind` CHECK accept `update` (a text entry patched in place). SQLite cannot
 * alter a CHECK, so the table is rebuilt (https://sqlite.org/lang_altertable.html#otheralter)
 * from its own stored definition: columns that other migrations added survive, whatever order
 * the migrations ran in. Nothing references `jobs` by foreign key.
 */
export const updateJobs: Migration = {
  version: 4,
  name: 'update-jobs',
  sql: '',
  apply: allowUpdateKind,
};

const KIND_CHECK = /CHECK\s*\(\s*kind\s+IN\s*\(([^)]*)\)\s*\)/i;

function allowUpdateKind(db: Database.Database): void {
  const table = db.prepare<[], { sql: string }>("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'jobs'").get();
  if (!table) throw new Error('migration 4: table jobs is missing');
  const check = KIND_CHECK.exec(table.sql);
  if (!check || /'update'/.test(check[1] ?? '')) return;
  const widened = table.sql.replace(KIND_CHECK, `CHECK (kind IN (${check[1]},'update'))`);
  const created = widened.replace(/^CREATE TABLE\s+("?)jobs\1/i, 'CREATE TABLE jobs_new');
  const indexes = db
    .prepare<[], { sql: string }>("SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'jobs' AND sql IS NOT NULL")
    .all();
  db.exec(created);
  db.exec('INSERT INTO jobs_new SELECT * FROM jobs');
  db.exec('DROP TABLE jobs');
  db.exec('ALTER TABLE jobs_new RENAME TO jobs');
  for (const index of indexes) db.exec(index.sql);
}
