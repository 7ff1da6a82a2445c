import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteStore } from '../../src/store/index.js';
import { runStoreContract } from '../contract/store-contract.js';

runStoreContract('sqlite (temp file)', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'sensay-store-'));
  const store = await openSqliteStore({ path: join(dir, 'state', 'state.db') });
  return {
    store,
    cleanup: async () => {
      await store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
});
