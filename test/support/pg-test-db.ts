/**
 * A private PostgreSQL database for one test file on the shared server (127.0.0.1:5432, user
 * postgres, trust auth): created with a unique name, dropped at the end. When no server answers,
 * `pgTestServer()` says so and the caller skips with a visible message.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';

export const PG_TEST_HOST = process.env.SENSAY_TEST_PG_HOST ?? '127.0.0.1';
export const PG_TEST_PORT = Number(process.env.SENSAY_TEST_PG_PORT ?? 5432);
const ADMIN_URL = `postgres://postgres@${PG_TEST_HOST}:${PG_TEST_PORT}/postgres`;

/** Null when the server answers; otherwise why not (for the skip message). */
export async function pgUnavailableReason(): Promise<string | null> {
  const client = new pg.Client({ connectionString: ADMIN_URL, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return null;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Skips loudly: the reason shows in the test output, not only as a skipped count. */
export async function pgOrSkipMessage(what: string): Promise<boolean> {
  const reason = await pgUnavailableReason();
  if (reason === null) return true;
  console.warn(`[skipped] ${what}: no PostgreSQL on ${PG_TEST_HOST}:${PG_TEST_PORT} (${reason})`);
  return false;
}

export interface PgTestDatabase {
  readonly name: string;
  /** Password-less URL of the database. */
  readonly url: string;
  /** Empties every table the store made (ids start again at 1); keeps the schema and its migrations. */
  truncate(): Promise<void>;
  /** Ends every connection to it and drops it. */
  drop(): Promise<void>;
}

async function admin<T>(use: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: ADMIN_URL });
  await client.connect();
  try {
    return await use(client);
  } finally {
    await client.end();
  }
}

export async function createPgTestDatabase(prefix = 'sensay_test'): Promise<PgTestDatabase> {
  const name = `${prefix}_${process.pid}_${randomBytes(4).toString('hex')}`;
  await admin(async (client) => {
    await client.query(`CREATE DATABASE ${name}`);
    // A test database need not survive a power cut: commits stop waiting for the disk.
    await client.query(`ALTER DATABASE ${name} SET synchronous_commit = off`);
  });
  const url = `postgres://postgres@${PG_TEST_HOST}:${PG_TEST_PORT}/${name}`;
  let cleaner: pg.Client | undefined;
  let emptyAll: string | undefined;
  return {
    name,
    url,
    truncate: async () => {
      if (!cleaner) {
        cleaner = new pg.Client({ connectionString: url });
        await cleaner.connect();
      }
      emptyAll ??= await emptyingStatement(cleaner);
      if (emptyAll !== '') await cleaner.query(emptyAll);
    },
    drop: async () => {
      await cleaner?.end().catch(() => undefined);
      await admin((client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    },
  };
}

/**
 * One statement that empties every table but the migrations' and restarts every identity.
 * DELETE, not TRUNCATE: on tables this small it is several times cheaper.
 */
async function emptyingStatement(client: pg.Client): Promise<string> {
  const { rows: tables } = await client.query<{ name: string }>(
    "SELECT quote_ident(tablename) AS name FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'schema_migrations'",
  );
  const { rows: sequences } = await client.query<{ name: string }>(
    "SELECT quote_ident(sequencename) AS name FROM pg_sequences WHERE schemaname = 'public'",
  );
  // Children before parents (jobs before documents), so no foreign key objects.
  const ordered = [...tables].sort((a, b) => (a.name === 'documents' ? 1 : 0) - (b.name === 'documents' ? 1 : 0));
  return [
    ...ordered.map((table) => `DELETE FROM ${table.name};`),
    ...sequences.map((sequence) => `ALTER SEQUENCE ${sequence.name} RESTART;`),
  ].join(' ');
}
