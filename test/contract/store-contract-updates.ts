import { describe, expect, it } from 'vitest';
import { leaseOf } from '../../src/store/jobs.js';
import type { Store } from '../../src/store/store.js';
import { eventTypes, expectOk, MINUTE, readyDocument, T0, uploadClaimInput, version, type StoreRef } from './store-contract-fixtures.js';

const V2 = version({ sha256: 'b'.repeat(64), textHash: 'u'.repeat(64), size: 1300 });

/** A ready document with entry 41 whose new version is queued as an in-place `update`. */
async function queuedUpdate(store: Store, relPath = 'guide.md') {
  const ready = await readyDocument(store, relPath, 41);
  const queued = await store.queueUpload({ documentId: ready.id, kind: 'update', version: V2, now: T0 + MINUTE });
  expectOk(queued);
  return queued;
}

export function updateContract(current: StoreRef): void {
  describe('in-place updates', () => {
    it('queue an `update` job that is claimed without an upload slot and never by claimUpload', async () => {
      const store = current();
      const queued = await queuedUpdate(store);
      expect(queued.job).toMatchObject({ kind: 'update', state: 'queued' });
      expect(queued.document).toMatchObject({ state: 'queued', entryId: 41, textHash: V2.textHash, attempts: 0 });
      expect(await store.claimUpload(uploadClaimInput('w', T0 + 2 * MINUTE))).toMatchObject({ ok: false, reason: 'NO_JOB' });
      const claim = await store.claimNextJob('w', T0 + 2 * MINUTE, MINUTE, { kinds: ['update'] });
      expect(claim?.job.id).toBe(queued.job.id);
      expect((await store.budgetStatus('org', 10, 60 * MINUTE, T0 + 2 * MINUTE)).used).toBe(0);
    });

    it('beginUpdate records the intent once (uploading, one attempt), and markProcessing finishes the job', async () => {
      const store = current();
      const queued = await queuedUpdate(store);
      const claim = await store.claimNextJob('w', T0 + 2 * MINUTE, MINUTE, { kinds: ['update'] });
      const begun = await store.beginUpdate(queued.document.id, claim!.job.id, T0 + 2 * MINUTE);
      expectOk(begun);
      expect(begun.document).toMatchObject({ state: 'uploading', entryId: 41, attempts: 1 });
      const again = await store.beginUpdate(queued.document.id, claim!.job.id, T0 + 3 * MINUTE);
      expectOk(again);
      expect(again.document).toMatchObject({ state: 'uploading', attempts: 1 });
      expect((await eventTypes(store, queued.document.id)).filter((t) => t === 'update-claimed')).toHaveLength(1);

      expectOk(await store.markProcessing(queued.document.id, 41, T0 + 4 * MINUTE));
      expect(await store.getJob(claim!.job.id)).toMatchObject({ state: 'done' });
    });

    it('beginUpdate is refused for a job that is not running, and for a document holding no entry', async () => {
      const store = current();
      const queued = await queuedUpdate(store);
      expect(await store.beginUpdate(queued.document.id, queued.job.id, T0 + 2 * MINUTE)).toMatchObject({ ok: false, reason: 'WRONG_STATE' });
      const claim = await store.claimNextJob('w', T0 + 2 * MINUTE, MINUTE, { kinds: ['update'] });
      expectOk(await store.forgetEntry(queued.document.id, 41, T0 + 2 * MINUTE));
      expect(await store.beginUpdate(queued.document.id, claim!.job.id, T0 + 2 * MINUTE)).toMatchObject({ ok: false, reason: 'ENTRY_MISMATCH' });
    });

    it('beginUpdate and replaceInstead are fenced: a lease taken over (a newer generation) refuses the old holder', async () => {
      const store = current();
      const queued = await queuedUpdate(store);
      const first = await store.claimNextJob('w1', T0 + 2 * MINUTE, MINUTE, { kinds: ['update'] });
      const stale = leaseOf(first!.job);
      // w1's lease expires and w2 takes the job over: its generation moves on.
      const second = await store.claimNextJob('w2', T0 + 4 * MINUTE, MINUTE, { kinds: ['update'] });
      expect(second?.job.id).toBe(first!.job.id);
      expect(await store.beginUpdate(queued.document.id, first!.job.id, T0 + 4 * MINUTE, stale)).toMatchObject({ ok: false, reason: 'LEASE_LOST' });
      const why = { message: 'refused', code: 'BAD_REQUEST', status: 400 };
      expect(await store.replaceInstead(queued.document.id, first!.job.id, why, T0 + 4 * MINUTE, stale)).toMatchObject({ ok: false, reason: 'LEASE_LOST' });
      expectOk(await store.beginUpdate(queued.document.id, second!.job.id, T0 + 4 * MINUTE, leaseOf(second!.job)));
    });

    it('replaceInstead ends the update job and queues a replace of the same version', async () => {
      const store = current();
      const queued = await queuedUpdate(store);
      const claim = await store.claimNextJob('w', T0 + 2 * MINUTE, MINUTE, { kinds: ['update'] });
      expectOk(await store.beginUpdate(queued.document.id, claim!.job.id, T0 + 2 * MINUTE));
      const replaced = await store.replaceInstead(queued.document.id, claim!.job.id, { message: 'rawText not allowed', code: 'BAD_REQUEST', status: 400 }, T0 + 3 * MINUTE);
      expectOk(replaced);
      expect(replaced.job).toMatchObject({ kind: 'replace', state: 'queued' });
      expect(replaced.document).toMatchObject({ state: 'queued', entryId: 41, textHash: V2.textHash, attempts: 0 });
      expect(await store.getJob(claim!.job.id)).toMatchObject({ state: 'failed', lastError: { code: 'BAD_REQUEST' } });
      const upload = await store.claimUpload(uploadClaimInput('w', T0 + 4 * MINUTE));
      expect(upload).toMatchObject({ ok: true, job: { id: replaced.job.id } });
    });

    it('a new version or a replace withdraws a queued update', async () => {
      const store = current();
      const queued = await queuedUpdate(store);
      const replace = await store.queueUpload({ documentId: queued.document.id, kind: 'replace', now: T0 + 2 * MINUTE });
      expectOk(replace);
      expect(await store.getJob(queued.job.id)).toMatchObject({ state: 'cancelled' });

      const other = await queuedUpdate(store, 'other.md');
      expectOk(await store.recordExtracted(other.document.id, version({ sha256: 'c'.repeat(64) }), T0 + 2 * MINUTE));
      expect(await store.getJob(other.job.id)).toMatchObject({ state: 'cancelled' });
    });
  });
}
