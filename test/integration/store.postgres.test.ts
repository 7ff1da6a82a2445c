import { afterAll, beforeAll, describe } from 'vitest';
import { openPostgresStore } from '../../src/store/postgres/open-postgres-store.js';
import { runStoreContract } from '../contract/store-contract.js';
import { createPgTestDatabase, pgOrSkipMessage, type PgTestDatabase } from '../support/pg-test-db.js';

const available = await pgOrSkipMessage('Store contract on PostgreSQL');

describe.skipIf(!available)('PostgreSQL adapter', () => {
  let database: PgTestDatabase | undefined;
  beforeAll(async () => {
    database = await createPgTestDatabase('sensay_contract');
    // Migrated once; each test then starts from empty tables.
    await (await openPostgresStore({ url: database.url })).close();
  });
  afterAll(async () => {
    await database?.drop();
  });

  runStoreContract('postgres', async () => {
    if (!database) throw new Error('no test database');
    await database.truncate();
    const store = await openPostgresStore({ url: database.url, poolSize: 2 });
    return { store, cleanup: () => store.close() };
  });
});
