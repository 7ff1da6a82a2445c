import { describe, expect, it } from 'vitest';
import type { Store } from '../../src/store/store.js';
import { expectOk, HOUR, MINUTE, queuedCreate, REPLICA_A, REPLICA_B, SCOPE, T0, uploadClaimInput, type StoreRef } from './store-contract-fixtures.js';

/**
 * A cut-short upload (its holder died with the lease) needs no slot to be taken over: its
 * reconciliation by title settles whatever create may have reached Sensay. So neither a full
 * window nor a budget block may hide it behind a queued job that does need a slot (soak seed
 * 394378307: the document stayed `uploading` with an entry nobody recorded).
 */
export function takeoverContract(current: StoreRef): void {
  describe('claimUpload: a cut-short upload behind a queued one', () => {
    /** `dead` took the only slot of the hour for `crashed.pdf` and died; `waiting.pdf` queued meanwhile. */
    async function crashedBehindQueued(store: Store, waiting: { priority?: number; now?: number } = {}) {
      const crashed = await queuedCreate(store, 'crashed.pdf', { now: T0 });
      expectOk(await store.claimUpload(uploadClaimInput('dead', T0, { limit: 1, leaseMs: MINUTE })));
      const queued = await queuedCreate(store, 'waiting.pdf', { now: waiting.now ?? T0 + 1, ...(waiting.priority === undefined ? {} : { priority: waiting.priority }) });
      return { crashed, queued };
    }

    it('takes over the expired running job when the window is full, spending no slot', async () => {
      const store = current();
      const { crashed, queued } = await crashedBehindQueued(store);
      const claim = await store.claimUpload(uploadClaimInput('alive', T0 + 2 * MINUTE, { limit: 1 }));
      expectOk(claim);
      expect(claim).toMatchObject({ slotId: null, recovered: { previousOwner: 'dead' }, job: { id: crashed.job.id, owner: 'alive' } });
      expect(claim.document).toMatchObject({ id: crashed.document.id, state: 'uploading' });
      expect(await store.getJob(queued.job.id)).toMatchObject({ state: 'queued', owner: null, claims: 0 });
      expect(await store.getDocument(queued.document.id)).toMatchObject({ state: 'queued' });
      expect((await store.budgetStatus(SCOPE, 1, HOUR, T0 + 2 * MINUTE)).used).toBe(1);
      // Nothing else is runnable: the queued job still waits for the window.
      expect(await store.claimUpload(uploadClaimInput('alive', T0 + 2 * MINUTE, { limit: 1 }))).toEqual({ ok: false, reason: 'BUDGET_FULL', retryAt: T0 + HOUR });
    });

    it('does so when the queued job is ahead by priority too', async () => {
      const store = current();
      const { crashed } = await crashedBehindQueued(store, { priority: 5 });
      const claim = await store.claimUpload(uploadClaimInput('alive', T0 + 2 * MINUTE, { limit: 1 }));
      expectOk(claim);
      expect(claim).toMatchObject({ slotId: null, job: { id: crashed.job.id } });
    });

    it('takes it over while the budget is blocked: reconciling reads, and a create would still need a slot', async () => {
      const store = current();
      const { crashed, queued } = await crashedBehindQueued(store);
      await store.setBlockedUntil(SCOPE, T0 + 2 * HOUR, 'HTTP 429 throttle');
      const claim = await store.claimUpload(uploadClaimInput('alive', T0 + 2 * MINUTE));
      expectOk(claim);
      expect(claim).toMatchObject({ slotId: null, recovered: { previousOwner: 'dead' }, job: { id: crashed.job.id } });
      expect(await store.getJob(queued.job.id)).toMatchObject({ state: 'queued', claims: 0 });
      expect(await store.acquireUploadSlot({ scope: SCOPE, limit: 10, windowMs: HOUR, now: T0 + 2 * MINUTE })).toMatchObject({ granted: false, reason: 'BLOCKED' });
      expect(await store.claimUpload(uploadClaimInput('alive', T0 + 2 * MINUTE))).toEqual({
        ok: false,
        reason: 'BLOCKED',
        retryAt: T0 + 2 * HOUR,
        detail: 'HTTP 429 throttle',
      });
    });

    it('leaves a running job whose lease still holds to its holder', async () => {
      const store = current();
      await crashedBehindQueued(store);
      expect(await store.claimUpload(uploadClaimInput('alive', T0 + MINUTE - 1, { limit: 1 }))).toEqual({ ok: false, reason: 'BUDGET_FULL', retryAt: T0 + HOUR });
    });

    it('takes over only in scope: not a paused replica, not another host’s source', async () => {
      const store = current();
      await queuedCreate(store, 'crashed-b.pdf', { replicaUUID: REPLICA_B, sourceName: 'other', now: T0 });
      expectOk(await store.claimUpload(uploadClaimInput('dead', T0, { limit: 1, leaseMs: MINUTE })));
      await queuedCreate(store, 'waiting.pdf', { replicaUUID: REPLICA_A, now: T0 + 1 });
      const full = { ok: false, reason: 'BUDGET_FULL', retryAt: T0 + HOUR };
      expect(await store.claimUpload({ ...uploadClaimInput('alive', T0 + 2 * MINUTE, { limit: 1 }), sourceNames: ['docs'] })).toEqual(full);
      expect(await store.claimUpload({ ...uploadClaimInput('alive', T0 + 2 * MINUTE, { limit: 1 }), replicaUUID: REPLICA_A })).toEqual(full);
      await store.pauseReplica(REPLICA_B, 'quota', null);
      expect(await store.claimUpload(uploadClaimInput('alive', T0 + 2 * MINUTE, { limit: 1 }))).toEqual(full);
      await store.resumeReplica(REPLICA_B);
      expectOk(await store.claimUpload(uploadClaimInput('alive', T0 + 2 * MINUTE, { limit: 1 })));
    });
  });
}
