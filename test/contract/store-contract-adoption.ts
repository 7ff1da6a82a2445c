import { describe, expect, it } from 'vitest';
import { eventTypes, expectOk, queuedCreate, readyDocument, T0, uploadClaimInput, type StoreRef } from './store-contract-fixtures.js';

/** Adoption: a document waiting for its first upload takes an entry proven to hold its content. */
export function adoptionContract(current: StoreRef): void {
  describe('adoption', () => {
    it('a queued create adopts a READY entry: ready, its upload cancelled, no slot spent', async () => {
      const store = current();
      const { document, job } = await queuedCreate(store, 'guide.pdf');
      const adopted = await store.adoptEntry({ documentId: document.id, entryId: 41, ready: true, proof: 'sha256', now: T0 + 1 });
      expectOk(adopted);
      expect(adopted.document).toMatchObject({ state: 'ready', entryId: 41, previousEntryId: null });
      expect(await store.getJob(job.id)).toMatchObject({ state: 'cancelled' });
      expect(await eventTypes(store, document.id)).toContain('entry-adopted');
      const claim = await store.claimUpload(uploadClaimInput('w', T0 + 2));
      expect(claim).toMatchObject({ ok: false, reason: 'NO_JOB' });
      // Repeating it is a no-op; another entry is refused.
      expectOk(await store.adoptEntry({ documentId: document.id, entryId: 41, ready: true, proof: 'sha256', now: T0 + 3 }));
      expect(await store.adoptEntry({ documentId: document.id, entryId: 42, ready: true, proof: 'sha256', now: T0 + 3 })).toMatchObject({ ok: false });
    });

    it('an entry still processing → processing; a document with an entry or an upload running is refused', async () => {
      const store = current();
      const { document } = await queuedCreate(store, 'a.md');
      const adopted = await store.adoptEntry({ documentId: document.id, entryId: 7, ready: false, proof: 'rawText', now: T0 + 1 });
      expectOk(adopted);
      expect(adopted.document.state).toBe('processing');

      const ready = await readyDocument(store, 'b.md', 8);
      expect(await store.adoptEntry({ documentId: ready.id, entryId: 9, ready: true, proof: 'sha256', now: T0 + 1 })).toMatchObject({
        ok: false,
        reason: 'WRONG_STATE',
      });

      await queuedCreate(store, 'c.md');
      const claim = await store.claimUpload(uploadClaimInput('w', T0 + 2));
      if (!claim.ok) throw new Error('no claim');
      expect(await store.adoptEntry({ documentId: claim.document.id, entryId: 10, ready: true, proof: 'sha256', now: T0 + 3 })).toMatchObject({
        ok: false,
        reason: 'WRONG_STATE',
      });
    });
  });
}
