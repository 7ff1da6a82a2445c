import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../../src/store/store.js';
import { adoptionContract } from './store-contract-adoption.js';
import { approvalContract } from './store-contract-approvals.js';
import { budgetContract } from './store-contract-budget.js';
import { consoleContract } from './store-contract-console.js';
import { documentContract } from './store-contract-documents.js';
import { fencingContract } from './store-contract-fencing.js';
import { scanned, T0 } from './store-contract-fixtures.js';
import { fileIdentityContract } from './store-contract-identity.js';
import { hostsContract } from './store-contract-hosts.js';
import { jobContract } from './store-contract-jobs.js';
import { removalContract } from './store-contract-removal.js';
import { takeoverContract } from './store-contract-takeover.js';
import { updateContract } from './store-contract-updates.js';
import { retentionContract } from './store-contract-retention.js';

export interface StoreUnderTest {
  store: Store;
  cleanup(): Promise<void>;
}

/**
 * The behaviour every Store adapter must show, exercised through the port only, so a new
 * adapter (PostgreSQL) runs this suite unchanged: `runStoreContract('postgres', makePgStore)`.
 * Each test gets a fresh, empty store from `makeStore`.
 */
export function runStoreContract(name: string, makeStore: () => Promise<StoreUnderTest>): void {
  describe(`Store contract: ${name}`, () => {
    let underTest: StoreUnderTest | undefined;
    const current = (): Store => {
      if (!underTest) throw new Error('no store: makeStore() did not run');
      return underTest.store;
    };

    beforeEach(async () => {
      underTest = await makeStore();
    });
    afterEach(async () => {
      await underTest?.cleanup();
      underTest = undefined;
    });

    documentContract(current);
    removalContract(current);
    jobContract(current);
    fencingContract(current);
    budgetContract(current);
    takeoverContract(current);
    adoptionContract(current);
    fileIdentityContract(current);
    updateContract(current);
    retentionContract(current);
    eventAndMetaContract(current);
    approvalContract(current);
    hostsContract(current);
    consoleContract(current);
  });
}

function eventAndMetaContract(current: () => Store): void {
  describe('events and meta', () => {
    it('appends events, naming the document, and lists them by document, time, type and id', async () => {
      const store = current();
      const document = await scanned(store, 'a/b.md');
      const own = await store.appendEvent({ at: T0 + 5, type: 'reconciled', documentId: document.id, detail: { adopted: 3 } });
      expect(own).toMatchObject({ documentId: document.id, sourceName: 'docs', relPath: 'a/b.md', detail: { adopted: 3 } });
      const global = await store.appendEvent({ at: T0 + 9, type: 'budget-blocked' });
      expect(global).toMatchObject({ documentId: null, sourceName: null, relPath: null, detail: null });

      const all = await store.listEvents();
      expect(all.map((e) => e.type)).toEqual(['discovered', 'reconciled', 'budget-blocked']);
      expect(all.map((e) => e.id)).toEqual([...all.map((e) => e.id)].sort((x, y) => x - y));
      expect((await store.listEvents({ documentId: document.id })).map((e) => e.type)).toEqual(['discovered', 'reconciled']);
      expect((await store.listEvents({ since: T0 + 5 })).map((e) => e.type)).toEqual(['reconciled', 'budget-blocked']);
      expect((await store.listEvents({ afterId: own.id })).map((e) => e.id)).toEqual([global.id]);
      expect((await store.listEvents({ types: ['budget-blocked'] })).map((e) => e.id)).toEqual([global.id]);
      expect((await store.listEvents({ newestFirst: true, limit: 1 })).map((e) => e.id)).toEqual([global.id]);
    });

    it('keeps meta values by key', async () => {
      const store = current();
      expect(await store.getMeta('lastOwner')).toBeNull();
      await store.setMeta('lastOwner', 'host-a:123');
      await store.setMeta('lastOwner', 'host-b:456');
      expect(await store.getMeta('lastOwner')).toBe('host-b:456');
    });

    it('refuses every call once closed, and closing twice is harmless', async () => {
      const store = current();
      await store.close();
      await store.close();
      await expect(store.getMeta('x')).rejects.toMatchObject({ name: 'StoreError', code: 'STORE_CLOSED' });
      await expect(store.acquireUploadSlot({ scope: 's', limit: 1, windowMs: 1, now: T0 })).rejects.toMatchObject({
        code: 'STORE_CLOSED',
      });
    });
  });
}
