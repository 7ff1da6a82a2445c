import { describe, expect, it } from 'vitest';
import { leaseOf } from '../../src/store/jobs.js';
import { expectOk, MINUTE, queuedCreate, T0, uploadClaimInput, type StoreRef } from './store-contract-fixtures.js';

/**
 * Fencing (issue 8 §3): every claim bumps the job's lease generation, and every transition of a
 * running job, and every upload transition made on its behalf, checks the holder's owner and
 * generation, so a worker that lost its lease changes nothing.
 */
export function fencingContract(current: StoreRef): void {
  describe('fencing', () => {
    it('bumps the lease generation at every claim and takeover', async () => {
      const store = current();
      const { job } = await queuedCreate(store, 'gen.md');
      expect(job.leaseGeneration).toBe(0);
      const first = await store.claimNextJob('a', T0, MINUTE);
      expect(first?.job.leaseGeneration).toBe(1);
      const taken = await store.claimNextJob('b', T0 + MINUTE, MINUTE);
      expect(taken?.job).toMatchObject({ owner: 'b', leaseGeneration: 2 });
      expect(await store.releaseJob({ jobId: job.id, owner: 'b', generation: 2, notBefore: T0 + MINUTE, now: T0 + MINUTE })).toBe(true);
      const again = await store.claimNextJob('b', T0 + MINUTE, MINUTE);
      expect(again?.job.leaseGeneration).toBe(3);
    });

    it('refuses every job transition from a stale generation, even from the same owner', async () => {
      const store = current();
      const { job } = await queuedCreate(store, 'same-owner.md');
      const stale = await store.claimNextJob('w', T0, MINUTE);
      // The lease runs out; the same process claims the job again (another of its workers).
      const fresh = await store.claimNextJob('w', T0 + MINUTE, MINUTE);
      expect(fresh?.job.leaseGeneration).toBe((stale?.job.leaseGeneration ?? 0) + 1);
      const old = stale?.job.leaseGeneration ?? -1;
      const now = T0 + MINUTE + 1;
      expect(await store.renewLease(job.id, 'w', now, MINUTE, old)).toBe(false);
      expect(await store.completeJob(job.id, 'w', now, old)).toBe(false);
      expect(await store.releaseJob({ jobId: job.id, owner: 'w', generation: old, notBefore: now, now })).toBe(false);
      expect(await store.failJob({ jobId: job.id, owner: 'w', generation: old, error: { message: 'x' }, now })).toBe(false);
      expect(await store.getJob(job.id)).toMatchObject({ state: 'running', leaseGeneration: old + 1 });

      const held = old + 1;
      expect(await store.renewLease(job.id, 'w', now, MINUTE, held)).toBe(true);
      expect(await store.completeJob(job.id, 'w', now, held)).toBe(true);
      expect(await store.completeJob(job.id, 'w', now, held)).toBe(false);
    });

    it('refuses upload transitions (entry, processing, failed) made under a lost lease, as LEASE_LOST', async () => {
      const store = current();
      const { document } = await queuedCreate(store, 'fenced.md');
      const claim = await store.claimUpload(uploadClaimInput('a', T0, { leaseMs: MINUTE }));
      expectOk(claim);
      const lostLease = leaseOf(claim.job);
      const takeover = await store.claimUpload(uploadClaimInput('b', T0 + MINUTE, { leaseMs: MINUTE }));
      expectOk(takeover);
      expect(takeover.recovered?.previousOwner).toBe('a');

      const now = T0 + MINUTE + 1;
      const entry = await store.recordEntryCreated(document.id, 41, now, lostLease);
      expect(entry).toMatchObject({ ok: false, reason: 'LEASE_LOST' });
      expect(await store.markProcessing(document.id, 41, now, lostLease)).toMatchObject({ ok: false, reason: 'LEASE_LOST' });
      expect(await store.markFailed(document.id, { message: 'late' }, now, lostLease)).toMatchObject({ ok: false, reason: 'LEASE_LOST' });
      expect(await store.getDocument(document.id)).toMatchObject({ state: 'uploading', entryId: null, attempts: 0 });

      const holder = leaseOf(takeover.job);
      expectOk(await store.recordEntryCreated(document.id, 42, now, holder));
      expectOk(await store.markProcessing(document.id, 42, now, holder));
      expect(await store.getJob(claim.job.id)).toMatchObject({ state: 'done' });
      expect(await store.getDocument(document.id)).toMatchObject({ state: 'processing', entryId: 42, attempts: 1 });
    });

    it('fails a document under its lease, and keeps outage counts and attempts a release asks for', async () => {
      const store = current();
      const { document, job } = await queuedCreate(store, 'outage.md');
      let claim = await store.claimUpload(uploadClaimInput('w', T0));
      expectOk(claim);
      expect(claim.job.outages).toBe(0);
      const lease = leaseOf(claim.job);
      expect(await store.releaseJob({ ...lease, notBefore: T0 + 5_000, outages: 1, now: T0 })).toBe(true);
      expect(await store.getJob(job.id)).toMatchObject({ state: 'queued', outages: 1 });
      expect(await store.getDocument(document.id)).toMatchObject({ state: 'queued', attempts: 0 });

      claim = await store.claimUpload(uploadClaimInput('w', T0 + 5_000));
      expectOk(claim);
      expect(claim.job.outages).toBe(1);
      const second = leaseOf(claim.job);
      expect(await store.releaseJob({ ...second, notBefore: T0 + MINUTE, outages: 0, countsAttempt: true, now: T0 + 5_000 })).toBe(true);
      expect(await store.getJob(job.id)).toMatchObject({ outages: 0 });
      expect(await store.getDocument(document.id)).toMatchObject({ state: 'queued', attempts: 1 });

      claim = await store.claimUpload(uploadClaimInput('w', T0 + MINUTE));
      expectOk(claim);
      const error = { message: 'storage refused the upload', status: 403, step: 'upload' as const };
      expectOk(await store.markFailed(document.id, error, T0 + MINUTE, leaseOf(claim.job)));
      expect(await store.getDocument(document.id)).toMatchObject({ state: 'failed', lastError: error });
      expect(await store.getJob(job.id)).toMatchObject({ state: 'failed' });
    });

    it('claims a job released for a retry behind work that was ready before it', async () => {
      const store = current();
      const retried = await queuedCreate(store, 'retried.md', { now: T0 });
      const claim = await store.claimUpload(uploadClaimInput('w', T0));
      expectOk(claim);
      expect(claim.job.id).toBe(retried.job.id);
      // Released with a backoff; meanwhile newer work arrives and is ready before the backoff ends.
      await store.releaseJob({ ...leaseOf(claim.job), notBefore: T0 + MINUTE, now: T0 + 1 });
      const newer = await queuedCreate(store, 'newer.md', { now: T0 + 30_000 });
      const later = await queuedCreate(store, 'later.md', { now: T0 + 2 * MINUTE });

      const order: number[] = [];
      for (let i = 0; i < 3; i++) {
        const next = await store.claimNextJob('w', T0 + 3 * MINUTE, MINUTE);
        if (next) order.push(next.job.id);
      }
      expect(order).toEqual([newer.job.id, retried.job.id, later.job.id]);
    });
  });
}
