import { describe, expect, it } from 'vitest';
import { scanned, T0, version, type StoreRef } from './store-contract-fixtures.js';

/** The scan's device and inode travel with a document's recorded version (uploads check them). */
export function fileIdentityContract(current: StoreRef): void {
  describe('file identity (device and inode)', () => {
    it('records the version’s device and inode with the decision, and null when none was given', async () => {
      const store = current();
      const bare = await scanned(store, 'bare.pdf');
      expect((await store.getDocument(bare.id))?.dev ?? null).toBeNull();
      const doc = await scanned(store, 'a.pdf');
      await store.recordExtracted(doc.id, version({ dev: 2049, ino: 2 ** 40 + 7 }), T0 + 1);
      expect(await store.getDocument(doc.id)).toMatchObject({ dev: 2049, ino: 2 ** 40 + 7 });
      const queued = await store.queueUpload({ documentId: doc.id, kind: 'create', version: version({ dev: 2049, ino: 99 }), now: T0 + 2 });
      expect(queued.ok && queued.document).toMatchObject({ dev: 2049, ino: 99 });
    });

    it('refreshStat moves the identity with the stat (same content renamed into place)', async () => {
      const store = current();
      const doc = await scanned(store, 'b.pdf');
      await store.recordExtracted(doc.id, version({ dev: 1, ino: 10 }), T0 + 1);
      await store.refreshStat(doc.id, { size: 1200, mtimeMs: T0, dev: 1, ino: 11 }, T0 + 2);
      expect(await store.getDocument(doc.id)).toMatchObject({ mtimeMs: T0, dev: 1, ino: 11 });
      // A refresh that names no identity keeps the recorded one.
      await store.refreshStat(doc.id, { size: 1200, mtimeMs: T0 + 5 }, T0 + 3);
      expect(await store.getDocument(doc.id)).toMatchObject({ mtimeMs: T0 + 5, ino: 11 });
    });
  });
}
