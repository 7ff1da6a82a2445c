import { describe, expect, it } from 'vitest';
import { expectOk, MINUTE, queuedCreate, REPLICA_B, scanned, T0, type StoreRef } from './store-contract-fixtures.js';

export function jobContract(current: StoreRef): void {
  describe('jobs', () => {
    it('are claimed by priority, then first in first out', async () => {
      const store = current();
      const low1 = await queuedCreate(store, 'low-1.md', { now: T0 });
      const high = await queuedCreate(store, 'high.md', { now: T0 + 2, priority: 5 });
      const low2 = await queuedCreate(store, 'low-2.md', { now: T0 + 1 });
      const order: number[] = [];
      for (let i = 0; i < 3; i++) {
        const claim = await store.claimNextJob('w', T0 + 10, MINUTE);
        if (claim) order.push(claim.job.id);
      }
      expect(order).toEqual([high.job.id, low1.job.id, low2.job.id]);
      expect(await store.claimNextJob('w', T0 + 10, MINUTE)).toBeNull();
    });

    it('enqueue is idempotent: one open job per document and kind', async () => {
      const store = current();
      const document = await scanned(store, 'one.md');
      const first = await store.enqueueJob({ documentId: document.id, kind: 'rename', payload: { to: 'x' }, now: T0 });
      const again = await store.enqueueJob({ documentId: document.id, kind: 'rename', payload: { to: 'y' }, now: T0 + 1 });
      expect(first.created).toBe(true);
      expect(again).toEqual({ job: first.job, created: false });
      const other = await store.enqueueJob({ documentId: document.id, kind: 'delete', now: T0 + 1 });
      expect(other.created).toBe(true);

      const claim = await store.claimNextJob('w', T0 + 2, MINUTE, { kinds: ['rename'] });
      expect(claim?.job.id).toBe(first.job.id);
      expect((await store.enqueueJob({ documentId: document.id, kind: 'rename', now: T0 + 3 })).created).toBe(false);
      expect(await store.completeJob(first.job.id, 'w', T0 + 4)).toBe(true);
      expect((await store.enqueueJob({ documentId: document.id, kind: 'rename', now: T0 + 5 })).created).toBe(true);
      await expect(store.enqueueJob({ documentId: document.id + 999, kind: 'delete', now: T0 })).rejects.toMatchObject({
        code: 'STORE_INVALID_ARGUMENT',
      });
    });

    it('waits for notBefore', async () => {
      const store = current();
      const document = await scanned(store, 'later.md');
      await store.enqueueJob({ documentId: document.id, kind: 'delete', notBefore: T0 + MINUTE, now: T0 });
      expect(await store.claimNextJob('w', T0 + MINUTE - 1, MINUTE)).toBeNull();
      expect(await store.claimNextJob('w', T0 + MINUTE, MINUTE)).not.toBeNull();
    });

    it('a lease is exclusive until it expires, then another owner takes the job over', async () => {
      const store = current();
      const { job } = await queuedCreate(store, 'leased.md');
      const a = await store.claimNextJob('host-a', T0, MINUTE);
      expect(a).toMatchObject({ job: { id: job.id, state: 'running', owner: 'host-a', leaseUntil: T0 + MINUTE, claims: 1 }, recovered: null });
      expect(await store.claimNextJob('host-b', T0 + MINUTE - 1, MINUTE)).toBeNull();
      expect(await store.renewLease(job.id, 'host-b', T0 + 1, MINUTE)).toBe(false);
      expect(await store.renewLease(job.id, 'host-a', T0 + 30_000, MINUTE)).toBe(true);
      expect(await store.claimNextJob('host-b', T0 + MINUTE, MINUTE)).toBeNull();

      const b = await store.claimNextJob('host-b', T0 + 30_000 + MINUTE, MINUTE);
      expect(b?.job).toMatchObject({ id: job.id, owner: 'host-b', claims: 2 });
      expect(b?.recovered).toEqual({ previousOwner: 'host-a', leaseExpiredAt: T0 + 30_000 + MINUTE });
      // The crashed owner, should it wake up, has lost the job.
      expect(await store.renewLease(job.id, 'host-a', T0 + 2 * MINUTE, MINUTE)).toBe(false);
      expect(await store.completeJob(job.id, 'host-a', T0 + 2 * MINUTE)).toBe(false);
      expect(await store.completeJob(job.id, 'host-b', T0 + 2 * MINUTE)).toBe(true);
      expect(await store.getJob(job.id)).toMatchObject({ state: 'done', finishedAt: T0 + 2 * MINUTE });
    });

    it('expireLeases hands a dead owner\'s jobs over at once', async () => {
      const store = current();
      await queuedCreate(store, 'orphan.md');
      await store.claimNextJob('dead', T0, 10 * MINUTE);
      expect(await store.claimNextJob('new', T0 + 1, MINUTE)).toBeNull();
      expect(await store.expireLeases('dead', T0 + 1)).toBe(1);
      expect((await store.claimNextJob('new', T0 + 1, MINUTE))?.recovered?.previousOwner).toBe('dead');
    });

    it('release puts a job and its uploading document back in the queue until notBefore', async () => {
      const store = current();
      const { document, job } = await queuedCreate(store, 'throttled.md');
      const claim = await store.claimUpload({ owner: 'w', now: T0, leaseMs: MINUTE, scope: 'org', limit: 10, windowMs: 3_600_000 });
      expectOk(claim);
      const error = { message: 'Too Many Requests', status: 429 };
      expect(await store.releaseJob({ jobId: job.id, owner: 'other', notBefore: T0 + MINUTE, now: T0 })).toBe(false);
      expect(await store.releaseJob({ jobId: job.id, owner: 'w', notBefore: T0 + MINUTE, error, now: T0 + 1 })).toBe(true);
      expect(await store.getJob(job.id)).toMatchObject({ state: 'queued', notBefore: T0 + MINUTE, leaseUntil: null, lastError: error });
      expect(await store.getDocument(document.id)).toMatchObject({ state: 'queued', nextAttemptAt: T0 + MINUTE });
      expect(await store.claimNextJob('w', T0 + MINUTE - 1, MINUTE)).toBeNull();
      expect((await store.claimNextJob('w', T0 + MINUTE, MINUTE))?.job.id).toBe(job.id);
    });

    it('fail and cancel end a job for good', async () => {
      const store = current();
      const document = await scanned(store, 'j.md');
      const { job: rename } = await store.enqueueJob({ documentId: document.id, kind: 'rename', now: T0 });
      const { job: del } = await store.enqueueJob({ documentId: document.id, kind: 'delete', now: T0 });
      await store.claimNextJob('w', T0, MINUTE, { kinds: ['rename'] });
      const error = { message: 'title refused', code: 'BAD_REQUEST', requestId: 'r-1' };
      expect(await store.failJob({ jobId: rename.id, owner: 'w', error, now: T0 + 1 })).toBe(true);
      expect(await store.getJob(rename.id)).toMatchObject({ state: 'failed', lastError: error });
      expect(await store.cancelJob(del.id, T0 + 2)).toBe(true);
      expect(await store.cancelJob(del.id, T0 + 3)).toBe(false);
      expect(await store.claimNextJob('w', T0 + 4, MINUTE)).toBeNull();
    });

    it('filters claims and listings by kind, replica, state and owner', async () => {
      const store = current();
      const a = await queuedCreate(store, 'a.md');
      const b = await queuedCreate(store, 'b.md', { replicaUUID: REPLICA_B });
      const { job: del } = await store.enqueueJob({ documentId: a.document.id, kind: 'delete', now: T0 });
      expect((await store.claimNextJob('w', T0, MINUTE, { kinds: ['delete'] }))?.job.id).toBe(del.id);
      expect((await store.claimNextJob('w', T0, MINUTE, { replicaUUID: REPLICA_B }))?.job.id).toBe(b.job.id);
      expect(await store.claimNextJob('w', T0, MINUTE, { kinds: [] })).toBeNull();
      expect((await store.listJobs({ states: ['queued'] })).map((j) => j.id)).toEqual([a.job.id]);
      expect((await store.listJobs({ owner: 'w' })).map((j) => j.id).sort()).toEqual([b.job.id, del.id].sort());
      expect((await store.listJobs({ replicaUUID: REPLICA_B })).map((j) => j.id)).toEqual([b.job.id]);
      expect((await store.listJobs({ documentId: a.document.id, kinds: ['create'] })).map((j) => j.id)).toEqual([a.job.id]);
      expect(await store.listJobs({ limit: 1 })).toHaveLength(1);
    });

    it('runs deletes and renames for a replica whose uploads are paused', async () => {
      const store = current();
      const document = await scanned(store, 'quota.md', { replicaUUID: REPLICA_B });
      const { job } = await store.enqueueJob({ documentId: document.id, kind: 'delete', now: T0 });
      await store.pauseReplica(REPLICA_B, 'KNOWLEDGE_BASE_CUSTOM_QUOTA_EXCEEDED', null);
      expect((await store.claimNextJob('w', T0, MINUTE))?.job.id).toBe(job.id);
    });

    it('rejects a claim without an owner or lease', async () => {
      const store = current();
      await expect(store.claimNextJob('', T0, MINUTE)).rejects.toMatchObject({ code: 'STORE_INVALID_ARGUMENT' });
      await expect(store.claimNextJob('w', T0, 0)).rejects.toMatchObject({ code: 'STORE_INVALID_ARGUMENT' });
    });
  });
}
