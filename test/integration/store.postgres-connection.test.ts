import pg from 'pg';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StoreError } from '../../src/store/errors.js';
import { openPostgresStore } from '../../src/store/postgres/open-postgres-store.js';
import { createPgTestDatabase, pgOrSkipMessage, type PgTestDatabase } from '../support/pg-test-db.js';

const T0 = Date.UTC(2026, 0, 1, 9);
const available = await pgOrSkipMessage('PostgreSQL connection loss');

/** What a PostgreSQL restart does to this database's sessions, without touching the shared server. */
async function terminateSessions(database: PgTestDatabase): Promise<number> {
  const admin = new pg.Client({ connectionString: database.url.replace(/\/[^/]+$/, '/postgres') });
  await admin.connect();
  try {
    const { rowCount } = await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1', [database.name]);
    return rowCount ?? 0;
  } finally {
    await admin.end();
  }
}

describe.skipIf(!available)('the PostgreSQL store when its connections break', () => {
  let database: PgTestDatabase | undefined;
  beforeAll(async () => {
    database = await createPgTestDatabase('sensay_conn');
  });
  afterAll(async () => {
    await database?.drop();
  });
  const db = (): PgTestDatabase => {
    if (!database) throw new Error('no test database');
    return database;
  };

  it('reconnects after its idle connections are killed, logging one line when lost and one when back', async () => {
    const lines: string[] = [];
    const log = pino({ level: 'info' }, { write: (line: string) => void lines.push(line) });
    await using store = await openPostgresStore({ url: db().url, log });
    await store.setMeta('k', 'before');
    expect(await terminateSessions(db())).toBeGreaterThan(0);
    // The pool notices its idle client die (an 'error' event that would otherwise crash the process).
    await expect.poll(() => lines.some((line) => line.includes('connection to')), { timeout: 5_000 }).toBe(true);
    expect(await store.getMeta('k')).toBe('before');
    await store.setMeta('k', 'after');
    expect(await store.getMeta('k')).toBe('after');
    const messages = lines.map((line) => (JSON.parse(line) as { msg: string }).msg);
    expect(messages.filter((msg) => msg.includes('lost'))).toHaveLength(1);
    expect(messages.filter((msg) => msg.includes('restored'))).toHaveLength(1);
    expect(messages.find((msg) => msg.includes('lost'))).toMatch(new RegExp(`PostgreSQL connection to 127\\.0\\.0\\.1:5432/${db().name} lost`));
  });

  it('fails a transaction cut off mid-way as STORE_UNAVAILABLE (transient), commits nothing of it, and carries on', async () => {
    await using store = await openPostgresStore({ url: db().url });
    await store.acquireUploadSlot({ scope: 'cut', limit: 10, windowMs: 60_000, now: T0 });
    const cut = store.database.transaction(async (sql) => {
      await sql.run("INSERT INTO meta (key, value) VALUES ('half', 'written')");
      await sql.run('SELECT pg_sleep(10)');
    });
    const caught = cut.catch((error: unknown) => error);
    await new Promise((resolve) => setTimeout(resolve, 300));
    await terminateSessions(db());
    const error = await caught;
    expect(error).toBeInstanceOf(StoreError);
    expect(error).toMatchObject({ code: 'STORE_UNAVAILABLE', path: `127.0.0.1:5432/${db().name}` });
    expect(await store.getMeta('half')).toBeNull();
    expect((await store.budgetStatus('cut', 10, 60_000, T0 + 1)).used).toBe(1);
  });
});
