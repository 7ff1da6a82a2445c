/**
 * `state copy` at the store level (issue 10 §6): what a SQLite state holds arrives in PostgreSQL,
 * and the dry run's snapshot (PostgreSQL back into an in-memory SQLite) carries it too.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../src/store/index.js';
import { copyIntoSqlite } from '../../src/store/postgres/export-sqlite-snapshot.js';
import { COPIED_TABLES, importSqliteState } from '../../src/store/postgres/import-sqlite.js';
import { openPostgresStore } from '../../src/store/postgres/open-postgres-store.js';
import { createPgTestDatabase, pgOrSkipMessage, type PgTestDatabase } from '../support/pg-test-db.js';

const available = await pgOrSkipMessage('state copy between SQLite and PostgreSQL');

describe.skipIf(!available)('state copy between SQLite and PostgreSQL', () => {
  let database: PgTestDatabase | undefined;
  let dir: string | undefined;
  beforeAll(async () => {
    database = await createPgTestDatabase('sensay_copy');
    await (await openPostgresStore({ url: database.url })).close();
  });
  afterEach(async () => {
    await database?.truncate();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });
  afterAll(async () => {
    await database?.drop();
  });

  async function sqliteState() {
    dir = mkdtempSync(join(tmpdir(), 'state-copy-'));
    return openSqliteStore({ path: join(dir, 'state.sqlite') });
  }

  it('carries paused sources and pending console actions both ways; new actions get fresh ids', async () => {
    const sqlite = await sqliteState();
    await sqlite.pauseSource('docs', 1_000);
    await sqlite.recordPendingAction({ kind: 'sync-now', sourceName: 'docs', now: 2_000 });
    await sqlite.recordPendingAction({ kind: 'sync-now', sourceName: null, now: 3_000 });
    const pauses = await sqlite.pausedSources();
    const actions = await sqlite.listPendingActions();

    const pg = await openPostgresStore({ url: database?.url ?? '' });
    try {
      const counts = await importSqliteState(sqlite.database, null, pg.database, { replace: false });
      expect(counts).toMatchObject({ source_pauses: 1, pending_actions: 2 });
      expect(await pg.pausedSources()).toEqual(pauses);
      expect(await pg.listPendingActions()).toEqual(actions);
      const next = await pg.recordPendingAction({ kind: 'sync-now', sourceName: 'other', now: 4_000 });
      expect(next.id).toBeGreaterThan(Math.max(...actions.map((a) => a.id)));

      const snapshot = await openSqliteStore({ path: ':memory:' });
      try {
        await copyIntoSqlite(pg.database, snapshot.database);
        expect(await snapshot.pausedSources()).toEqual(pauses);
        expect(await snapshot.listPendingActions()).toEqual([...actions, next]);
      } finally {
        await snapshot.close();
      }
    } finally {
      await pg.close();
      await sqlite.close();
    }
  });

  it('leaves the copied tables with fresh planner statistics (ANALYZE): claims right after a copy are not planned blind', async () => {
    const sqlite = await sqliteState();
    await sqlite.pauseSource('docs', 1_000);
    const pg = await openPostgresStore({ url: database?.url ?? '' });
    try {
      await importSqliteState(sqlite.database, null, pg.database, { replace: false });
      const rows = await pg.database.pool.rows<{ relname: string }>(
        'SELECT relname FROM pg_stat_user_tables WHERE relname = ANY($1::text[]) AND last_analyze IS NULL ORDER BY relname',
        [[...COPIED_TABLES, 'texts']],
      );
      expect(rows.map((row) => row.relname)).toEqual([]);
    } finally {
      await pg.close();
      await sqlite.close();
    }
  });
});
