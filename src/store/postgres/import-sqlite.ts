import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import type Database from 'better-sqlite3';
import { StoreError } from '../errors.js';
import { TEXT_HASH_PATTERN } from '../text-cache.js';
import type { PgDatabase } from './pg-database.js';
import type { PgRunner } from './pg-runner.js';

/**
 * `state copy`: a single-host SQLite state moved into PostgreSQL as it is, ids included (events,
 * approvals and duplicates name documents by id), so nothing is uploaded again: documents with
 * their entries, jobs with their leases and generations, the budget ledger and blocks, pauses,
 * events, held deletes and approvals, source roots, sources paused by hand and pending console
 * actions, meta, and text mode's cached texts.
 */

/**
 * Parents before children (jobs name documents); the rest name no other table. Not copied: what
 * belongs to hosts (hosts, source owners, replica leases, request permits), made again by the
 * hosts that run on the copy.
 */
export const COPIED_TABLES = [
  'documents',
  'jobs',
  'budget_slots',
  'budget_blocks',
  'replica_pauses',
  'events',
  'meta',
  'held_deletes',
  'delete_approvals',
  'source_roots',
  'source_pauses',
  'pending_actions',
] as const;
const BOOLEAN_COLUMNS: Readonly<Record<string, readonly string[]>> = { held_deletes: ['approvable'] };
const BATCH = 1_000;

export type CopyCounts = Record<(typeof COPIED_TABLES)[number] | 'texts', number>;

/** What the target already holds, per table (a copy refuses a target that is not empty unless asked). */
export async function targetRowCounts(db: PgDatabase): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of [...COPIED_TABLES, 'texts']) {
    counts[table] = (await db.pool.row<{ n: number }>(`SELECT COUNT(*) AS n FROM ${table}`))?.n ?? 0;
  }
  return counts;
}

/**
 * Copies everything in one transaction: a failure leaves the target as it was. With `replace`,
 * what the target held is deleted first. The copied tables are analysed after.
 */
export async function importSqliteState(
  source: Database.Database,
  textsDir: string | null,
  target: PgDatabase,
  options: { replace: boolean },
): Promise<CopyCounts> {
  const texts = textsDir === null ? [] : await readCachedTexts(textsDir);
  const counts = await target.transaction(async (sql) => {
    if (options.replace) await sql.run(`DELETE FROM texts; ${[...COPIED_TABLES].reverse().map((table) => `DELETE FROM ${table};`).join(' ')}`);
    const counts = {} as CopyCounts;
    for (const table of COPIED_TABLES) counts[table] = await copyTable(source, sql, table);
    for (const [hash, body] of texts) {
      await sql.run('INSERT INTO texts (text_hash, body) VALUES ($1, $2) ON CONFLICT (text_hash) DO NOTHING', [hash, body]);
    }
    counts.texts = texts.length;
    return counts;
  });
  // Statistics for what was just loaded: until autovacuum gets to it, the planner takes the tables
  // for empty and sorts every queued job on each claim (bench:store with 100,000 queued: a claim
  // takes 0.63 s, 22 ms once analysed).
  await target.pool.run(`ANALYZE ${[...COPIED_TABLES, 'texts'].join(', ')}`);
  return counts;
}

async function copyTable(source: Database.Database, sql: PgRunner, table: string): Promise<number> {
  const targetColumns = new Set(
    (await sql.rows<{ column_name: string }>("SELECT column_name FROM information_schema.columns WHERE table_name = $1 AND table_schema = current_schema()", [table])).map(
      (row) => row.column_name,
    ),
  );
  const booleans = BOOLEAN_COLUMNS[table] ?? [];
  let copied = 0;
  let batch: Record<string, unknown>[] = [];
  const flush = async () => {
    if (batch.length === 0) return;
    await sql.run(`INSERT INTO ${table} SELECT * FROM json_populate_recordset(NULL::${table}, $1)`, [JSON.stringify(batch)]);
    copied += batch.length;
    batch = [];
  };
  for (const row of source.prepare(`SELECT * FROM ${table}`).iterate() as Iterable<Record<string, unknown>>) {
    const unknown = Object.keys(row).find((column) => !targetColumns.has(column));
    if (unknown !== undefined) {
      throw new StoreError({
        code: 'STORE_TOO_NEW',
        message: `The SQLite state has a column ${table}.${unknown} this PostgreSQL schema does not know: copy it with the sensay-ingest release that wrote it.`,
      });
    }
    for (const column of booleans) row[column] = row[column] === 1 || row[column] === true;
    batch.push(row);
    if (batch.length >= BATCH) await flush();
  }
  await flush();
  if (targetColumns.has('id')) {
    await sql.run(`SELECT setval(pg_get_serial_sequence('${table}', 'id'), GREATEST((SELECT MAX(id) FROM ${table}), 1), (SELECT MAX(id) FROM ${table}) IS NOT NULL)`);
  }
  return copied;
}

/** The gzip files of a SQLite state's text cache whose content matches their name; damaged ones are left behind. */
async function readCachedTexts(dir: string): Promise<[string, string][]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return [];
  }
  const texts: [string, string][] = [];
  for (const name of names) {
    const hash = name.endsWith('.gz') ? name.slice(0, -3) : '';
    if (!TEXT_HASH_PATTERN.test(hash)) continue;
    try {
      const body = gunzipSync(await readFile(join(dir, name))).toString('utf8');
      if (createHash('sha256').update(body, 'utf8').digest('hex') === hash) texts.push([hash, body]);
    } catch {
      // A damaged copy is a cache miss in SQLite too: the text is extracted again when needed.
    }
  }
  return texts;
}
