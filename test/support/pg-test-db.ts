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
  /** Empties every table the store made (ids start again at 1); keeps the schema. */
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
  await admin((client) => client.query(`CREATE DATABASE ${name}`));
  const url = `postgres://postgres@${PG_TEST_HOST}:${PG_TEST_PORT}/${name}`;
  return {
    name,
    url,
    truncate: async () => {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        const { rows } = await client.query<{ tablename: string }>(
          "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'schema_migrations'",
        );
        if (rows.length > 0) await client.query(`TRUNCATE ${rows.map((row) => `"${row.tablename}"`).join(', ')} RESTART IDENTITY CASCADE`);
      } finally {
        await client.end();
      }
    },
    drop: () => admin(async (client) => void (await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`))),
  };
}
