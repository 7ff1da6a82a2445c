import { describe, expect, it } from 'vitest';
import {
  expectOk,
  HOUR,
  MINUTE,
  queuedCreate,
  REPLICA_A,
  REPLICA_B,
  SCOPE,
  T0,
  uploadClaimInput,
  type StoreRef,
} from './store-contract-fixtures.js';

const slot = (now: number, limit = 10) => ({ scope: SCOPE, limit, windowMs: HOUR, now });

export function budgetContract(current: StoreRef): void {
  describe('upload budget', () => {
    it('grants 10 slots an hour; the 11th waits until the oldest is an hour old, to the millisecond', async () => {
      const store = current();
      for (let i = 0; i < 10; i++) {
        expect(await store.acquireUploadSlot(slot(T0 + i * MINUTE))).toMatchObject({ granted: true });
      }
      expect(await store.acquireUploadSlot(slot(T0 + 30 * MINUTE))).toEqual({ granted: false, reason: 'WINDOW_FULL', retryAt: T0 + HOUR });
      expect(await store.acquireUploadSlot(slot(T0 + HOUR - 1))).toMatchObject({ granted: false, retryAt: T0 + HOUR });
      expect(await store.acquireUploadSlot(slot(T0 + HOUR))).toMatchObject({ granted: true });
      // The window slides: the next slot frees when the second-oldest turns an hour old.
      expect(await store.acquireUploadSlot(slot(T0 + HOUR + 1))).toEqual({
        granted: false,
        reason: 'WINDOW_FULL',
        retryAt: T0 + MINUTE + HOUR,
      });
    });

    it('after the limit is lowered, waits until enough slots have left the window', async () => {
      const store = current();
      for (let i = 0; i < 4; i++) await store.acquireUploadSlot(slot(T0 + i * MINUTE, 4));
      expect(await store.acquireUploadSlot(slot(T0 + 10 * MINUTE, 2))).toEqual({
        granted: false,
        reason: 'WINDOW_FULL',
        retryAt: T0 + 2 * MINUTE + HOUR,
      });
      expect(await store.acquireUploadSlot(slot(T0 + 2 * MINUTE + HOUR, 2))).toMatchObject({ granted: true });
    });

    it('reports what is used, what remains and when the next slot frees', async () => {
      const store = current();
      expect(await store.budgetStatus(SCOPE, 10, HOUR, T0)).toEqual({
        used: 0,
        remaining: 10,
        nextFreeAt: T0,
        blockedUntil: null,
        blockedReason: null,
        slotTimes: [],
      });
      await store.acquireUploadSlot(slot(T0, 2));
      await store.acquireUploadSlot(slot(T0 + 5, 2));
      expect(await store.budgetStatus(SCOPE, 2, HOUR, T0 + 10)).toMatchObject({
        used: 2,
        remaining: 0,
        nextFreeAt: T0 + HOUR,
        slotTimes: [T0, T0 + 5],
      });
      expect(await store.budgetStatus(SCOPE, 2, HOUR, T0 + HOUR)).toMatchObject({ used: 1, remaining: 1, nextFreeAt: T0 + HOUR });
    });

    it('keeps scopes apart, and gives back a refunded slot', async () => {
      const store = current();
      const first = await store.acquireUploadSlot(slot(T0, 1));
      expect(first.granted).toBe(true);
      expect(await store.acquireUploadSlot({ ...slot(T0, 1), scope: 'other' })).toMatchObject({ granted: true });
      expect(await store.acquireUploadSlot(slot(T0 + 1, 1))).toMatchObject({ granted: false });
      if (!first.granted) return;
      expect(await store.refundUploadSlot(first.slotId)).toBe(true);
      expect(await store.refundUploadSlot(first.slotId)).toBe(false);
      expect(await store.acquireUploadSlot(slot(T0 + 2, 1))).toMatchObject({ granted: true });
    });

    it('honours blockedUntil from a Retry-After, and never moves it earlier', async () => {
      const store = current();
      expect(await store.setBlockedUntil(SCOPE, T0 + 10 * MINUTE, 'Retry-After 600')).toEqual({ until: T0 + 10 * MINUTE, reason: 'Retry-After 600' });
      expect(await store.setBlockedUntil(SCOPE, T0 + 2 * MINUTE, 'Retry-After 120')).toEqual({ until: T0 + 10 * MINUTE, reason: 'Retry-After 600' });
      expect(await store.acquireUploadSlot(slot(T0 + MINUTE))).toEqual({ granted: false, reason: 'BLOCKED', retryAt: T0 + 10 * MINUTE });
      expect(await store.budgetStatus(SCOPE, 10, HOUR, T0 + MINUTE)).toMatchObject({
        blockedUntil: T0 + 10 * MINUTE,
        blockedReason: 'Retry-After 600',
        nextFreeAt: T0 + 10 * MINUTE,
        remaining: 10,
      });
      expect(await store.acquireUploadSlot(slot(T0 + 10 * MINUTE))).toMatchObject({ granted: true });
      expect(await store.setBlockedUntil(SCOPE, T0 + 20 * MINUTE, 'later')).toEqual({ until: T0 + 20 * MINUTE, reason: 'later' });
      expect((await store.budgetStatus(SCOPE, 10, HOUR, T0 + 21 * MINUTE)).blockedUntil).toBeNull();
    });

    it('pauses and resumes a replica', async () => {
      const store = current();
      await store.pauseReplica(REPLICA_A, 'KNOWLEDGE_BASE_CUSTOM_QUOTA_EXCEEDED', null);
      await store.pauseReplica(REPLICA_B, 'throttled', T0 + MINUTE);
      expect(await store.pausedReplicas(T0)).toEqual([
        { replicaUUID: REPLICA_A, reason: 'KNOWLEDGE_BASE_CUSTOM_QUOTA_EXCEEDED', until: null },
        { replicaUUID: REPLICA_B, reason: 'throttled', until: T0 + MINUTE },
      ]);
      expect((await store.pausedReplicas(T0 + MINUTE)).map((p) => p.replicaUUID)).toEqual([REPLICA_A]);
      expect(await store.resumeReplica(REPLICA_A)).toBe(true);
      expect(await store.resumeReplica(REPLICA_A)).toBe(false);
      expect(await store.pausedReplicas(T0 + MINUTE)).toEqual([]);
    });

    it('rejects a window without room', async () => {
      const store = current();
      await expect(store.acquireUploadSlot(slot(T0, 0))).rejects.toMatchObject({ code: 'STORE_INVALID_ARGUMENT' });
      await expect(store.budgetStatus(SCOPE, 10, 0, T0)).rejects.toMatchObject({ code: 'STORE_INVALID_ARGUMENT' });
    });
  });

  describe('claimUpload', () => {
    it('takes the job, a slot and the document in one step', async () => {
      const store = current();
      const { document, job } = await queuedCreate(store, 'a.pdf');
      const claim = await store.claimUpload(uploadClaimInput('host-1', T0 + 1));
      expectOk(claim);
      expect(claim.job).toMatchObject({ id: job.id, state: 'running', owner: 'host-1', leaseUntil: T0 + 1 + 5 * MINUTE });
      expect(claim.document).toMatchObject({ id: document.id, state: 'uploading' });
      expect(claim.slotId).toEqual(expect.any(Number));
      expect(claim.recovered).toBeNull();
      expect((await store.budgetStatus(SCOPE, 10, HOUR, T0 + 1)).used).toBe(1);
    });

    it('changes nothing when the budget is full or blocked', async () => {
      const store = current();
      const { document, job } = await queuedCreate(store, 'waiting.pdf');
      await store.acquireUploadSlot(slot(T0, 1));
      expect(await store.claimUpload(uploadClaimInput('w', T0 + 1, { limit: 1 }))).toEqual({ ok: false, reason: 'BUDGET_FULL', retryAt: T0 + HOUR });
      await store.setBlockedUntil(SCOPE, T0 + 2 * HOUR, 'Retry-After 7200');
      expect(await store.claimUpload(uploadClaimInput('w', T0 + 1))).toEqual({
        ok: false,
        reason: 'BLOCKED',
        retryAt: T0 + 2 * HOUR,
        detail: 'Retry-After 7200',
      });
      expect(await store.getJob(job.id)).toMatchObject({ state: 'queued', owner: null, claims: 0 });
      expect(await store.getDocument(document.id)).toMatchObject({ state: 'queued' });
      expect((await store.budgetStatus(SCOPE, 10, HOUR, T0 + 1)).used).toBe(1);
    });

    it('grants exactly the budget: 15 queued jobs, limit 10, ten distinct claims', async () => {
      const store = current();
      for (let i = 0; i < 15; i++) await queuedCreate(store, `bulk-${String(i).padStart(2, '0')}.md`, { now: T0 + i });
      const claimed = new Set<number>();
      for (let i = 0; i < 15; i++) {
        const claim = await store.claimUpload(uploadClaimInput(`w${i % 3}`, T0 + 100 + i));
        if (claim.ok) claimed.add(claim.job.id);
        else expect(claim).toEqual({ ok: false, reason: 'BUDGET_FULL', retryAt: T0 + 100 + HOUR });
      }
      expect(claimed.size).toBe(10);
      expect(await store.listJobs({ states: ['queued'] })).toHaveLength(5);
    });

    it('skips the jobs of a paused replica, and resumes them when the pause ends', async () => {
      const store = current();
      const a = await queuedCreate(store, 'a.pdf', { replicaUUID: REPLICA_A, now: T0 });
      const b = await queuedCreate(store, 'b.pdf', { replicaUUID: REPLICA_B, now: T0 + 1 });
      await store.pauseReplica(REPLICA_A, 'quota', T0 + HOUR);
      const first = await store.claimUpload(uploadClaimInput('w', T0 + 2));
      expectOk(first);
      expect(first.job.id).toBe(b.job.id);
      expectOk(await store.recordEntryCreated(b.document.id, 1, T0 + 2));
      expectOk(await store.markProcessing(b.document.id, 1, T0 + 2));
      expect(await store.claimUpload(uploadClaimInput('w', T0 + 3))).toEqual({ ok: false, reason: 'NO_JOB', nextJobAt: T0 + HOUR });
      const resumed = await store.claimUpload(uploadClaimInput('w', T0 + HOUR));
      expectOk(resumed);
      expect(resumed.job.id).toBe(a.job.id);
    });

    it('never claims for a replica paused until resumed', async () => {
      const store = current();
      await queuedCreate(store, 'q.pdf', { replicaUUID: REPLICA_A });
      await store.pauseReplica(REPLICA_A, 'quota', null);
      expect(await store.claimUpload(uploadClaimInput('w', T0 + 1))).toEqual({ ok: false, reason: 'NO_JOB', nextJobAt: null });
      await store.resumeReplica(REPLICA_A);
      expectOk(await store.claimUpload(uploadClaimInput('w', T0 + 2)));
    });

    it('takes over a crashed upload without spending a slot, flagging it for reconciliation', async () => {
      const store = current();
      const { job } = await queuedCreate(store, 'crashed.pdf');
      expectOk(await store.claimUpload(uploadClaimInput('dead', T0, { leaseMs: MINUTE })));
      expect(await store.claimUpload(uploadClaimInput('alive', T0 + 1))).toEqual({ ok: false, reason: 'NO_JOB', nextJobAt: T0 + MINUTE });
      const recovered = await store.claimUpload(uploadClaimInput('alive', T0 + MINUTE));
      expectOk(recovered);
      expect(recovered).toMatchObject({ slotId: null, recovered: { previousOwner: 'dead' }, job: { id: job.id, owner: 'alive' } });
      expect(recovered.document.state).toBe('uploading');
      expect((await store.budgetStatus(SCOPE, 10, HOUR, T0 + MINUTE)).used).toBe(1);
      const [event] = await store.listEvents({ documentId: recovered.document.id, types: ['lease-recovered'] });
      expect(event?.detail).toMatchObject({ previousOwner: 'dead', owner: 'alive' });
    });

    it('claims only upload kinds', async () => {
      const store = current();
      const { document, job } = await queuedCreate(store, 'up.pdf');
      await store.enqueueJob({ documentId: document.id, kind: 'rename', priority: 9, now: T0 });
      const claim = await store.claimUpload(uploadClaimInput('w', T0));
      expectOk(claim);
      expect(claim.job.id).toBe(job.id);
      expect(await store.claimUpload({ ...uploadClaimInput('w', T0), kinds: ['recreate'] })).toMatchObject({ ok: false, reason: 'NO_JOB' });
    });
  });
}
