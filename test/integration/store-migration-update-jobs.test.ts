import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../src/store/index.js';
import { initial } from '../../src/store/sqlite/migrations/001-initial.js';
import { leasesAndRetries } from '../../src/store/sqlite/migrations/002-leases-and-retries.js';
import { heldDeletes } from '../../src/store/sqlite/migrations/003-held-deletes.js';

/**
 * Migration 4 widens the `jobs.kind` CHECK for `update` by rebuilding the table from its own
 * stored definition, so a column another migration added to `jobs` survives with its data.
 */
const T0 = Date.UTC(2026, 0, 1);
let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sensay-migration-4-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('migration 4 (update jobs)', () => {
  it('keeps every row, an added column and the indexes, and then accepts update jobs', async () => {
    const path = join(dir, 'state.db');
    const raw = new Database(path);
    // The state as migrations 1–3 leave it: 2 added `jobs.lease_generation`, the column to keep.
    for (const step of [initial, leasesAndRetries, heldDeletes]) raw.exec(step.sql);
    raw.pragma('user_version = 3');
    const indexesBefore = raw.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'jobs' AND sql IS NOT NULL ORDER BY name").all();
    raw.exec(`INSERT INTO documents (source_name, rel_path, replica_uuid, size, mtime_ms, state, discovered_at, updated_at, state_since)
              VALUES ('docs', 'a.md', 'r', 1, 1, 'queued', ${T0}, ${T0}, ${T0})`);
    raw.exec(`INSERT INTO jobs (document_id, kind, state, not_before, created_at, updated_at, lease_generation)
              VALUES (1, 'create', 'queued', ${T0}, ${T0}, ${T0}, 7)`);
    expect(() => raw.exec(`INSERT INTO jobs (document_id, kind, state, not_before, created_at, updated_at) VALUES (1, 'update', 'queued', 0, 0, 0)`)).toThrow(/CHECK/);
    raw.close();

    await using store = await openSqliteStore({ path });
    const db = store.database;
    expect(db.prepare('SELECT kind, lease_generation FROM jobs').all()).toEqual([{ kind: 'create', lease_generation: 7 }]);
    const indexes = db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'jobs' AND sql IS NOT NULL ORDER BY name").all();
    expect(indexes).toEqual(expect.arrayContaining(indexesBefore));
    expect(indexes.map((i) => (i as { name: string }).name)).toContain('jobs_one_open');
    const queued = await store.queueUpload({ documentId: 1, kind: 'update', now: T0 + 1 });
    expect(queued).toMatchObject({ ok: true, job: { kind: 'update' } });
    expect(() => db.exec(`INSERT INTO jobs (document_id, kind, state, not_before, created_at, updated_at) VALUES (1, 'bogus', 'done', 0, 0, 0)`)).toThrow(/CHECK/);
  });
});
